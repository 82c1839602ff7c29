#include "core/replication/service_registry.h"

#include "core/common/assert.h"
#include "core/common/byte_io.h"

namespace dp {
namespace {

constexpr std::uint32_t kSnapshotMagic = 0x534c5044;  // "DPLS" read little-endian.
constexpr std::uint8_t kSnapshotVersion = 1;

struct Part {
  wire::ServiceId id = 0;
  std::span<const std::uint8_t> bytes;
};

}  // namespace

ServiceRegistry::ServiceRegistry(std::vector<std::unique_ptr<Service>> services) {
  for (auto& service : services) {
    DP_ASSERT(service != nullptr, "a null service");
    const wire::ServiceId id = service->service_id();
    DP_ASSERT(id >= 1 && id <= wire::kMaxServiceId, "a service id outside the wire's ranges");
    DP_ASSERT(!services_.count(id), "two services with one id");
    services_.emplace(id, std::move(service));
  }
}

Service* ServiceRegistry::find(wire::ServiceId id) const {
  auto it = services_.find(id);
  return it == services_.end() ? nullptr : it->second.get();
}

ApplyStatus ServiceRegistry::apply(const wire::EntryView& entry) {
  Service* service = find(entry.service);
  if (service == nullptr) return ApplyStatus{ApplyStatus::kUnknownService};
  return service->apply(entry);
}

const char* ServiceRegistry::apply_error_name(const wire::EntryView& entry,
                                              std::uint8_t error) const {
  if (error == ApplyStatus::kUnknownService) return "unknown service";
  const Service* service = find(entry.service);
  return service == nullptr ? "?" : service->apply_error_name(error);
}

void ServiceRegistry::save_snapshot(std::vector<std::uint8_t>& out) const {
  ByteWriter w(out);
  w.put(kSnapshotMagic);
  w.put(kSnapshotVersion);
  w.put(static_cast<std::uint8_t>(services_.size()));
  for (const auto& [id, service] : services_) {
    w.put(id);
    const std::size_t length_at = out.size();
    w.put(std::uint32_t{0});
    const std::size_t start = out.size();
    service->save_snapshot(out);
    const auto length = static_cast<std::uint32_t>(out.size() - start);
    for (std::size_t i = 0; i < 4; ++i) {
      out[length_at + i] = static_cast<std::uint8_t>((length >> (8 * i)) & 0xffu);
    }
  }
}

bool ServiceRegistry::load_snapshot(std::span<const std::uint8_t> bytes) {
  ByteReader r(bytes);
  if (r.get<std::uint32_t>() != kSnapshotMagic || r.get<std::uint8_t>() != kSnapshotVersion) {
    return false;
  }
  const auto count = r.get<std::uint8_t>();
  if (r.failed() || count != services_.size()) return false;
  std::vector<Part> parts;
  parts.reserve(count);
  auto expected = services_.begin();
  for (std::size_t i = 0; i < count; ++i, ++expected) {
    Part part;
    part.id = r.get<std::uint8_t>();
    const auto length = r.get<std::uint32_t>();
    if (r.failed() || part.id != expected->first || length > r.remaining()) return false;
    part.bytes = r.get_bytes(length);
    parts.push_back(part);
  }
  if (r.remaining() != 0) return false;
  // All or nothing: keep what each service had, to put back if a later one refuses its part.
  rollback_.clear();
  if (services_.size() > 1) save_snapshot(rollback_);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (find(parts[i].id)->load_snapshot(parts[i].bytes)) continue;
    if (i > 0) {
      const bool restored = load_snapshot(std::vector<std::uint8_t>(rollback_));
      DP_ASSERT(restored, "a registry could not reload its own snapshot");
    }
    return false;
  }
  return true;
}

namespace {

// Stamps a service's id on the records it writes.
class ServiceSink final : public RecordSink {
 public:
  ServiceSink(RecordSink& out, wire::ServiceId id) : out_(out), id_(id) {}
  void put(const RecordKey& key, std::span<const std::uint8_t> value) override {
    out_.put(stamped(key), value);
  }
  void erase(const RecordKey& key) override { out_.erase(stamped(key)); }

 private:
  RecordKey stamped(RecordKey key) const {
    key.service = id_;
    return key;
  }
  RecordSink& out_;
  wire::ServiceId id_;
};

}  // namespace

bool ServiceRegistry::durable(const wire::EntryView& entry) const {
  const Service* service = find(entry.service);
  return service != nullptr && service->durable(entry);
}

void ServiceRegistry::write_records(const wire::EntryView& entry, RecordSink& sink) const {
  const Service* service = find(entry.service);
  if (service == nullptr) return;
  ServiceSink stamped(sink, entry.service);
  service->write_records(entry, stamped);
}

void ServiceRegistry::write_all_records(RecordSink& sink) const {
  for (const auto& [id, service] : services_) {
    ServiceSink stamped(sink, id);
    service->write_all_records(stamped);
  }
}

bool ServiceRegistry::load_records(std::span<const StoredRecord> records) {
  for (std::size_t i = 0; i < records.size(); ++i) {
    if (!services_.count(records[i].key.service)) return false;
    if (i > 0 && !(records[i - 1].key < records[i].key)) return false;  // Unordered or twice.
  }
  if (records.empty()) return true;
  rollback_.clear();
  save_snapshot(rollback_);
  for (const auto& [id, service] : services_) {
    // Records come in key order, so each service's are one run.
    std::size_t begin = 0;
    while (begin < records.size() && records[begin].key.service < id) ++begin;
    std::size_t end = begin;
    while (end < records.size() && records[end].key.service == id) ++end;
    if (service->load_records(records.subspan(begin, end - begin))) continue;
    const bool restored = load_snapshot(std::vector<std::uint8_t>(rollback_));
    DP_ASSERT(restored, "a registry could not reload its own snapshot");
    return false;
  }
  return true;
}

std::uint64_t ServiceRegistry::digest() const {
  std::uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&hash](std::uint64_t v) {
    for (int i = 0; i < 8; ++i) {
      hash ^= (v >> (8 * i)) & 0xffu;
      hash *= 0x100000001b3ull;
    }
  };
  for (const auto& [id, service] : services_) {
    mix(id);
    mix(service->digest());
  }
  return hash;
}

Epoch ServiceRegistry::identity() const {
  for (const auto& [id, service] : services_) {
    if (Epoch identity = service->identity(); !identity.is_none()) return identity;
  }
  return {};
}

}  // namespace dp
