#include "transport/storage/data_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

namespace dp::storage {

std::string DataDir::default_base() {
  const char* xdg = std::getenv("XDG_STATE_HOME");
  if (xdg != nullptr && xdg[0] == '/') return std::string(xdg) + "/distributed-pong";
  return "data";
}

Result<std::unique_ptr<DataDir>, std::string> DataDir::claim(const std::string& path) {
  using R = Result<std::unique_ptr<DataDir>, std::string>;
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  if (ec) return R::failure("cannot create data directory " + path + ": " + ec.message());
  const std::string lock = path + "/lock";
  const int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return R::failure("cannot open " + lock + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return R::failure("data directory " + path +
                      " is in use by another pong-server (give each server its own --data-dir)");
  }
  return std::unique_ptr<DataDir>(new DataDir(path, fd));
}

Result<std::unique_ptr<DataDir>, std::string> DataDir::claim_default(std::uint16_t control_port,
                                                                     const std::string& kind) {
  using R = Result<std::unique_ptr<DataDir>, std::string>;
  const std::string base = default_base();
  if (control_port != 0) return claim(base + "/" + kind + "-" + std::to_string(control_port));
  for (int n = 1; n <= 64; ++n) {
    auto dir = claim(base + "/" + kind + "-any-" + std::to_string(n));
    if (dir) return dir;
  }
  return R::failure("no free data directory under " + base + "/" + kind +
                    "-any-N (give --data-dir)");
}

DataDir::~DataDir() { ::close(lock_fd_); }

}  // namespace dp::storage
