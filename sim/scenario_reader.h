// Checked access to a scenario file's TOML tables: every value read by key with its type and
// range checked, unknown keys refused, and every mistake raised as a SchemaError naming the
// file's key path and line (scenario_parse.cc turns it into a ScenarioError).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace dp::sim::scenario_reader {

// Internal only: unwinds to parse_scenario_text, which converts it into a ScenarioError.
struct SchemaError {
  int line = 0;
  std::string key;
  std::string message;
};

inline int line_of(const toml::node& node) { return static_cast<int>(node.source().begin.line); }
inline int line_of(const toml::key& key) { return static_cast<int>(key.source().begin.line); }

inline std::string join_path(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

inline const char* type_name(const toml::node& node) {
  switch (node.type()) {
    case toml::node_type::table:
      return "a table";
    case toml::node_type::array:
      return "an array";
    case toml::node_type::string:
      return "a string";
    case toml::node_type::integer:
      return "an integer";
    case toml::node_type::floating_point:
      return "a float";
    case toml::node_type::boolean:
      return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
      return "a date/time";
    case toml::node_type::none:
      break;
  }
  return "nothing";
}

class TableReader {
 public:
  // `fallback_line` is used for "missing key" errors when the table has no source position
  // (the root table).
  TableReader(const toml::table& table, std::string path, int fallback_line)
      : table_(table), path_(std::move(path)) {
    line_ = line_of(table);
    if (line_ <= 0) line_ = fallback_line;
  }

  // Fails on the first key not in `allowed`.
  void only_keys(std::initializer_list<std::string_view> allowed) const {
    only_keys(std::vector<std::string_view>(allowed));
  }
  void only_keys(const std::vector<std::string_view>& allowed) const {
    for (auto&& [key, value] : table_) {
      if (std::find(allowed.begin(), allowed.end(), key.str()) == allowed.end()) {
        (void)value;
        throw SchemaError{line_of(key), join_path(path_, key.str()),
                          "unknown key '" + join_path(path_, key.str()) + "'"};
      }
    }
  }

  bool has(std::string_view key) const { return table_.contains(key); }

  std::optional<std::int64_t> integer(std::string_view key, bool required, std::int64_t lo,
                                      std::int64_t hi) const {
    const toml::node* node = find(key, required);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_integer();
    if (value == nullptr) wrong_type(key, *node, "an integer");
    const std::int64_t v = value->get();
    if (v < lo || v > hi) {
      throw SchemaError{line_of(*node), join_path(path_, key),
                        "key '" + join_path(path_, key) + "' = " + std::to_string(v) +
                            " is out of range " + std::to_string(lo) + ".." + std::to_string(hi)};
    }
    return v;
  }

  // An integer or a float.
  std::optional<double> number(std::string_view key, bool required, double lo, double hi) const {
    const toml::node* node = find(key, required);
    if (node == nullptr) return std::nullopt;
    double v = 0;
    if (const auto* i = node->as_integer()) {
      v = static_cast<double>(i->get());
    } else if (const auto* f = node->as_floating_point()) {
      v = f->get();
    } else {
      wrong_type(key, *node, "a number");
    }
    if (!(v >= lo && v <= hi)) {
      std::ostringstream msg;
      msg << "key '" << join_path(path_, key) << "' = " << v << " is out of range " << lo << ".."
          << hi;
      throw SchemaError{line_of(*node), join_path(path_, key), msg.str()};
    }
    return v;
  }

  std::optional<std::string> string(std::string_view key, bool required) const {
    const toml::node* node = find(key, required);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_string();
    if (value == nullptr) wrong_type(key, *node, "a string");
    return value->get();
  }

  std::optional<bool> boolean(std::string_view key, bool required) const {
    const toml::node* node = find(key, required);
    if (node == nullptr) return std::nullopt;
    const auto* value = node->as_boolean();
    if (value == nullptr) wrong_type(key, *node, "a boolean");
    return value->get();
  }

  const toml::node* node(std::string_view key) const { return table_.get(key); }
  [[noreturn]] void fail(std::string_view key, const std::string& message) const {
    const toml::node* n = table_.get(key);
    throw SchemaError{n != nullptr ? line_of(*n) : line_, join_path(path_, key), message};
  }
  [[noreturn]] void wrong_type(std::string_view key, const toml::node& node,
                               const char* expected) const {
    throw SchemaError{
        line_of(node), join_path(path_, key),
        "key '" + join_path(path_, key) + "' must be " + expected + ", not " + type_name(node)};
  }
  int line() const { return line_; }
  const std::string& path() const { return path_; }

 private:
  const toml::node* find(std::string_view key, bool required) const {
    const toml::node* node = table_.get(key);
    if (node == nullptr && required) {
      throw SchemaError{line_, join_path(path_, key),
                        "missing required key '" + join_path(path_, key) + "'"};
    }
    return node;
  }

  const toml::table& table_;
  std::string path_;
  int line_ = 1;
};

}  // namespace dp::sim::scenario_reader
