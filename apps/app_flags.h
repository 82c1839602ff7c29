// Flag parsing shared by every app: CLI11's --help exits 0, every other parse error prints
// CLI11's message and a usage hint and exits kExitBadFlags.
#pragma once

#include <optional>

#include <CLI/CLI.hpp>

namespace dp {

constexpr int kExitBadFlags = 2;

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
