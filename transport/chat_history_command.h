// `pong-chat history`: a channel's lines as a chat server's database keeps them, read without
// disturbing a server that runs on it (WAL readers never block the writer).
#pragma once

#include <ostream>
#include <string>

namespace dp {

struct ChatHistoryOptions {
  std::string data_dir;  // Empty: the default data directory of a chat server on port 50011.
  std::string channel = "lobby";
  int last = 100;         // Lines to print, the newest last.
  bool channels = false;  // List the channels instead.
};

// Returns the exit code: 0, or 1 when the database cannot be read (the message names it).
int print_chat_history(const ChatHistoryOptions& options, std::ostream& out, std::ostream& err);

}  // namespace dp
