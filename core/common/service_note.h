// A service's own observation (a room opened, a point scored, a chat message delivered),
// carried through the generic node code without the node knowing its type.
//
// The payload is a small struct of the service's, copied by value and tagged with the
// service's id and the struct's kind. Only code that knows the struct reads it back, with
// as<T>(), which checks the tag. The struct must be trivially copyable and have no padding
// (has_unique_object_representations), so its bytes, which feed the simulator's digest, are
// the same on every run.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <type_traits>

namespace dp {

struct ServiceNote {
  static constexpr std::size_t kMaxBytes = 24;

  std::uint8_t service = 0;
  std::uint8_t kind = 0;
  std::uint8_t size = 0;
  std::array<std::uint8_t, kMaxBytes> bytes{};

  // T names its tag: static constexpr std::uint8_t kService, kNoteKind.
  template <class T>
  static ServiceNote of(const T& value) {
    static_assert(std::is_trivially_copyable_v<T> && std::has_unique_object_representations_v<T>,
                  "a note must be plain bytes with no padding (it feeds the digest)");
    static_assert(sizeof(T) <= kMaxBytes, "a note carries at most kMaxBytes");
    ServiceNote note;
    note.service = T::kService;
    note.kind = T::kNoteKind;
    note.size = static_cast<std::uint8_t>(sizeof(T));
    std::memcpy(note.bytes.data(), &value, sizeof(T));
    return note;
  }

  template <class T>
  bool is() const {
    return service == T::kService && kind == T::kNoteKind && size == sizeof(T);
  }

  template <class T>
  std::optional<T> as() const {
    if (!is<T>()) return std::nullopt;
    T value;
    std::memcpy(&value, bytes.data(), sizeof(T));
    return value;
  }
};

}  // namespace dp
