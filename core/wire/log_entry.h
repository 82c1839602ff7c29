// The generic entry of the replicated log, and the block of encoded entries a Replicate
// carries. The log knows nothing of any service: an entry is (service id, kind, bytes), the
// kind and the bytes meaning something only to the service that defined them.
//
// Encoding of one entry: service u8, kind u8, payload length (one byte below 128, else two:
// 0x80 | high 7 bits, then the low 8 bits), payload. A block is `count` such entries back to
// back; a block that does not parse exactly is refused when its datagram is decoded, so code
// that walks a decoded block never meets a malformed entry.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>

#include <cereal/cereal.hpp>

#include "core/wire/fixed.h"
#include "core/wire/header.h"
#include "core/wire/message_types.h"

namespace dp::wire {

// The largest payload one entry may carry (a chat message with its metadata fits).
constexpr std::size_t kMaxEntryPayload = 512;
constexpr std::size_t kMaxEntriesPerBatch = 200;

struct EntryView {
  ServiceId service = 0;
  std::uint8_t kind = 0;
  std::span<const std::uint8_t> payload;
};

constexpr std::size_t entry_wire_size(std::size_t payload_size) {
  return 2 + (payload_size < 0x80 ? 1 : 2) + payload_size;
}

// Writes one entry at `out` (which has room for entry_wire_size bytes); returns the size.
std::size_t write_entry(const EntryView& entry, std::uint8_t* out);
// Parses one entry from `in`; returns its encoded size, or 0 if it is malformed (truncated,
// service 0, or a payload over kMaxEntryPayload).
std::size_t read_entry(std::span<const std::uint8_t> in, EntryView& out);

class EntryBlock {
 public:
  // Fits a Replicate in one datagram's body: the archive's byte-order tag (1), two seqs (16)
  // and the block's own count and size (4) leave the rest for entries (static_assert in
  // codec.cc; a test encodes a full block).
  static constexpr std::size_t kCapacity = kMaxBodySize - 21;
  static_assert(entry_wire_size(kMaxEntryPayload) <= kCapacity,
                "the largest entry must fit one batch");

  // Appends an entry; false (and nothing appended) when it does not fit or the block holds
  // kMaxEntriesPerBatch entries.
  bool append(const EntryView& entry);
  // Whether `bytes` more of encoded entries, `entries` of them, still fit.
  bool fits(std::size_t bytes, std::size_t entries) const {
    return size_ + bytes <= kCapacity && count_ + entries <= kMaxEntriesPerBatch;
  }
  // Appends `entries` entries already in their wire encoding (they must fit()).
  void append_encoded(std::span<const std::uint8_t> bytes, std::size_t entries);
  void clear() {
    size_ = 0;
    count_ = 0;
  }
  std::size_t count() const { return count_; }
  std::size_t size_bytes() const { return size_; }
  bool empty() const { return count_ == 0; }
  // True when the bytes are exactly count() well-formed entries.
  bool well_formed() const;

  // Walks the entries of a well-formed block.
  class Iterator {
   public:
    Iterator(const std::uint8_t* at, const std::uint8_t* end) : at_(at), end_(end) { parse(); }
    const EntryView& operator*() const { return view_; }
    Iterator& operator++() {
      at_ += step_;
      parse();
      return *this;
    }
    bool operator!=(const Iterator& other) const { return at_ != other.at_; }

   private:
    void parse() {
      step_ = at_ < end_ ? read_entry({at_, end_}, view_) : 0;
      if (step_ == 0) at_ = end_;
    }
    const std::uint8_t* at_;
    const std::uint8_t* end_;
    EntryView view_;
    std::size_t step_ = 0;
  };
  Iterator begin() const { return {bytes_.data(), bytes_.data() + size_}; }
  Iterator end() const { return {bytes_.data() + size_, bytes_.data() + size_}; }

  template <class Archive>
  void save(Archive& ar) const {
    ar(static_cast<std::uint16_t>(count_), static_cast<std::uint16_t>(size_));
    ar(cereal::binary_data(bytes_.data(), size_));
  }
  template <class Archive>
  void load(Archive& ar) {
    std::uint16_t count = 0;
    std::uint16_t size = 0;
    ar(count, size);
    if (count > kMaxEntriesPerBatch || size > kCapacity) throw BoundsError("entry block too big");
    count_ = count;
    size_ = size;
    ar(cereal::binary_data(bytes_.data(), size_));
  }

 private:
  std::size_t size_ = 0;
  std::size_t count_ = 0;
  std::array<std::uint8_t, kCapacity> bytes_;
};

}  // namespace dp::wire
