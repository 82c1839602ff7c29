// A server's data directory: where its database lives, claimed for the life of the process
// (an exclusive lock on <dir>/lock) so two servers never share one.
//
// The default needs no thought: $XDG_STATE_HOME/distributed-pong (else ./data) holds one
// directory per server, named after its control port (server-50010), or, for a server on an
// ephemeral port (--control-port 0), the first of server-any-1, server-any-2, ... that no
// running server holds.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/common/result.h"

namespace dp::storage {

class DataDir {
 public:
  // Creates the directory if needed and locks it; the error says which and why.
  static Result<std::unique_ptr<DataDir>, std::string> claim(const std::string& path);
  // The default directory for a server on `control_port` (see above), claimed. `kind` names
  // it: "server" (server-50010) for the games, "chat" (chat-50011) for a chat server.
  static Result<std::unique_ptr<DataDir>, std::string> claim_default(
      std::uint16_t control_port, const std::string& kind = "server");
  static std::string default_base();

  ~DataDir();
  DataDir(const DataDir&) = delete;
  DataDir& operator=(const DataDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  DataDir(std::string path, int lock_fd) : path_(std::move(path)), lock_fd_(lock_fd) {}
  std::string path_;
  int lock_fd_;
};

}  // namespace dp::storage
