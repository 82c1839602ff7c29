// `pong-server leaderboard`: the players and the last results kept in a server's database,
// read without disturbing a server that runs on it (WAL readers never block the writer).
#pragma once

#include <ostream>
#include <string>

namespace dp {

struct LeaderboardOptions {
  std::string data_dir;  // Empty: the default data directory of a server on port 50010.
  bool json = false;
  int top = 10;
  int results = 10;
};

// Returns the exit code: 0, or 1 when the database cannot be read (the message names it).
int print_leaderboard(const LeaderboardOptions& options, std::ostream& out, std::ostream& err);

}  // namespace dp
