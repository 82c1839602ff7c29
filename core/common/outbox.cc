#include "core/common/outbox.h"

#include "core/common/assert.h"

namespace dp {

void Outbox::put(const RecordKey& key, std::span<const std::uint8_t> value) {
  DP_ASSERT(records_.size() < kMaxRecordsPerStep,
            "more durable records in one step than any state");
  DP_ASSERT(value.size() <= kMaxValueBytes, "a durable record over its bound");
  OutRecord r;
  r.key = key;
  r.offset = static_cast<std::uint32_t>(record_bytes_.size());
  r.size = static_cast<std::uint32_t>(value.size());
  record_bytes_.insert(record_bytes_.end(), value.begin(), value.end());
  records_.push_back(r);
}

void Outbox::erase(const RecordKey& key) {
  DP_ASSERT(records_.size() < kMaxRecordsPerStep,
            "more durable records in one step than any state");
  OutRecord r;
  r.key = key;
  r.erase = true;
  records_.push_back(r);
}

}  // namespace dp
