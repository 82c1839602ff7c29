#include "transport/logger.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <system_error>

namespace dp {

const char* log_level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "?";
}

Result<LogLevel, std::string> parse_log_level(std::string_view text) {
  for (const LogLevel level :
       {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    if (text == log_level_name(level)) return level;
  }
  return Result<LogLevel, std::string>::failure("unknown log level '" + std::string(text) +
                                                "' (error|warn|info|debug)");
}

std::string wall_time_str() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  localtime_r(&seconds, &local);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S", &local);
  char out[40];
  std::snprintf(out, sizeof out, "%s.%03d", date, static_cast<int>(ms));
  return out;
}

std::string Logger::open_file(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return "cannot create " + p.parent_path().string() + ": " + ec.message();
  file_.open(path, std::ios::app);
  if (!file_) return "cannot open " + path + " for writing";
  return {};
}

void Logger::log(LogLevel level, std::string_view message) {
  if (!enabled(level)) return;
  std::string line = wall_time_str();
  line += ' ';
  line += log_level_name(level);
  line.append(6 - std::string_view(log_level_name(level)).size(), ' ');
  line += message;
  line += '\n';
  std::cout << line << std::flush;
  if (file_.is_open()) {
    file_ << line << std::flush;
    if (!file_) {
      ++file_write_errors_;
      file_.clear();
    }
  }
}

}  // namespace dp
