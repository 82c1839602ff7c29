#include "core/services/racing/service.h"

namespace dp::racing {
namespace {

std::uint8_t wire_winner(const RaceState& race) {
  if (race.winner == kDraw) return wire::RaceState::kDrawWinner;
  if (race.winner < kMaxRacers) return static_cast<std::uint8_t>(race.winner + 1);
  return 0;
}

std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

}  // namespace

RacingService::Shown shown_of(const Room& room) {
  RacingService::Shown s;
  for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
    s.scores[slot] = room.match.racers[slot].score;
    if (room.match.racers[slot].alive) s.alive = static_cast<std::uint8_t>(s.alive | (1u << slot));
  }
  if (room.match.recorded) s.winner = wire_winner(room.match);
  return s;
}

wire::RaceState race_state_for(const Room& room, const RacingService::Shown& shown,
                               std::uint8_t slot, std::uint64_t seq) {
  const RaceState& race = room.match;
  wire::RaceState state;
  state.room = room.id;
  state.seq = seq;
  state.name = room.name;
  state.phase = static_cast<std::uint8_t>(race.phase);
  // The end is shown once its result is committed; until then the race still runs.
  if (race.phase == Phase::kGameOver && shown.winner == 0) {
    state.phase = static_cast<std::uint8_t>(Phase::kRacing);
  }
  state.your_slot = slot;
  state.winner = shown.winner;
  state.countdown_ticks = race.countdown_ticks;
  state.tick = race.tick;
  state.seed = race.seed;
  state.traffic_digest = race.traffic_digest;
  state.traffic_speed = traffic_speed(race.tick);
  for (const TrafficCar& car : race.traffic) {
    if (car.active) state.traffic.push_back(wire::RaceCar{car.x, car.y});
  }
  for (std::uint8_t i = 0; i < kMaxRacers; ++i) {
    const Racer& r = race.racers[i];
    wire::RaceRacer out;
    out.name = room.seats[i].name;
    out.x = r.x;
    out.score = shown.scores[i];
    if (r.racing) out.flags |= wire::RaceRacer::kRacing;
    // A crash is shown once committed: until then the racer still drives on screen.
    if (r.alive || ((shown.alive >> i) & 1u)) out.flags |= wire::RaceRacer::kAlive;
    if (room.seats[i].present) out.flags |= wire::RaceRacer::kPresent;
    state.racers.push_back(out);
  }
  return state;
}

ApplyStatus RacingService::apply(const wire::EntryView& entry) {
  const std::optional<Event> event = Event::decode(entry);
  last_result_ = event ? book_.apply(*event) : ApplyResult{ApplyError::kInvalidEvent};
  return ApplyStatus{static_cast<std::uint8_t>(last_result_.error)};
}

const char* RacingService::apply_error_name(std::uint8_t error) const {
  return racing::apply_error_name(static_cast<ApplyError>(error));
}

bool RacingService::durable(const wire::EntryView& entry) const {
  const auto kind = static_cast<EventKind>(entry.kind);
  return kind != EventKind::kInput && kind != EventKind::kTick;
}

void RacingService::write_records(const wire::EntryView& entry, RecordSink& sink) const {
  if (const std::optional<Event> event = Event::decode(entry)) book_.write_records(*event, sink);
}

void RacingService::begin_hosting(TimeUs now) {
  hosting_ = true;
  show_committed_state_of_book();
  sessions_.clear();
  closing_grace_ticks_ = kClosingGraceTicks;
  for (const auto& [room_id, room] : book_.rooms()) {
    for (const Seat& seat : room.seats) {
      if (seat.present) sessions_.resume(now, seat.client_id);
    }
    if (room.match.recorded) boards_for(room, board_notices_);
  }
}

void RacingService::end_hosting() {
  hosting_ = false;
  sessions_.clear();
  gate_.clear();
  closing_.clear();
  boards_.clear();
  board_notices_.clear();
}

void RacingService::show_committed_state_of_book() {
  shown_.clear();
  for (const auto& [room_id, room] : book_.rooms()) shown_[room_id] = shown_of(room);
}

