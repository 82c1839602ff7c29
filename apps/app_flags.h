// Flag parsing shared by every app: CLI11's --help exits 0, every other parse error prints
// CLI11's message and a usage hint and exits kExitBadFlags.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace dp {

constexpr int kExitBadFlags = 2;

// The check of a UDP port flag. It runs on the flag's text, before CLI11 converts it to the
// option's std::uint16_t, so 99999 or -1 is told the valid range instead of CLI11's bare
// "Could not convert". `lowest` is 1, or 0 where 0 asks the system for any free port.
inline CLI::Validator udp_port(int lowest) {
  std::string range = std::to_string(lowest) + " to 65535";
  if (lowest == 0) range += " (0: any free port)";
  return CLI::Validator(
      [range, lowest](std::string& text) -> std::string {
        std::int64_t value = 0;
        if (CLI::detail::lexical_cast(text, value) && value >= lowest && value <= 65535) return {};
        return "'" + text + "' is not a UDP port: use " + range;
      },
      "PORT");
}

// Parses argv into `app`. Returns the status to exit with now, or nothing to carry on.
inline std::optional<int> parse_flags(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);  // Prints help, or the error and a usage hint.
    return code == 0 ? 0 : kExitBadFlags;
  }
  return std::nullopt;
}

}  // namespace dp
