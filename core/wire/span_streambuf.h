// std::streambuf adapters over fixed byte spans, so cereal archives read and write caller
// memory directly. Writing past the end fails (cereal then throws inside the codec, which
// reports an error value); nothing ever allocates.
#pragma once

#include <cstdint>
#include <span>
#include <streambuf>

namespace dp::wire {

class SpanOutBuf : public std::streambuf {
 public:
  explicit SpanOutBuf(std::span<std::uint8_t> out) {
    char* begin = reinterpret_cast<char*>(out.data());
    setp(begin, begin + out.size());
  }
  std::size_t written() const { return static_cast<std::size_t>(pptr() - pbase()); }
};

class SpanInBuf : public std::streambuf {
 public:
  explicit SpanInBuf(std::span<const std::uint8_t> in) {
    // std::streambuf's get area is non-const by signature only; we never write through it.
    char* begin = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
    setg(begin, begin, begin + in.size());
  }
  std::size_t remaining() const { return static_cast<std::size_t>(egptr() - gptr()); }
};

}  // namespace dp::wire
