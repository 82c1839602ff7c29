// Little-endian byte writer and bounds-checked reader for snapshot encodings.
//
// The reader never reads past its span: a read past the end sets failed() and yields zero,
// so a decoder can read a whole record and check once.
#pragma once

#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

namespace dp {

class ByteWriter {
 public:
  explicit ByteWriter(std::vector<std::uint8_t>& out) : out_(out) {}

  template <class T>
  void put(T value) {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    auto bits = static_cast<U>(value);
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      out_.push_back(static_cast<std::uint8_t>(bits & 0xffu));
      if constexpr (sizeof(T) > 1) bits = static_cast<U>(bits >> 8);
    }
  }
  void put_bytes(std::span<const std::uint8_t> bytes) {
    out_.insert(out_.end(), bytes.begin(), bytes.end());
  }

 private:
  std::vector<std::uint8_t>& out_;
};

class ByteReader {
 public:
  explicit ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  template <class T>
  T get() {
    static_assert(std::is_integral_v<T>);
    using U = std::make_unsigned_t<T>;
    if (remaining() < sizeof(T)) {
      failed_ = true;
      pos_ = bytes_.size();
      return T{0};
    }
    U bits = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
      bits = static_cast<U>(bits | static_cast<U>(static_cast<U>(bytes_[pos_ + i]) << (8 * i)));
    }
    pos_ += sizeof(T);
    return static_cast<T>(bits);
  }
  // Returns an empty span (and sets failed()) when fewer than n bytes remain.
  std::span<const std::uint8_t> get_bytes(std::size_t n) {
    if (remaining() < n) {
      failed_ = true;
      pos_ = bytes_.size();
      return {};
    }
    const auto out = bytes_.subspan(pos_, n);
    pos_ += n;
    return out;
  }
  std::size_t remaining() const { return bytes_.size() - pos_; }
  bool failed() const { return failed_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace dp
