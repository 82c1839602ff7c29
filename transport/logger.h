// A small line logger for the real-host executables: each line gets the wall-clock time and
// a level, and goes to stdout and (optionally) to a log file.
//
// Wall time belongs here, in the driver layer, never in core/. Single-threaded by design:
// call it from the io_context's thread only. Logging never throws; a failed file write is
// counted and the line still reaches stdout.
#pragma once

#include <cstdint>
#include <fstream>
#include <string>
#include <string_view>

#include "core/common/result.h"

namespace dp {

enum class LogLevel : std::uint8_t { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };
const char* log_level_name(LogLevel level);
Result<LogLevel, std::string> parse_log_level(std::string_view text);

// Local wall-clock time with milliseconds, e.g. "2024-05-01 12:34:56.789".
std::string wall_time_str();

class Logger {
 public:
  explicit Logger(LogLevel level) : level_(level) {}

  // Appends to `path`, creating its directory if needed. Returns an error message on failure
  // (the logger then keeps writing to stdout only).
  std::string open_file(const std::string& path);

  bool enabled(LogLevel level) const { return level <= level_; }
  void log(LogLevel level, std::string_view message);
  void error(std::string_view message) { log(LogLevel::kError, message); }
  void warn(std::string_view message) { log(LogLevel::kWarn, message); }
  void info(std::string_view message) { log(LogLevel::kInfo, message); }
  void debug(std::string_view message) { log(LogLevel::kDebug, message); }

  std::uint64_t file_write_errors() const { return file_write_errors_; }

 private:
  LogLevel level_;
  std::ofstream file_;
  std::uint64_t file_write_errors_ = 0;
};

}  // namespace dp
