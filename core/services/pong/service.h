// Pong as a service of the replicated log: the rooms of every replica (RoomBook), and, on the
// leader, the players it serves.
//
// On the leader, each tick: forfeits and leaves, then joins (matchmaking), then every room's
// inputs and physics step are ordered as entries (planner.h) and applied at once; a point or
// a match's end that applying reveals is ordered right after as a check entry, which every
// replica verifies against its own state. Clients are sent their room's live state, but
// scores and results only once committed: a failover never takes back a point a player saw
// (the commit gate). A finished room stays open until its result is shown.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/common/outbox.h"
#include "core/replication/commit_gate.h"
#include "core/replication/service.h"
#include "core/services/pong/book.h"
#include "core/services/pong/event.h"
#include "core/services/pong/planner.h"
#include "core/services/rooms/room_lists.h"
#include "core/services/rooms/sessions.h"
#include "core/services/rooms/spectators.h"
#include "core/wire/pong_messages.h"

namespace dp::pong {

struct PongConfig {
  std::uint8_t target_score = kDefaultTargetScore;
  // A seated player silent this long forfeits.
  TimeUs forfeit_timeout_us = 5 * kUsPerSecond;
};

struct PongStats {
  std::uint64_t states_sent = 0;
  std::uint64_t ticks_held_back = 0;  // Ticks not played because the commit gate was full.
};

class PongService final : public Service {
 public:
  static constexpr wire::ServiceId kServiceId = wire::kPongService;
  // After a failover, finished rooms stay open this many ticks so their players (re-homing
  // to us) see the result before the room closes.
  static constexpr int kClosingGraceTicks = 60;

  explicit PongService(const PongConfig& config = {});

  wire::ServiceId service_id() const override { return kServiceId; }
  const char* service_name() const override { return "pong"; }

  ApplyStatus apply(const wire::EntryView& entry) override;
  const char* apply_error_name(std::uint8_t error) const override;
  void save_snapshot(std::vector<std::uint8_t>& out) const override;
  bool load_snapshot(std::span<const std::uint8_t> bytes) override;
  std::uint64_t digest() const override { return book_.digest(); }
  Epoch identity() const override { return book_.identity(); }

  // Durable: rooms opening and closing, seats, points and results (what a player must never
  // lose); ticks and inputs stay in memory.
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

  const RoomBook& book() const { return book_; }
  const rooms::Spectators& spectators() const { return spectators_; }
  Occupancy occupancy() const override {
    return count_occupancy(book_.rooms(), spectators_.size());
  }
  const PongStats& stats() const { return stats_; }
  bool hosting() const { return hosting_; }

 private:
  struct Shown {  // What clients of a room are shown: only committed scores and results.
    Score score;
    std::uint8_t winner = 0;  // Slot + 1.
  };
  struct Result {  // A score or result held back until its entry is committed.
    std::uint32_t room = 0;
    Score score;
    std::uint8_t winner = 0;  // Slot + 1; 0 for a point.
  };
  struct ClosedNotice {
    Endpoint client;
    wire::RoomState state;  // The room's final state with phase Closed.
  };
  struct BoardNotice {  // A finished match's players and the leaderboard they are sent.
    Endpoint client;
    wire::LeaderboardState board;
  };

  // Orders and applies one event, then the checks it reveals.
  void order(TimeUs now, LogWriter& log, const Event& event);
  void note_event(TimeUs now, const Event& event, std::uint64_t seq);
  void show_committed_state_of_book();
  // The leaderboard for each player of `room`, whose match just ended, as the book holds it.
  void boards_for(const Room& room, std::vector<BoardNotice>& out) const;

  PongConfig config_;
  RoomBook book_;
  PongStats stats_;
  ApplyResult last_result_;  // Of the latest apply(), for the leader's checks.

  // Leader only.
  bool hosting_ = false;
  rooms::Sessions<std::int8_t> sessions_;
  rooms::Spectators spectators_;  // On any replica: those this server serves.
  rooms::RoomListRequests room_lists_;
  CommitGate<Result> gate_;
  std::map<std::uint32_t, Shown> shown_;  // One per room of the book.
  int closing_grace_ticks_ = 0;
  // Players of rooms closed this tick (at most two per room), sent with this tick's states.
  std::vector<ClosedNotice> closed_notices_;
  // A finished match's leaderboard waits for its result's commit (every entry before it is
  // committed then too, so the board shows nothing a failover could take back).
  CommitGate<std::vector<BoardNotice>> boards_;
  std::vector<BoardNotice> board_notices_;  // Released; sent with the next states.

  // Scratch, reused to avoid allocation per tick.
  std::vector<Event> planned_;
  InputTable inputs_;
  wire::PongMessage message_;
};

// The services a Pong server's log carries.
std::vector<std::unique_ptr<Service>> pong_services(const PongConfig& config);

}  // namespace dp::pong
