// Fixed-capacity containers for message bodies.
//
// cereal's own vector and string loaders resize to whatever count a packet claims, so a
// hostile datagram could ask for 2^62 elements. These containers never allocate: the storage
// is inline, and a claimed count above the capacity is rejected before any element is read.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string_view>

namespace dp::wire {

// Thrown inside the decoder only; decode() turns it into an error value.
struct BoundsError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

template <class T, std::size_t N>
class FixedVec {
 public:
  static constexpr std::size_t kCapacity = N;

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool full() const { return size_ == N; }
  // Returns false (and stores nothing) when full.
  bool push_back(const T& value) {
    if (size_ == N) return false;
    items_[size_++] = value;
    return true;
  }
  void clear() { size_ = 0; }
  T& operator[](std::size_t i) { return items_[i]; }
  const T& operator[](std::size_t i) const { return items_[i]; }
  T* begin() { return items_.data(); }
  T* end() { return items_.data() + size_; }
  const T* begin() const { return items_.data(); }
  const T* end() const { return items_.data() + size_; }

  template <class Archive>
  void save(Archive& ar) const {
    ar(static_cast<std::uint64_t>(size_));
    for (std::size_t i = 0; i < size_; ++i) ar(items_[i]);
  }
  template <class Archive>
  void load(Archive& ar) {
    std::uint64_t claimed = 0;
    ar(claimed);
    if (claimed > N) throw BoundsError("container count exceeds capacity");
    size_ = static_cast<std::size_t>(claimed);
    for (std::size_t i = 0; i < size_; ++i) ar(items_[i]);
  }

 private:
  std::size_t size_ = 0;
  std::array<T, N> items_{};
};

template <std::size_t N>
class FixedString {
 public:
  static constexpr std::size_t kCapacity = N;

  FixedString() = default;
  // Truncates to the capacity.
  explicit FixedString(std::string_view s) { assign(s); }
  void assign(std::string_view s) {
    size_ = s.size() < N ? s.size() : N;
    if (size_ > 0) std::memcpy(chars_.data(), s.data(), size_);
  }
  std::string_view view() const { return {chars_.data(), size_}; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool operator==(const FixedString& o) const { return view() == o.view(); }
  bool operator<(const FixedString& o) const { return view() < o.view(); }

  template <class Archive>
  void save(Archive& ar) const {
    ar(static_cast<std::uint64_t>(size_));
    for (std::size_t i = 0; i < size_; ++i) ar(static_cast<std::uint8_t>(chars_[i]));
  }
  template <class Archive>
  void load(Archive& ar) {
    std::uint64_t claimed = 0;
    ar(claimed);
    if (claimed > N) throw BoundsError("string length exceeds capacity");
    size_ = static_cast<std::size_t>(claimed);
    for (std::size_t i = 0; i < size_; ++i) {
      std::uint8_t c = 0;
      ar(c);
      chars_[i] = static_cast<char>(c);
    }
  }

 private:
  std::size_t size_ = 0;
  std::array<char, N> chars_{};
};

}  // namespace dp::wire
