// `pong-server keygen` (and `pong-chat keygen`): makes a new cluster key file and says how to
// give it to the servers.
#pragma once

#include <ostream>
#include <string>

namespace dp {

// Where keygen writes when no --out is given: the current directory.
inline constexpr const char* kDefaultKeyFile = "cluster.key";

// Writes a new key file at `path` (never over an existing file) and prints where it went and
// how to distribute it; `program` ("pong-server" or "pong-chat") appears in the example
// command. Returns the exit code: 0, or 1 with the reason on `err`.
int run_keygen(const std::string& program, const std::string& path, std::ostream& out,
               std::ostream& err);

}  // namespace dp