std::optional<wire::DecodeError> RacingService::on_client_datagram(
    TimeUs now, Endpoint from, const wire::Header& header, std::span<const std::uint8_t> body) {
  if (auto error = wire::decode_message(header.type, body, message_)) return error;
  if (std::holds_alternative<wire::RaceState>(message_) ||
      std::holds_alternative<wire::RaceBoardState>(message_)) {
    return wire::DecodeError::kWrongChannel;
  }
  if (std::holds_alternative<wire::RaceRoomList>(message_)) {
    return wire::DecodeError::kWrongChannel;
  }
  if (std::holds_alternative<wire::RaceListRooms>(message_)) {
    room_lists_.add(from);
    return std::nullopt;
  }
  if (const auto* watch = std::get_if<wire::RaceWatch>(&message_)) {
    spectators_.on_watch(now, watch->client_id, from, watch->room, watch->room_name);
    return std::nullopt;
  }
  if (!hosting_) return std::nullopt;
  if (const auto* join = std::get_if<wire::RaceJoin>(&message_)) {
    sessions_.on_join(now, join->client_id, from, join->room_name, join->player, join->room);
  } else if (const auto* input = std::get_if<wire::RaceInput>(&message_)) {
    if (!input->recent.empty()) {
      sessions_.on_input(now, input->client_id, input->input_seq, input->recent[0]);
    }
  } else if (const auto* leave = std::get_if<wire::RaceLeave>(&message_)) {
    sessions_.on_leave(leave->client_id);
  }
  return std::nullopt;
}

void RacingService::plan(TimeUs now, LogWriter& log) {
  // A tick holds back at most two effects per room (scores and a result).
  if (gate_.size() + 2 * (book_.rooms().size() + 1) > CommitGate<Held>::kMaxHeld) {
    ++stats_.ticks_held_back;
    return;
  }
  sessions_.take_leaves(now, config_.forfeit_timeout_us, [&](std::uint64_t client_id) {
    planned_.clear();
    plan_leave(book_, client_id, planned_);
    for (const Event& e : planned_) order(now, log, e);
  });
  sessions_.take_joins(now, [&](const auto& request) {
    planned_.clear();
    const Epoch epoch = log.epoch();
    const std::uint64_t seed =
        mix(epoch.term ^ mix(epoch.leader.lo ^ mix(epoch.leader.hi ^ book_.next_room_id())));
    plan_join(book_, request.client_id, request.from, request.name.view(), request.player, seed,
              planned_, config_.seats, request.room);
    for (const Event& e : planned_) order(now, log, e);
    return book_.seat_of(request.client_id).has_value();
  });
  steering_.clear();
  for (const auto& [client_id, client] : sessions_.clients()) steering_[client_id] = client.input;
  planned_.clear();
  plan_tick(book_, steering_, planned_);
  for (Event e : planned_) {
    if (e.kind == EventKind::kClose) {
      // A finished race stays open until its result is committed and shown.
      const Room* room = book_.find(e.room);
      const auto shown = shown_.find(e.room);
      if (room != nullptr && room->match.phase == Phase::kGameOver &&
          ((shown != shown_.end() && shown->second.winner == 0) || closing_grace_ticks_ > 0)) {
        e.kind = EventKind::kTick;
      }
    }
    order(now, log, e);
  }
  sessions_.drop_unseated([&](std::uint64_t client_id) { return book_.seat_of(client_id); });
  if (closing_grace_ticks_ > 0) --closing_grace_ticks_;
}

void RacingService::order(TimeUs now, LogWriter& log, const Event& event) {
  if (event.kind == EventKind::kClose) {
    if (const Room* room = book_.find(event.room)) {
      const Shown& shown = shown_[event.room];
      for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
        if (!room->seats[slot].present) continue;
        wire::RaceState state = race_state_for(*room, shown, slot, 0);
        state.phase = static_cast<std::uint8_t>(Phase::kClosed);
        closing_.emplace_back(room->seats[slot].client, state);
      }
    }
  }
  payload_.clear();
  event.encode(payload_);
  const LogWriter::Appended appended =
      log.append(wire::EntryView{kServiceId, static_cast<std::uint8_t>(event.kind), payload_});
  const ApplyResult result = last_result_;
  if (event.kind == EventKind::kScores || event.kind == EventKind::kRaceOver) {
    if (const Room* room = book_.find(event.room); room != nullptr && result.ok()) {
      gate_.hold(appended.seq, Held{event.room, shown_of(*room)});
      if (event.kind == EventKind::kRaceOver) {
        std::vector<BoardNotice> boards;
        boards_for(*room, boards);
        boards_.hold(appended.seq, boards);
      }
    }
  }
  if (event.kind == EventKind::kClose) shown_.erase(event.room);
  if (event.kind == EventKind::kOpenRoom) shown_[event.room] = Shown{};
  (void)now;
  std::vector<Event> checks;
  plan_checks(book_, event.room, result, checks);
  for (const Event& check : checks) order(now, log, check);
}

