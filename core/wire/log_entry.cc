#include "core/wire/log_entry.h"

namespace dp::wire {

std::size_t write_entry(const EntryView& entry, std::uint8_t* out) {
  const std::size_t n = entry.payload.size();
  out[0] = entry.service;
  out[1] = entry.kind;
  std::size_t at = 2;
  if (n < 0x80) {
    out[at++] = static_cast<std::uint8_t>(n);
  } else {
    out[at++] = static_cast<std::uint8_t>(0x80u | (n >> 8));
    out[at++] = static_cast<std::uint8_t>(n & 0xffu);
  }
  if (n > 0) std::memcpy(out + at, entry.payload.data(), n);
  return at + n;
}

std::size_t read_entry(std::span<const std::uint8_t> in, EntryView& out) {
  if (in.size() < 3) return 0;
  out.service = in[0];
  out.kind = in[1];
  std::size_t at = 3;
  std::size_t n = in[2];
  if (n & 0x80u) {
    if (in.size() < 4) return 0;
    n = ((n & 0x7fu) << 8) | in[3];
    at = 4;
    if (n < 0x80) return 0;  // Not the shortest form: one entry, one encoding.
  }
  if (out.service == 0 || n > kMaxEntryPayload || in.size() - at < n) return 0;
  out.payload = in.subspan(at, n);
  return at + n;
}

bool EntryBlock::append(const EntryView& entry) {
  const std::size_t n = entry_wire_size(entry.payload.size());
  if (count_ >= kMaxEntriesPerBatch || entry.payload.size() > kMaxEntryPayload ||
      size_ + n > kCapacity) {
    return false;
  }
  size_ += write_entry(entry, bytes_.data() + size_);
  ++count_;
  return true;
}

void EntryBlock::append_encoded(std::span<const std::uint8_t> bytes, std::size_t entries) {
  if (!fits(bytes.size(), entries)) throw BoundsError("encoded entries do not fit the block");
  if (!bytes.empty()) std::memcpy(bytes_.data() + size_, bytes.data(), bytes.size());
  size_ += bytes.size();
  count_ += entries;
}

bool EntryBlock::well_formed() const {
  std::size_t at = 0;
  std::size_t parsed = 0;
  EntryView view;
  while (at < size_) {
    const std::size_t step = read_entry({bytes_.data() + at, size_ - at}, view);
    if (step == 0) return false;
    at += step;
    ++parsed;
  }
  return parsed == count_;
}

}  // namespace dp::wire
