#include "core/services/pong/service.h"

#include "core/services/pong/notes.h"
#include "core/services/pong/planner.h"
#include "core/services/pong/view.h"

namespace dp::pong {

std::vector<std::unique_ptr<Service>> pong_services(const PongConfig& config) {
  std::vector<std::unique_ptr<Service>> services;
  services.push_back(std::make_unique<PongService>(config));
  return services;
}

PongService::PongService(const PongConfig& config) : config_(config), book_(config.target_score) {}

// ---------------------------------------------------------------------------------------------
// The replicated state machine

ApplyStatus PongService::apply(const wire::EntryView& entry) {
  const std::optional<Event> event = Event::decode(entry);
  if (event) {
    last_result_ = book_.apply(*event);
  } else {
    last_result_ = ApplyResult{};
    last_result_.error = ApplyError::kInvalidEvent;
  }
  return ApplyStatus{static_cast<std::uint8_t>(last_result_.error)};
}

const char* PongService::apply_error_name(std::uint8_t error) const {
  return pong::apply_error_name(static_cast<ApplyError>(error));
}

void PongService::save_snapshot(std::vector<std::uint8_t>& out) const { book_.save_snapshot(out); }

bool PongService::load_snapshot(std::span<const std::uint8_t> bytes) {
  return book_.load_snapshot(bytes).ok();
}

bool PongService::durable(const wire::EntryView& entry) const {
  switch (static_cast<EventKind>(entry.kind)) {
    case EventKind::kOpenRoom:
    case EventKind::kJoin:
    case EventKind::kLeave:
    case EventKind::kPoint:
    case EventKind::kMatchOver:
    case EventKind::kClose:
    case EventKind::kIdentity:
      return true;
    case EventKind::kInput:
    case EventKind::kTick:
      return false;
  }
  return false;
}

void PongService::write_records(const wire::EntryView& entry, RecordSink& sink) const {
  if (const std::optional<Event> event = Event::decode(entry)) book_.write_records(*event, sink);
}

// ---------------------------------------------------------------------------------------------
// Hosting

void PongService::begin_hosting(TimeUs now) {
  hosting_ = true;
  show_committed_state_of_book();
  sessions_.clear();
  closing_grace_ticks_ = kClosingGraceTicks;
  for (const auto& [room_id, room] : book_.rooms()) {
    for (const Seat& seat : room.seats) {
      if (seat.present) sessions_.resume(now, seat.client_id);
    }
    // The old leader may have ended the match without sending its players the leaderboard.
    if (room.match.phase == Phase::kGameOver) boards_for(room, board_notices_);
  }
}

void PongService::end_hosting() {
  hosting_ = false;
  sessions_.clear();
  gate_.clear();
  closed_notices_.clear();
  boards_.clear();
  board_notices_.clear();
}

void PongService::show_committed_state_of_book() {
  shown_.clear();
  for (const auto& [room_id, room] : book_.rooms()) {
    Shown s;
    s.score = score_of(room.match);
    s.winner = room.match.winner == kNoSlot ? 0 : static_cast<std::uint8_t>(room.match.winner + 1);
    shown_[room_id] = s;
  }
}

std::optional<wire::DecodeError> PongService::on_client_datagram(
    TimeUs now, Endpoint from, const wire::Header& header, std::span<const std::uint8_t> body) {
  if (auto error = wire::decode_message(header.type, body, message_)) return error;
  if (std::holds_alternative<wire::RoomState>(message_) ||
      std::holds_alternative<wire::LeaderboardState>(message_)) {
    return wire::DecodeError::kWrongChannel;  // States go to clients, never to a server.
  }
  if (std::holds_alternative<wire::RoomList>(message_)) return wire::DecodeError::kWrongChannel;
  if (std::holds_alternative<wire::ListRooms>(message_)) {
    room_lists_.add(from);
    return std::nullopt;
  }
  if (const auto* watch = std::get_if<wire::Watch>(&message_)) {
    spectators_.on_watch(now, watch->client_id, from, watch->room, watch->room_name);
    return std::nullopt;
  }
  if (!hosting_) return std::nullopt;
  if (const auto* join = std::get_if<wire::Join>(&message_)) {
    sessions_.on_join(now, join->client_id, from, join->room_name, join->player, join->room);
  } else if (const auto* input = std::get_if<wire::Input>(&message_)) {
    if (!input->recent.empty()) {
      sessions_.on_input(now, input->client_id, input->input_seq, input->recent[0]);
    }
  } else if (const auto* leave = std::get_if<wire::Leave>(&message_)) {
    sessions_.on_leave(leave->client_id);
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// Planning (leader)

void PongService::plan(TimeUs now, LogWriter& log) {
  // A tick holds back at most two results per room (a point and the match's end).
  if (gate_.size() + 2 * (book_.rooms().size() + 1) > CommitGate<Result>::kMaxHeld) {
    // Commits are that far behind: hold play until they catch up.
    ++stats_.ticks_held_back;
    return;
  }
  if (book_.identity().is_none()) {
    // The first leader of this state names it after its epoch: the cluster's identity.
    Event identity = make_event(EventKind::kIdentity, 0);
    identity.founding = log.epoch();
    order(now, log, identity);
  }
  sessions_.take_leaves(now, config_.forfeit_timeout_us, [&](std::uint64_t client_id) {
    planned_.clear();
    plan_leave(book_, client_id, planned_);
    for (const Event& e : planned_) order(now, log, e);
  });
  sessions_.take_joins(now, [&](const auto& request) {
    planned_.clear();
    plan_join(book_, request.client_id, request.from, request.name.view(), planned_, request.player,
              request.room);
    for (const Event& e : planned_) order(now, log, e);
    return book_.seat_of(request.client_id).has_value();
  });

  inputs_.clear();
  for (const auto& [client_id, client] : sessions_.clients()) inputs_[client_id] = client.input;
  planned_.clear();
  plan_tick(book_, inputs_, planned_);
  // plan_tick plans from one book state; order the events one by one.
  for (Event e : planned_) {
    if (e.kind == EventKind::kClose) {
      // A finished room stays open until its result is committed and shown: closing it first
      // would end the match for its players without a result. Ticking it meanwhile keeps the
      // state's seq moving, so the players accept the result when it comes.
      auto shown = shown_.find(e.room);
      const Room* room = book_.find(e.room);
      if (room != nullptr && room->match.phase == Phase::kGameOver &&
          ((shown != shown_.end() && shown->second.winner == 0) || closing_grace_ticks_ > 0)) {
        e.kind = EventKind::kTick;
      }
    }
    order(now, log, e);
  }
  // Players of closed rooms are no longer seated.
  sessions_.drop_unseated([&](std::uint64_t client_id) { return book_.seat_of(client_id); });
  if (closing_grace_ticks_ > 0) --closing_grace_ticks_;
}

void PongService::order(TimeUs now, LogWriter& log, const Event& event) {
  if (event.kind == EventKind::kClose) {
    if (const Room* room = book_.find(event.room)) {
      const Shown& shown = shown_[event.room];
      for (std::uint8_t slot = 0; slot < 2; ++slot) {
        if (room->seats[slot].client_id == 0) continue;
        wire::RoomState state = closed_room_state(*room, slot, 0);
        state.score_left = shown.score.left;
        state.score_right = shown.score.right;
        state.winner = shown.winner;
        closed_notices_.push_back({room->seats[slot].client, state});
      }
    }
  }
  std::array<std::uint8_t, Event::kMaxPayload> payload{};
  const std::size_t size = event.encode(payload);
  const LogWriter::Appended appended = log.append(
      wire::EntryView{kServiceId, static_cast<std::uint8_t>(event.kind), {payload.data(), size}});
  const ApplyResult result = last_result_;
  if (event.kind == EventKind::kPoint || event.kind == EventKind::kMatchOver) {
    const std::uint8_t winner =
        event.kind == EventKind::kMatchOver ? static_cast<std::uint8_t>(event.slot + 1) : 0;
    gate_.hold(appended.seq, Result{event.room, event.score, winner});
  }
  if (event.kind == EventKind::kMatchOver) {
    if (const Room* room = book_.find(event.room)) {
      std::vector<BoardNotice> boards;
      boards_for(*room, boards);
      boards_.hold(appended.seq, boards);
    }
  }
  if (event.kind == EventKind::kClose) shown_.erase(event.room);
  note_event(now, event, appended.seq);
  std::vector<Event> checks;
  plan_checks(event.room, result, checks);
  for (const Event& check : checks) order(now, log, check);
}

void PongService::note_event(TimeUs now, const Event& event, std::uint64_t seq) {
  switch (event.kind) {
    case EventKind::kOpenRoom:
      note(now, RoomOpened{seq, event.room, 0});
      break;
    case EventKind::kPoint:
      note(now, PointScored{event.room, event.score, 0, seq});
      break;
    case EventKind::kMatchOver:
      note(now, MatchOver{event.room, event.score, event.slot, 0, seq});
      break;
    case EventKind::kClose:
      note(now, RoomClosed{event.room});
      break;
    default:
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// What clients are shown (leader)

void PongService::boards_for(const Room& room, std::vector<BoardNotice>& out) const {
  const Leaderboard& board = book_.leaderboard();
  std::uint64_t result = board.results_recorded();
  for (auto it = board.results().rbegin(); it != board.results().rend(); ++it) {
    if (it->room == room.id) {
      result = it->number;
      break;
    }
  }
  if (result == 0) return;
  for (const Seat& seat : room.seats) {
    if (seat.client_id == 0) continue;
    out.push_back({seat.client, leaderboard_state_for(board, room.id, result, seat.name)});
  }
}

void PongService::on_commit(std::uint64_t commit_seq) {
  boards_.release(commit_seq, [&](const std::vector<BoardNotice>& boards) {
    board_notices_.insert(board_notices_.end(), boards.begin(), boards.end());
  });
  gate_.release(commit_seq, [&](const Result& r) {
    auto it = shown_.find(r.room);
    if (it == shown_.end()) return;
    it->second.score = r.score;
    if (r.winner != 0) it->second.winner = r.winner;
  });
}

void PongService::publish(TimeUs, const ClientLink& link, std::uint64_t applied_seq) {
  answer_room_lists(link);
  for (const auto& [room_id, room] : book_.rooms()) {
    const Shown& shown = shown_.try_emplace(room_id).first->second;
    for (std::uint8_t slot = 0; slot < 2; ++slot) {
      const Seat& seat = room.seats[slot];
      if (!seat.present) continue;
      wire::RoomState state = room_state_for(room, slot, applied_seq);
      state.score_left = shown.score.left;
      state.score_right = shown.score.right;
      state.winner = shown.winner;
      if (state.phase == static_cast<std::uint8_t>(Phase::kGameOver) && shown.winner == 0) {
        // The result is not committed yet: keep showing the rally's end a little longer.
        state.phase = static_cast<std::uint8_t>(Phase::kPlaying);
      }
      state.leader_control = link.self_control;
      link.send(seat.client, state);
      ++stats_.states_sent;
    }
  }
  for (const ClosedNotice& notice : closed_notices_) {
    wire::RoomState state = notice.state;
    state.seq = applied_seq;
    state.leader_control = link.self_control;
    link.send(notice.client, state);
  }
  closed_notices_.clear();
  for (const BoardNotice& notice : board_notices_) link.send(notice.client, notice.board);
  board_notices_.clear();
}

void PongService::answer_room_lists(const ClientLink& link) {
  if (room_lists_.empty()) return;
  const auto list = rooms::room_list_of<wire::RoomList>(
      book_.rooms(), [](const Room& room, wire::RoomSummary& s) {
        s.phase = static_cast<std::uint8_t>(room.match.phase);
        s.scores.push_back(room.match.score[0]);
        s.scores.push_back(room.match.score[1]);
      });
  room_lists_.answer([&](Endpoint to) { link.send(to, list); });
}

void PongService::serve_spectators(TimeUs now, const ClientLink& link, std::uint64_t applied_seq) {
  answer_room_lists(link);
  spectators_.serve(now, [&](rooms::Spectators::Spectator& s) {
    s.room = rooms::Spectators::resolve(s, book_.rooms(), [](const Room& room) {
      return room.match.phase == Phase::kCountdown || room.match.phase == Phase::kPlaying;
    });
    const Room* room = book_.find(s.room);
    wire::RoomState state;
    if (room != nullptr) {
      state = room_state_for(*room, kSpectatorSlot, applied_seq);
    } else {  // Nothing live to watch: room 0, closed, so the spectator waits with us.
      state.seq = applied_seq;
      state.phase = static_cast<std::uint8_t>(Phase::kClosed);
      state.your_slot = kSpectatorSlot;
    }
    state.leader_control = link.self_control;
    link.send(s.client, state);
  });
}

}  // namespace dp::pong
