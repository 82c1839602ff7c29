// A tiny streaming JSON writer: objects, arrays, strings (escaped per RFC 8259), integers,
// doubles, booleans and null. Enough for pong-sim's summary and Chrome traces without a new
// dependency. The caller keeps begin/end calls balanced; the writer tracks commas.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace dp::sim {

// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

class JsonWriter {
 public:
  explicit JsonWriter(std::ostream& out) : out_(out) {}

  void begin_object() { open('{'); }
  void end_object() { close('}'); }
  void begin_array() { open('['); }
  void end_array() { close(']'); }
  // Inside an object: the next value's key.
  void key(std::string_view k);

  void value(std::string_view s);
  void value(const char* s) { value(std::string_view(s)); }
  void value(const std::string& s) { value(std::string_view(s)); }
  void value(std::int64_t v);
  void value(std::uint64_t v);
  void value(int v) { value(static_cast<std::int64_t>(v)); }
  void value(double v);  // Non-finite values are written as null.
  void value(bool v);
  void null();

  // key + value in one call.
  template <class T>
  void field(std::string_view k, const T& v) {
    key(k);
    value(v);
  }

 private:
  void open(char c);
  void close(char c);
  void before_value();

  std::ostream& out_;
  std::vector<bool> first_;  // Per open container: no element written yet.
  bool after_key_ = false;
  std::string scratch_;
};

}  // namespace dp::sim
