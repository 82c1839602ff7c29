#include "transport/state_file.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace dp {

namespace {

// Parses "<key> <decimal>" lines; returns false on anything else.
bool parse_u64(std::string_view text, std::uint64_t& out) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size() && !text.empty();
}

bool parse_hex_u64(std::string_view text, std::uint64_t& out) {
  if (text.size() != 16) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out, 16);
  return error == std::errc() && end == text.data() + text.size();
}

}  // namespace

Result<PersistentState, std::string> parse_state_text(std::string_view text) {
  using R = Result<PersistentState, std::string>;
  PersistentState state;
  bool have_term = false;
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    const std::size_t space = line.find(' ');
    if (space == std::string_view::npos)
      return R::failure("line " + std::to_string(line_no) + ": expected 'key value'");
    const std::string_view key = line.substr(0, space);
    const std::string_view value = line.substr(space + 1);
    bool ok = false;
    if (key == "highest_term") {
      ok = parse_u64(value, state.highest_term);
      have_term = ok;
    } else if (key == "last_epoch_term") {
      ok = parse_u64(value, state.last_epoch.term);
    } else if (key == "peers_known") {
      std::uint64_t n = 0;
      ok = parse_u64(value, n) && n <= 1000;
      state.peers_known = static_cast<std::uint32_t>(n);
    } else if (key == "last_epoch_leader") {
      ok = value.size() == 32 && parse_hex_u64(value.substr(0, 16), state.last_epoch.leader.hi) &&
           parse_hex_u64(value.substr(16), state.last_epoch.leader.lo);
    } else {
      return R::failure("line " + std::to_string(line_no) + ": unknown key '" + std::string(key) +
                        "'");
    }
    if (!ok)
      return R::failure("line " + std::to_string(line_no) + ": bad value for " + std::string(key));
  }
  if (!have_term) return R::failure("no highest_term line");
  if (state.last_epoch.term > state.highest_term)
    return R::failure("last_epoch_term above highest_term");
  return state;
}

Result<PersistentState, std::string> load_state_file(const std::string& path) {
  using R = Result<PersistentState, std::string>;
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) return PersistentState{};
  std::ifstream in(path, std::ios::binary);
  if (!in) return R::failure("cannot read state file " + path);
  std::string text(kMaxStateFileBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (text.size() > kMaxStateFileBytes) return R::failure("state file too large: " + path);
  auto state = parse_state_text(text);
  if (!state) return R::failure("malformed state file " + path + ": " + state.error());
  return state;
}

std::string save_state_file(const std::string& path, const PersistentState& state) {
  std::error_code ec;
  const std::filesystem::path p(path);
  if (p.has_parent_path()) std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return "cannot create " + p.parent_path().string() + ": " + ec.message();
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << "highest_term " << state.highest_term << '\n';
    if (state.peers_known > 0) out << "peers_known " << state.peers_known << '\n';
    if (!state.last_epoch.is_none()) {
      out << "last_epoch_term " << state.last_epoch.term << '\n'
          << "last_epoch_leader " << state.last_epoch.leader.str() << '\n';
    }
    out.flush();
    if (!out) return "cannot write " + temp;
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return "cannot rename " + temp + " to " + path + ": " + ec.message();
  return {};
}

}  // namespace dp
