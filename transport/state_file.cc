#include "transport/state_file.h"

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <system_error>

namespace dp {

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
  constexpr std::string_view kKey = "highest_term ";
  if (text.rfind(kKey, 0) != 0) return R::failure("malformed state file " + path);
  PersistentState state;
  const char* first = text.data() + kKey.size();
  const char* last = text.data() + text.size();
  const auto [end, error] = std::from_chars(first, last, state.highest_term);
  if (error != std::errc() || end == first || (end != last && *end != '\n')) {
    return R::failure("malformed state file " + path);
  }
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
    out.flush();
    if (!out) return "cannot write " + temp;
  }
  std::filesystem::rename(temp, path, ec);
  if (ec) return "cannot rename " + temp + " to " + path + ": " + ec.message();
  return {};
}

}  // namespace dp
