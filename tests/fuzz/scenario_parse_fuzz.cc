// libFuzzer target: the scenario TOML parser on arbitrary text.
//
// Oracles: parse_scenario_text() returns a value or an error and never throws or crashes; an
// error names a non-empty message; an accepted scenario is writable by the swarm's scenario
// writer, the written text parses again, and writing that gives the same text (the writer and
// the parser agree, so shrunk reproductions replay what the fuzzer ran).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/scenario.h"
#include "sim/swarm/scenario_writer.h"
#include "tests/fuzz/fuzz_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = dp::sim::parse_scenario_text(text, "fuzz.toml");
  if (!parsed.ok()) {
    FUZZ_CHECK(!parsed.error().message.empty());
    return 0;
  }
  auto written = dp::sim::write_scenario_toml(parsed.value());
  // Every time in a file is whole milliseconds, so everything parsed is writable.
  FUZZ_CHECK(written.ok());
  auto reparsed = dp::sim::parse_scenario_text(written.value(), "fuzz.toml");
  if (!reparsed.ok()) {
    std::fprintf(stderr, "written scenario does not parse: %s\n--- text ---\n%s\n",
                 reparsed.error().str().c_str(), written.value().c_str());
  }
  FUZZ_CHECK(reparsed.ok());
  auto rewritten = dp::sim::write_scenario_toml(reparsed.value());
  FUZZ_CHECK(rewritten.ok());
  FUZZ_CHECK(rewritten.value() == written.value());
  return 0;
}
