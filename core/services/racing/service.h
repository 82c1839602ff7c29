// Racing as a service of the replicated log: every replica's races (RaceBook), and, on the
// leader, the racers it serves.
//
// On the leader, each tick: leaves (a racer silent past the forfeit timeout retires), joins,
// then every race's steering and tick are ordered as entries and applied at once; a score
// change or a race's end that applying reveals is ordered right after as a check entry. Racers
// are sent their race's live positions, but scores, crashes and results only once committed:
// a failover never takes back a point a racer saw.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/replication/commit_gate.h"
#include "core/replication/service.h"
#include "core/services/racing/book.h"
#include "core/services/racing/planner.h"
#include "core/services/rooms/room_lists.h"
#include "core/services/rooms/sessions.h"
#include "core/services/rooms/spectators.h"
#include "core/wire/race_messages.h"

namespace dp::racing {

struct RacingConfig {
  TimeUs forfeit_timeout_us = 5 * kUsPerSecond;
  // Racers per race, 2-4: a race fills up to this many (it starts with two).
  std::uint8_t seats = kMaxRacers;
};

struct RacingStats {
  std::uint64_t states_sent = 0;
  std::uint64_t ticks_held_back = 0;
};

class RacingService final : public Service {
 public:
  static constexpr wire::ServiceId kServiceId = wire::kRacingService;
  static constexpr int kClosingGraceTicks = 60;

  explicit RacingService(const RacingConfig& config = {}) : config_(config) {}

  wire::ServiceId service_id() const override { return kServiceId; }
  const char* service_name() const override { return "racing"; }

  ApplyStatus apply(const wire::EntryView& entry) override;
  const char* apply_error_name(std::uint8_t error) const override;
  void save_snapshot(std::vector<std::uint8_t>& out) const override { book_.save_snapshot(out); }
  bool load_snapshot(std::span<const std::uint8_t> bytes) override {
    return book_.load_snapshot(bytes);
  }
  std::uint64_t digest() const override { return book_.digest(); }

  // Durable: rooms, seats, committed scores and results; ticks and steering stay in memory.
  bool durable(const wire::EntryView& entry) const override;
  void write_records(const wire::EntryView& entry, RecordSink& sink) const override;
  void write_all_records(RecordSink& sink) const override { book_.write_all_records(sink); }
  bool load_records(std::span<const StoredRecord> records) override {
    return book_.load_records(records);
  }

  void begin_hosting(TimeUs now) override;
  void end_hosting() override;
  std::optional<wire::DecodeError> on_client_datagram(TimeUs now, Endpoint from,
                                                      const wire::Header& header,
                                                      std::span<const std::uint8_t> body) override;
  void plan(TimeUs now, LogWriter& log) override;
  void on_commit(std::uint64_t commit_seq) override;
  void publish(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) override;
  void serve_spectators(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) override;
  // Answers the lobby's pending room-list requests from this replica.
  void answer_room_lists(const ClientLink& link);

  const RaceBook& book() const { return book_; }
  const rooms::Spectators& spectators() const { return spectators_; }
  Occupancy occupancy() const override {
    return count_occupancy(book_.rooms(), spectators_.size());
  }
  const RacingStats& stats() const { return stats_; }

  // The state of `room` as the players are shown it (scores and results as committed), for
  // slot `slot` (wire::RaceState::kSpectator for a spectator).
  struct Shown {
    std::array<std::uint16_t, kMaxRacers> scores{};
    std::uint8_t alive = 0;   // Bit per slot.
    std::uint8_t winner = 0;  // As on the wire: slot + 1, kDrawWinner, 0 undecided.
  };

 private:
  struct Held {  // A committed-only effect: scores or a result.
    std::uint32_t room = 0;
    Shown shown;
  };
  struct BoardNotice {
    Endpoint client;
    wire::RaceBoardState board;
  };

  void order(TimeUs now, LogWriter& log, const Event& event);
  void show_committed_state_of_book();
  void boards_for(const Room& room, std::vector<BoardNotice>& out) const;

  RacingConfig config_;
  RaceBook book_;
  RacingStats stats_;
  ApplyResult last_result_;

  bool hosting_ = false;
  rooms::Sessions<std::int8_t> sessions_;
  rooms::Spectators spectators_;  // On any replica: those this server serves.
  rooms::RoomListRequests room_lists_;
  CommitGate<Held> gate_;
  std::map<std::uint32_t, Shown> shown_;
  int closing_grace_ticks_ = 0;
  // Racers of rooms closed this tick: their final state, sent with this tick's states.
  std::vector<std::pair<Endpoint, wire::RaceState>> closing_;
  CommitGate<std::vector<BoardNotice>> boards_;
  std::vector<BoardNotice> board_notices_;

  std::vector<Event> planned_;
  SteerTable steering_;
  wire::RaceMessage message_;
  std::vector<std::uint8_t> payload_;
};

// What a racer (or spectator) is shown of `room`: live positions, committed scores.
wire::RaceState race_state_for(const Room& room, const RacingService::Shown& shown,
                               std::uint8_t slot, std::uint64_t seq);
// Shown values straight from the book (a replica's own state, all of it committed).
RacingService::Shown shown_of(const Room& room);

}  // namespace dp::racing
