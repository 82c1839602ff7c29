#include "core/replication/service.h"

namespace dp {

// A service without durable state: nothing is durable, and it has no records.
bool Service::durable(const wire::EntryView&) const { return false; }
void Service::write_records(const wire::EntryView&, RecordSink&) const {}
void Service::write_all_records(RecordSink&) const {}
bool Service::load_records(std::span<const StoredRecord> records) { return records.empty(); }

}  // namespace dp
