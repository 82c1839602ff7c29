// The services one log carries, by id: routes each entry to its service, composes their
// snapshots into one, and digests them together.
//
// Snapshot layout (little-endian): magic u32 "DPLS", version u8, service count u8, then for
// each service in id order: id u8, length u32, the service's own snapshot bytes. A snapshot
// is installed only if it names exactly the services this registry holds, and installed
// whole: if any service refuses its part, every service keeps its old state.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "core/replication/service.h"

namespace dp {

class ServiceRegistry {
 public:
  ServiceRegistry() = default;
  explicit ServiceRegistry(std::vector<std::unique_ptr<Service>> services);

  ApplyStatus apply(const wire::EntryView& entry);
  const char* apply_error_name(const wire::EntryView& entry, std::uint8_t error) const;
  void save_snapshot(std::vector<std::uint8_t>& out) const;
  bool load_snapshot(std::span<const std::uint8_t> bytes);
  std::uint64_t digest() const;
  // The first identity a service keeps (see Service::identity), or none.
  Epoch identity() const;

  // Durability, by the entry's service (see Service). Records carry the service's id.
  bool durable(const wire::EntryView& entry) const;
  void write_records(const wire::EntryView& entry, RecordSink& sink) const;
  void write_all_records(RecordSink& sink) const;
  // Hands each service its own records (in key order); all or nothing, like load_snapshot.
  // Records of a service this registry does not carry are refused.
  bool load_records(std::span<const StoredRecord> records);

  Service* find(wire::ServiceId id) const;
  // The service of type S (S::kServiceId), or nullptr.
  template <class S>
  S* find() const {
    return static_cast<S*>(find(S::kServiceId));
  }
  // In id order.
  const std::map<wire::ServiceId, std::unique_ptr<Service>>& all() const { return services_; }

 private:
  std::map<wire::ServiceId, std::unique_ptr<Service>> services_;
  std::vector<std::uint8_t> rollback_;  // Scratch for an all-or-nothing install.
};

}  // namespace dp