void RacingService::boards_for(const Room& room, std::vector<BoardNotice>& out) const {
  const RaceBoard& board = book_.board();
  std::uint64_t number = 0;
  for (auto it = board.results().rbegin(); it != board.results().rend(); ++it) {
    if (it->room == room.id) {
      number = it->number;
      break;
    }
  }
  if (number == 0) return;
  wire::RaceBoardState state;
  state.room = room.id;
  state.result = number;
  for (const RacerStats& p : board.top(wire::kBoardTop)) {
    state.top.push_back(wire::RaceBoardEntry{p.name, p.races, p.wins, p.best});
  }
  for (const Seat& seat : room.seats) {
    if (!seat.present) continue;
    wire::RaceBoardState mine = state;
    mine.you.name = seat.name;
    if (const RacerStats* p = board.find(seat.name)) {
      mine.you = wire::RaceBoardEntry{p->name, p->races, p->wins, p->best};
    }
    out.push_back({seat.client, mine});
  }
}

void RacingService::on_commit(std::uint64_t commit_seq) {
  boards_.release(commit_seq, [&](const std::vector<BoardNotice>& boards) {
    board_notices_.insert(board_notices_.end(), boards.begin(), boards.end());
  });
  gate_.release(commit_seq, [&](const Held& held) {
    auto it = shown_.find(held.room);
    if (it != shown_.end()) it->second = held.shown;
  });
}

void RacingService::publish(TimeUs, const ClientLink& link, std::uint64_t applied_seq) {
  answer_room_lists(link);
  for (const auto& [room_id, room] : book_.rooms()) {
    const Shown& shown = shown_.try_emplace(room_id).first->second;
    for (std::uint8_t slot = 0; slot < kMaxRacers; ++slot) {
      if (!room.seats[slot].present) continue;
      wire::RaceState state = race_state_for(room, shown, slot, applied_seq);
      state.leader_control = link.self_control;
      link.send(room.seats[slot].client, state);
      ++stats_.states_sent;
    }
  }
  for (auto& [client, state] : closing_) {
    state.seq = applied_seq;
    state.leader_control = link.self_control;
    link.send(client, state);
  }
  closing_.clear();
  for (const BoardNotice& notice : board_notices_) link.send(notice.client, notice.board);
  board_notices_.clear();
}

void RacingService::answer_room_lists(const ClientLink& link) {
  if (room_lists_.empty()) return;
  const auto list = rooms::room_list_of<wire::RaceRoomList>(
      book_.rooms(), [](const Room& room, wire::RoomSummary& s) {
        s.phase = static_cast<std::uint8_t>(room.match.phase);
        for (const Racer& r : room.match.racers) {
          if (r.racing) s.scores.push_back(r.score);
        }
      });
  room_lists_.answer([&](Endpoint to) { link.send(to, list); });
}

void RacingService::serve_spectators(TimeUs now, const ClientLink& link,
                                     std::uint64_t applied_seq) {
  answer_room_lists(link);
  spectators_.serve(now, [&](rooms::Spectators::Spectator& s) {
    s.room = rooms::Spectators::resolve(s, book_.rooms(), [](const Room& room) {
      return room.match.phase == Phase::kCountdown || room.match.phase == Phase::kRacing;
    });
    const Room* room = book_.find(s.room);
    // This replica's own state: what it applied (a follower's scores may be a few
    // milliseconds ahead of the commit point the leader shows its players). Nothing live to
    // watch: room 0, closed, so the spectator waits with us.
    wire::RaceState state;
    if (room != nullptr) {
      state = race_state_for(*room, shown_of(*room), wire::RaceState::kSpectator, applied_seq);
    } else {
      state.seq = applied_seq;
      state.phase = static_cast<std::uint8_t>(Phase::kClosed);
      state.your_slot = wire::RaceState::kSpectator;
    }
    state.leader_control = link.self_control;
    link.send(s.client, state);
  });
}

}  // namespace dp::racing
