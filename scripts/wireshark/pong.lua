-- Wireshark / tshark dissector for the Distributed Pong protocol (every message type of
-- core/wire/message_types.h). Use it on a capture of real servers and clients or on the
-- simulator's (`pong-sim run FILE --pcap out.pcap`):
--
--   tshark -X lua_script:scripts/wireshark/pong.lua -r out.pcap
--   wireshark -X lua_script:scripts/wireshark/pong.lua out.pcap   (or copy it to
--   ~/.local/lib/wireshark/plugins/)
--
-- It claims UDP datagrams that start with the magic "PD" and protocol version 1 (the ports
-- are the operator's choice), whatever the port. Display filter fields: pong.type,
-- pong.type_name, pong.sender, pong.term, pong.leader, pong.seq, pong.body_len, pong.trailer.
--
-- The 46-byte header (big-endian) is described in core/wire/header.h; the body is a cereal
-- portable-binary archive (a byte 0x01, then little-endian fields in declaration order);
-- server-to-server datagrams end in the authentication trailer of
-- core/security/datagram_auth.h.

local pong = Proto("pong", "Distributed Pong")

local type_names = {
  [1] = "discover-request", [2] = "discover-response", [3] = "heartbeat", [4] = "election",
  [5] = "answer", [6] = "coordinator", [7] = "pre-vote", [8] = "pre-vote-reply",
  [9] = "resign", [10] = "replicate", [11] = "ack", [12] = "nack", [13] = "snapshot",
  [14] = "hand-over", [20] = "join", [21] = "input", [22] = "room-state", [23] = "leave",
  [24] = "leaderboard-state", [25] = "watch", [26] = "list-rooms", [27] = "room-list",
  [30] = "race-join", [31] = "race-input", [32] = "race-state", [33] = "race-leave",
  [34] = "race-board-state", [35] = "race-watch", [36] = "race-list-rooms",
  [37] = "race-room-list", [40] = "chat-send", [41] = "chat-ack", [42] = "chat-subscribe",
  [43] = "chat-history", [44] = "chat-lines", [50] = "session-request",
  [51] = "session-grant", [250] = "ctl-request", [251] = "ctl-status", [252] = "ctl-result",
}

-- The leading fields of each body, in order, up to its first list: enough to read what a
-- message says (the lists' counts are shown too).
local join = { { "u64", "client_id" }, { "str", "room_name" }, { "str", "player" },
               { "u32", "room" } }
local input = { { "u64", "client_id" }, { "u32", "room" }, { "u32", "input_seq" },
                { "list", "recent inputs" } }
local leave = { { "u64", "client_id" }, { "u32", "room" } }
local watch = { { "u64", "client_id" }, { "u32", "room" }, { "str", "room_name" } }
local list_rooms = { { "u64", "client_id" } }
local room_list = { { "u32", "total" }, { "list", "rooms" } }
local board = { { "u32", "room" }, { "u64", "result" } }
local bodies = {
  [1] = { { "u8", "asker_role" }, { "ep", "control" }, { "ep", "client" } },
  [2] = { { "u8", "role" }, { "ep", "control" }, { "ep", "client" }, { "ep", "leader_client" } },
  [3] = { { "u8", "role" }, { "ep", "control" }, { "ep", "client" }, { "seq", "applied_seq" },
          { "u64", "commit_seq" }, { "list", "hears" } },
  [4] = {},
  [5] = { { "u8", "has_leader" } },
  [6] = { { "ep", "control" }, { "ep", "client" } },
  [7] = { { "ep", "control" } },
  [8] = { { "u8", "granted" } },
  [9] = {},
  [10] = { { "seq", "first_seq" }, { "u64", "commit_seq" } },
  [11] = { { "seq", "applied_seq" } },
  [12] = { { "seq", "from_seq" }, { "u64", "to_seq" }, { "u8", "want_snapshot" } },
  [13] = { { "u64", "snapshot_id" }, { "seq", "seq" }, { "u32", "chunk" },
           { "u32", "chunk_count" }, { "u32", "total_bytes" } },
  [14] = { { "id", "successor" }, { "seq", "commit_seq" } },
  [20] = join, [21] = input,
  [22] = { { "u32", "room" }, { "seq", "seq" }, { "str", "name" }, { "u8", "phase" },
           { "u8", "your_slot" }, { "u8", "winner" }, { "u8", "target_score" },
           { "u8", "score_left" }, { "u8", "score_right" }, { "u16", "countdown_ticks" },
           { "u32", "tick" } },
  [23] = leave, [24] = board, [25] = watch, [26] = list_rooms, [27] = room_list,
  [30] = join, [31] = input,
  [32] = { { "u32", "room" }, { "seq", "seq" }, { "str", "name" }, { "u8", "phase" },
           { "u8", "your_slot" }, { "u8", "winner" }, { "u16", "countdown_ticks" },
           { "u32", "tick" } },
  [33] = leave, [34] = board, [35] = watch, [36] = list_rooms, [37] = room_list,
  [40] = { { "u64", "client_id" }, { "u32", "msg_id" }, { "u32", "acked" },
           { "str", "channel" }, { "str", "name" }, { "str", "text" } },
  [41] = { { "u64", "client_id" }, { "u32", "through" }, { "u8", "status" },
           { "u32", "msg_id" }, { "u16", "retry_after_ms" } },
  [42] = { { "u64", "client_id" }, { "str", "channel" }, { "u64", "after" }, { "u8", "fresh" } },
  [43] = { { "u64", "client_id" }, { "str", "channel" }, { "u64", "before" }, { "u8", "count" } },
  [44] = { { "str", "channel" }, { "seq", "head" }, { "u64", "first" }, { "u64", "start" },
           { "u8", "page" }, { "list", "lines" } },
  [50] = { { "u64", "client_id" } },
  [51] = { { "u64", "client_id" } },
  [250] = { { "u8", "command" }, { "id", "target" }, { "u64", "nonce" } },
  [251] = { { "u64", "nonce" }, { "u8", "role" }, { "u8", "draining" }, { "seq", "applied_seq" },
            { "u64", "commit_seq" }, { "u32", "rooms" }, { "u32", "players" },
            { "u32", "spectators" }, { "u64", "uptime_ms" }, { "u32", "peers_alive" },
            { "str", "version" }, { "list", "followers" } },
  [252] = { { "u64", "nonce" }, { "u8", "command" }, { "u8", "outcome" }, { "str", "detail" } },
}

local f = pong.fields
f.magic = ProtoField.string("pong.magic", "Magic")
f.version = ProtoField.uint8("pong.version", "Protocol version")
f.type = ProtoField.uint8("pong.type", "Type", base.DEC, type_names)
f.type_name = ProtoField.string("pong.type_name", "Type name")
f.sender = ProtoField.bytes("pong.sender", "Sender id")
f.term = ProtoField.uint64("pong.term", "Epoch term")
f.leader = ProtoField.bytes("pong.leader", "Epoch leader id")
f.body_len = ProtoField.uint16("pong.body_len", "Body length")
f.seq = ProtoField.uint64("pong.seq", "Sequence number")
f.trailer = ProtoField.bytes("pong.trailer", "Authentication trailer")

local function ipv4(n)
  return string.format("%d.%d.%d.%d", bit.rshift(n, 24) % 256, bit.rshift(n, 16) % 256,
                       bit.rshift(n, 8) % 256, n % 256)
end

-- One field at `off`; returns the next offset, or nil when the body is too short.
local function field(tree, buf, off, stop, kind, name)
  local function need(n) return off + n <= stop end
  if kind == "u8" then
    if not need(1) then return nil end
    tree:add(buf(off, 1), name .. ": " .. buf(off, 1):uint()); return off + 1
  elseif kind == "u16" then
    if not need(2) then return nil end
    tree:add(buf(off, 2), name .. ": " .. buf(off, 2):le_uint()); return off + 2
  elseif kind == "u32" then
    if not need(4) then return nil end
    tree:add(buf(off, 4), name .. ": " .. buf(off, 4):le_uint()); return off + 4
  elseif kind == "u64" then
    if not need(8) then return nil end
    tree:add(buf(off, 8), name .. ": " .. tostring(buf(off, 8):le_uint64())); return off + 8
  elseif kind == "seq" then
    if not need(8) then return nil end
    tree:add_le(f.seq, buf(off, 8)):prepend_text(name .. " ("):append_text(")"); return off + 8
  elseif kind == "ep" then
    if not need(6) then return nil end
    tree:add(buf(off, 6), name .. ": " .. ipv4(buf(off, 4):le_uint()) .. ":" ..
             buf(off + 4, 2):le_uint())
    return off + 6
  elseif kind == "id" then
    if not need(16) then return nil end
    tree:add(buf(off, 16), name .. ": " .. string.format("%s%s",
             buf(off, 8):le_uint64():tohex(), buf(off + 8, 8):le_uint64():tohex()))
    return off + 16
  elseif kind == "str" then
    if not need(8) then return nil end
    local n = buf(off, 8):le_uint64():tonumber()
    if n > stop - off - 8 then return nil end
    local text = n > 0 and buf(off + 8, n):string() or ""
    tree:add(buf(off, 8 + n), name .. ": \"" .. text .. "\""); return off + 8 + n
  elseif kind == "list" then
    if not need(8) then return nil end
    tree:add(buf(off, 8), name .. ": " .. tostring(buf(off, 8):le_uint64()) .. " items")
    return nil  -- The rest is the list's items (and what follows): not broken down.
  end
  return nil
end

function pong.dissector(buf, pinfo, root)
  if buf:len() < 46 or buf(0, 2):string() ~= "PD" then return 0 end
  local t = buf(3, 1):uint()
  local name = type_names[t] or ("type-" .. t)
  pinfo.cols.protocol = "PONG"
  local term = buf(20, 8):uint64()
  pinfo.cols.info = name .. "  epoch " .. tostring(term)
  local tree = root:add(pong, buf(), "Distributed Pong, " .. name)
  tree:add(f.magic, buf(0, 2))
  tree:add(f.version, buf(2, 1))
  tree:add(f.type, buf(3, 1))
  tree:add(f.type_name, buf(3, 1), name)
  tree:add(f.sender, buf(4, 16))
  local epoch = tree:add(buf(20, 24), "Epoch: term " .. tostring(term))
  epoch:add(f.term, buf(20, 8))
  epoch:add(f.leader, buf(28, 16))
  tree:add(f.body_len, buf(44, 2))
  local body_len = buf(44, 2):uint()
  local stop = math.min(46 + body_len, buf:len())
  local spec = bodies[t]
  if spec and body_len > 0 then
    local body = tree:add(buf(46, stop - 46), "Body (" .. body_len .. " bytes)")
    local off = 47  -- After the archive's endianness byte.
    for _, fs in ipairs(spec) do
      off = field(body, buf, off, stop, fs[1], fs[2])
      if off == nil then break end
    end
  end
  if buf:len() > 46 + body_len then
    local trailer = tree:add(f.trailer, buf(46 + body_len))
    local tb = buf(46 + body_len)
    if tb:len() >= 2 then
      trailer:add(tb(0, 1), "election mode: " .. tb(0, 1):uint())
      trailer:add(tb(1, 1), "key slot: " .. tb(1, 1):uint() .. (tb(1, 1):uint() == 0 and " (no key)" or ""))
    end
    if tb:len() >= 34 then
      trailer:add(tb(2, 8), "boot: " .. tostring(tb(2, 8):uint64()))
      trailer:add(tb(10, 8), "counter: " .. tostring(tb(10, 8):uint64()))
      trailer:add(tb(18, 16), "tag")
    end
  end
  return buf:len()
end

local function heuristic(buf, pinfo, root)
  if buf:len() < 46 or buf(0, 2):string() ~= "PD" or buf(2, 1):uint() ~= 1 then return false end
  pong.dissector(buf, pinfo, root)
  return true
end
pong:register_heuristic("udp", heuristic)
