#include "sim/run/chat_checks.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "core/services/chat/service.h"

namespace dp::sim {
namespace {

using MessageKey = std::pair<std::uint64_t, std::uint32_t>;  // (client id, msg id).

TimeUs percentile(std::vector<TimeUs> values, double p) {
  std::sort(values.begin(), values.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(i, values.size() - 1)];
}

// How many times each message appears in a book.
std::map<MessageKey, int> count_lines(const chat::ChatBook& book) {
  std::map<MessageKey, int> counts;
  for (const auto& [name, log] : book.channels()) {
    for (const chat::Line& line : log.lines) ++counts[{line.client_id, line.msg_id}];
  }
  return counts;
}

std::string message_name(const std::string& client, std::uint32_t msg_id) {
  return client + "'s #" + std::to_string(msg_id);
}

}  // namespace

void ChatChecks::on_host_crashing(TimeUs now, HostIndex h) {
  if (run_.is_chat_server(h) && run_.server(h).is_leader()) faults_.push_back(now);
}

void ChatChecks::after_step(TimeUs now, HostIndex h) {
  if (!run_.is_chat_client(h)) return;
  const ChatClient* c = run_.chat_client(h);
  if (c == nullptr) return;
  Told& told = told_[h];
  if (c->phase() == ChatPhase::kConnected && c->leader_epoch() != told.leader) {
    run_.client_note(now, run_.name(h) + (told.leader.is_none() ? " talks to " : " moved to ") +
                              run_.server_name(c->leader_epoch().leader) + ", epoch " +
                              run_.epoch_name(c->leader_epoch()));
    told.leader = c->leader_epoch();
  }
  if (!told.delivered && c->acked() > 0) {
    told.delivered = true;
    const auto& sends = c->send_times();
    const TimeUs took = sends.empty() ? 0 : sends[0].second - sends[0].first;
    run_.client_note(now, run_.name(h) + "'s first message is delivered (" +
                              RunContext::ms_str(took) + " after it was queued)");
  }
  if (!told.limited && c->stats().rate_limited > 0) {
    told.limited = true;
    run_.client_note(now, run_.name(h) + " is told to wait: over its rate limit");
  }
}

void ChatChecks::collect() {
  for (HostIndex h = run_.chat_servers_end(); h < run_.chat_clients_end(); ++h) {
    const ChatClient* c = run_.chat_client(h);
    Client out;
    out.name = run_.name(h);
    out.flooder = static_cast<int>(h - run_.chat_servers_end()) < run_.scenario.chat.flooders;
    if (c != nullptr) {
      out.client_id = c->client_id();
      out.seen = c->seen();
      out.sends = c->send_times();
      out.stats = c->stats();
    }
    clients_.push_back(std::move(out));
  }
}

void ChatChecks::check_clients() {
  std::map<std::uint64_t, std::pair<MessageKey, std::string>> line_owner;  // n -> first seen.
  for (const Client& c : clients_) {
    std::set<MessageKey> shown;
    for (std::size_t i = 0; i < c.seen.size(); ++i) {
      const ChatSeen& s = c.seen[i];
      const MessageKey key{s.client_id, s.msg_id};
      if (!shown.insert(key).second) {
        invariants_.violate(Invariant::kChatNoDuplicates,
                            c.name + " showed message " + std::to_string(s.msg_id) + " of client " +
                                std::to_string(s.client_id) + " twice (line " +
                                std::to_string(s.n) + " at " + RunContext::seconds_str(s.at_us) +
                                ")");
      }
      if (i > 0 && s.n != c.seen[i - 1].n + 1) {
        invariants_.violate(Invariant::kChatSameOrder,
                            c.name + " went from line " + std::to_string(c.seen[i - 1].n) +
                                " to line " + std::to_string(s.n) + " at " +
                                RunContext::seconds_str(s.at_us));
      }
      auto [it, added] = line_owner.emplace(s.n, std::make_pair(key, c.name));
      if (!added && it->second.first != key) {
        invariants_.violate(Invariant::kChatSameOrder, c.name + " and " + it->second.second +
                                                           " show different messages as line " +
                                                           std::to_string(s.n));
      }
    }
  }
}

void ChatChecks::check_replicas() {
  // The books to check: each live chat server's that has caught up, and each down one's disk.
  std::uint64_t most_ordered = 0;
  for (HostIndex h = run_.chat_servers_begin(); h < run_.chat_servers_end(); ++h) {
    if (!run_.live(h)) continue;
    const auto* chat = run_.server(h).replica().services().find<chat::ChatService>();
    most_ordered = std::max(most_ordered, chat->book().ordered());
  }
  struct Held {
    std::string name;
    bool live = false;
    std::map<MessageKey, int> counts;
  };
  std::vector<Held> books;
  for (HostIndex h = run_.chat_servers_begin(); h < run_.chat_servers_end(); ++h) {
    Held held;
    held.name = run_.name(h);
    held.live = run_.live(h);
    if (held.live) {
      const auto& book = run_.server(h).replica().services().find<chat::ChatService>()->book();
      held.counts = count_lines(book);
      if (book.ordered() < most_ordered) held.live = false;  // Catching up: judged as a disk.
    } else {
      std::vector<StoredRecord> records;
      for (const StoredRecord& r : run_.sim.host(h).disk.read().records) {
        if (r.key.service == wire::kChatService) records.push_back(r);
      }
      chat::ChatBook book;
      if (book.load_records(records)) held.counts = count_lines(book);
    }
    for (const auto& [key, n] : held.counts) {
      if (n > 1) {
        invariants_.violate(Invariant::kChatNoDuplicates,
                            held.name + " holds message " + std::to_string(key.second) +
                                " of client " + std::to_string(key.first) + " " +
                                std::to_string(n) + " times");
      }
    }
    books.push_back(std::move(held));
  }
  const std::size_t majority = books.size() / 2 + 1;
  for (const Client& c : clients_) {
    for (std::size_t i = 0; i < c.sends.size(); ++i) {
      if (c.sends[i].second == 0) continue;  // Never acknowledged.
      const MessageKey key{c.client_id, static_cast<std::uint32_t>(i + 1)};
      std::size_t holders = 0;
      for (const Held& b : books) {
        const auto it = b.counts.find(key);
        holders += it != b.counts.end() ? 1 : 0;
        if (b.live && it == b.counts.end()) {
          invariants_.violate(Invariant::kChatAckedEverywhere,
                              "acknowledged message " + message_name(c.name, key.second) +
                                  " is missing from " + b.name);
        }
      }
      if (holders < majority) {
        invariants_.violate(Invariant::kChatAckedEverywhere,
                            "acknowledged message " + message_name(c.name, key.second) +
                                " is held by " + std::to_string(holders) + " of " +
                                std::to_string(books.size()) + " chat servers");
      }
    }
  }
}

void ChatChecks::figures() {
  ChatFigures f;
  f.servers = run_.scenario.chat.servers;
  f.clients = run_.scenario.chat.clients;
  std::vector<TimeUs> acks;
  std::vector<TimeUs> shown;
  TimeUs first_ack = -1;
  TimeUs last_ack = -1;
  // When each message was first shown at each client.
  std::map<MessageKey, std::vector<std::pair<std::size_t, TimeUs>>> seen_at;
  for (std::size_t k = 0; k < clients_.size(); ++k) {
    for (const ChatSeen& s : clients_[k].seen)
      seen_at[{s.client_id, s.msg_id}].push_back({k, s.at_us});
  }
  for (std::size_t k = 0; k < clients_.size(); ++k) {
    const Client& c = clients_[k];
    f.queued += c.sends.size();
    f.lines_shown += c.stats.lines;
    f.resends += c.stats.resends;
    f.rate_limited += c.stats.rate_limited;
    f.rehomes += c.stats.rehomes;
    for (std::size_t i = 0; i < c.sends.size(); ++i) {
      const auto [queued, acked] = c.sends[i];
      if (acked == 0) continue;
      ++f.acked;
      first_ack = first_ack < 0 ? acked : std::min(first_ack, acked);
      last_ack = std::max(last_ack, acked);
      if (c.flooder) continue;
      acks.push_back(acked - queued);
      const auto it = seen_at.find({c.client_id, static_cast<std::uint32_t>(i + 1)});
      if (it == seen_at.end()) continue;
      for (const auto& [reader, at] : it->second) {
        if (reader != k) shown.push_back(at - queued);
      }
    }
  }
  if (!acks.empty()) {
    f.ack_p50_us = percentile(acks, 0.5);
    f.ack_p99_us = percentile(acks, 0.99);
    f.ack_max_us = *std::max_element(acks.begin(), acks.end());
  }
  if (!shown.empty()) {
    f.shown_p50_us = percentile(shown, 0.5);
    f.shown_p99_us = percentile(shown, 0.99);
  }
  for (const TimeUs crash : faults_) {
    std::optional<TimeUs> longest;
    for (const Client& c : clients_) {
      for (const auto& [queued, acked] : c.sends) {
        const bool in_flight = queued <= crash && (acked == 0 || acked > crash);
        const bool during = queued > crash && queued <= crash + kUsPerSecond;
        if (acked != 0 && (in_flight || during)) {
          longest = std::max(longest.value_or(0), acked - queued);
        }
      }
    }
    // A crash with no message in flight or queued soon after cost the senders nothing.
    if (longest) f.failovers_us.push_back(*longest);
  }
  if (last_ack > first_ack) {
    f.acked_per_s = static_cast<double>(f.acked) * 1e6 / static_cast<double>(last_ack - first_ack);
  }
  run_.result.figures.chat = f;
}

void ChatChecks::finish() {
  if (run_.scenario.chat.servers == 0) return;
  collect();
  check_clients();
  check_replicas();
  figures();
}

ChatChecks::Verdict ChatChecks::delivered(TimeUs sent_before_us) const {
  // Each message's line, and the clients that showed it. A client takes its channel from the
  // line it subscribed at on (a late joiner gets the last 100, not the whole channel): a
  // message is due at every client whose lines start before it.
  std::map<MessageKey, std::pair<std::uint64_t, std::set<std::size_t>>> shown_by;
  std::vector<std::uint64_t> start(clients_.size(), ~std::uint64_t{0});
  for (std::size_t k = 0; k < clients_.size(); ++k) {
    if (!clients_[k].seen.empty()) start[k] = clients_[k].seen.front().n - 1;
    for (const ChatSeen& s : clients_[k].seen) {
      auto& entry = shown_by[{s.client_id, s.msg_id}];
      entry.first = s.n;
      entry.second.insert(k);
    }
  }
  std::size_t due = 0;
  std::size_t ok = 0;
  std::string first_missing;
  for (const Client& c : clients_) {
    if (c.flooder) continue;
    for (std::size_t i = 0; i < c.sends.size(); ++i) {
      if (sent_before_us > 0 && c.sends[i].first >= sent_before_us) continue;
      ++due;
      const auto it = shown_by.find({c.client_id, static_cast<std::uint32_t>(i + 1)});
      std::size_t readers = 0;
      std::size_t owed = clients_.size();
      if (it != shown_by.end()) {
        readers = it->second.second.size();
        owed = 0;
        for (std::size_t k = 0; k < clients_.size(); ++k) owed += it->second.first > start[k];
      }
      if (c.sends[i].second != 0 && it != shown_by.end() && readers >= owed) {
        ++ok;
      } else if (first_missing.empty()) {
        first_missing =
            message_name(c.name, static_cast<std::uint32_t>(i + 1)) +
            (c.sends[i].second == 0 ? " was never acknowledged"
                                    : " was shown at " + std::to_string(readers) + " of the " +
                                          std::to_string(owed) + " clients following the channel");
      }
    }
  }
  Verdict v;
  v.passed = due > 0 && ok == due;
  v.detail = std::to_string(ok) + " of " + std::to_string(due) +
             " messages acknowledged and shown to every client following the channel" +
             (first_missing.empty() ? std::string() : "; first missing: " + first_missing);
  return v;
}

ChatChecks::Verdict ChatChecks::max_latency(TimeUs max_us) const {
  TimeUs worst = 0;
  std::string which = "none";
  const TimeUs end = run_.sim.now();
  for (const Client& c : clients_) {
    if (c.flooder) continue;
    for (std::size_t i = 0; i < c.sends.size(); ++i) {
      const TimeUs took = (c.sends[i].second != 0 ? c.sends[i].second : end) - c.sends[i].first;
      if (took > worst) {
        worst = took;
        which = message_name(c.name, static_cast<std::uint32_t>(i + 1));
      }
    }
  }
  Verdict v;
  v.passed = worst <= max_us;
  v.detail = "slowest " + which + " in " + RunContext::ms_str(worst);
  return v;
}

ChatChecks::Verdict ChatChecks::rate_limited() const {
  Verdict v;
  v.passed = true;
  int flooders = 0;
  for (const Client& c : clients_) {
    if (!c.flooder) continue;
    ++flooders;
    TimeUs first = -1;
    TimeUs last = -1;
    std::uint64_t acked = 0;
    for (const auto& [queued, ack] : c.sends) {
      if (first < 0) first = queued;
      if (ack == 0) continue;
      ++acked;
      last = std::max(last, ack);
    }
    const double span_s = last > first ? static_cast<double>(last - first) / 1e6 : 0;
    // The bucket allows its burst, then rate a second (one more for the tick it is in).
    const double allowed =
        run_.scenario.chat.server_burst + run_.scenario.chat.server_rate_per_s * span_s + 1;
    const bool ok = c.stats.rate_limited > 0 && static_cast<double>(acked) <= allowed;
    v.passed = v.passed && ok;
    if (!v.detail.empty()) v.detail += "; ";
    char buf[200];
    std::snprintf(buf, sizeof buf,
                  "%s: %llu of %zu ordered in %.1f s (the limit allows %.0f), "
                  "told to wait %llu times",
                  c.name.c_str(), static_cast<unsigned long long>(acked), c.sends.size(), span_s,
                  allowed, static_cast<unsigned long long>(c.stats.rate_limited));
    v.detail += buf;
  }
  if (flooders == 0) {
    v.passed = false;
    v.detail = "no flooders ([chat] flooders = 0)";
  }
  return v;
}

}  // namespace dp::sim
