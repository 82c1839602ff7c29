#!/usr/bin/env python3
"""e2e.chat_leader_kill: three pong-chat servers on loopback and two pong-chat-clients, alice
and bob, each sending 500 numbered lines ("alice 1" .. "alice 500") to the lobby; halfway
(about 250 of each acknowledged) the chat leader gets SIGKILL. Both clients must end (exit 0)
with the same 1000 lines in the same order: every message exactly once, each sender's in its
own order. Prints the latency from a message's send to its showing at the other client
(p50/p99) and the chat failover as senders see it.

What the chat does not need, and what does not need the chat:
  * Chat needs no game: no pong-server runs here (the clients find the chat cluster on a
    discovery port of this test's own, where nothing else answers).
  * The game needs no chat: e2e.loopback_match (loopback_match.py) already plays a whole
    match with three pong-servers and two headless pong-client bots and starts no pong-chat
    (pong-client opens no chat session at all), so it is not repeated here.

The servers keep the default rate limit (20 messages a second per sender, bursts of 40), and
the test feeds each client's standard input at about 19 lines a second, just under it: the
latency measured is then the cluster's, not time spent queued behind the rate limit, and the
messages that pile up during the failover fit the new leader's burst.
"""

import argparse
import json
import math
import os
import re
import socket
import subprocess
import tempfile
import threading
import time

import e2e_lib as e2e

MESSAGES = 500
SENDERS = ("alice", "bob")
SEND_INTERVAL_S = 0.052  # About 19 a second, under the default 20/s.
KILL_AT_LINES = MESSAGES  # Of the 2 x 500 lines shown: about 250 of each sender's acked.
CLIENT_TIMEOUT_S = 50  # The whole test stays well under a minute.
FAILOVER_LIMIT_MS = 10000  # Generous: clients leave a silent leader within a second.

LINE = re.compile(r"^\[(\d+)\] (\S+): (.*)$")
LEADER = re.compile(r"(connected to|re-homed to) chat leader ([0-9a-f]+)")
SERVER_ID = re.compile(r"id=[0-9a-f]+ \(([0-9a-f]+)\)")


def free_udp_port():
    """A UDP port nothing on this host holds, never one of the clusters' defaults."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("0.0.0.0", 0))
            port = s.getsockname()[1]
        if not 50000 <= port <= 50030:
            return port


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = math.ceil(p / 100.0 * len(ordered)) - 1  # Nearest rank.
    return ordered[max(0, min(len(ordered) - 1, k))]


def feed(proc, name, start_s):
    """Writes "<name> 1" .. "<name> 500" to the client's stdin, paced, then closes it."""
    try:
        for i in range(1, MESSAGES + 1):
            delay = start_s + (i - 1) * SEND_INTERVAL_S - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            proc.stdin.write(f"{name} {i}\n".encode())
            proc.stdin.flush()
        proc.stdin.close()
    except (OSError, ValueError):
        pass  # The client died: the checks report it.


def leaders_named(err_path):
    return [m.group(2) for m in LEADER.finditer(e2e.read(err_path))]


def shown_lines(path):
    return e2e.read(path).splitlines()


def check_outputs(outs, problems):
    """Each client showed 1000 lines, numbered 1..1000, every message once, each sender in
    order; both showed the same."""
    expected = {f"{name} {i}" for name in SENDERS for i in range(1, MESSAGES + 1)}
    for name, lines in outs.items():
        if len(lines) != len(SENDERS) * MESSAGES:
            problems.append(f"{name} showed {len(lines)} lines, not {len(SENDERS) * MESSAGES}")
        texts = []
        last = {s: 0 for s in SENDERS}
        for k, raw in enumerate(lines, start=1):
            m = LINE.match(raw)
            if not m:
                problems.append(f"{name}: unexpected output line {raw!r}")
                continue
            n, who, text = int(m.group(1)), m.group(2), m.group(3)
            if n != k:
                problems.append(f"{name}: line {k} is numbered {n}")
            sender, _, number = text.partition(" ")
            if sender != who or who not in last or not number.isdigit():
                problems.append(f"{name}: line {n} {who}: {text!r} is no message sent")
                continue
            if int(number) <= last[who]:
                problems.append(f"{name}: {who}'s message {number} after {last[who]}")
            last[who] = int(number)
            texts.append(text)
        if len(texts) != len(set(texts)):
            problems.append(f"{name}: {len(texts) - len(set(texts))} messages shown twice")
        missing = expected - set(texts)
        if missing:
            problems.append(f"{name}: {len(missing)} messages never shown, e.g. "
                            f"{sorted(missing)[:5]}")
    a, b = (outs[s] for s in SENDERS)
    if a != b:
        first = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        problems.append(f"the clients' outputs differ from line {first + 1}")


def ack_gap(sent, kill_us):
    """(ms, from, to): a sender's longest silence between acks from just before the kill to
    well after it (an ack the old leader sent as it died may land just after the kill: the
    silence that follows it is the failover)."""
    acks = sorted({acked for _, _, acked in sent if acked})
    window = [t for t in acks if kill_us - 1_000_000 <= t <= kill_us + 5_000_000]
    if len(window) < 2:
        return (0.0, kill_us, kill_us)
    return max(((b - a) / 1000.0, a, b) for a, b in zip(window, window[1:]))


def measure(records, kill_us, problems):
    """Prints send-to-shown latency at the other client, ack latency, and the failover."""
    # When every sender's acks resumed: latencies of messages sent after that, or over 2 s
    # before the kill, are the cluster's away from the failover.
    recovered_us = max(ack_gap(records[n]["sent"], kill_us)[2] for n in SENDERS)
    latencies_ms, steady_ms = [], []
    for sender in SENDERS:
        mine = records[sender]
        for other in SENDERS:
            if other == sender:
                continue
            seen = {(s[1], s[2]): s[3] for s in records[other]["seen"]}
            for msg_id, queued, _ in mine["sent"]:
                at = seen.get((mine["client_id"], msg_id))
                if at is None:
                    problems.append(f"{other}'s record lacks {sender}'s message {msg_id}")
                    continue
                latencies_ms.append((at - queued) / 1000.0)
                if queued < kill_us - 2_000_000 or queued > recovered_us:
                    steady_ms.append((at - queued) / 1000.0)
    if latencies_ms:
        e2e.log(f"message latency, send -> shown at the other client: "
                f"p50={percentile(latencies_ms, 50):.1f} ms "
                f"p99={percentile(latencies_ms, 99):.1f} ms max={max(latencies_ms):.1f} ms "
                f"(n={len(latencies_ms)})")
    if steady_ms:
        e2e.log(f"  away from the failover (sent over 2 s before the kill, or after both "
                f"senders' acks resumed): p50={percentile(steady_ms, 50):.1f} "
                f"ms p99={percentile(steady_ms, 99):.1f} ms (n={len(steady_ms)})")
    acked_ms = [(acked - queued) / 1000.0 for name in SENDERS
                for _, queued, acked in records[name]["sent"] if acked]
    if acked_ms:
        e2e.log(f"ack latency, send -> acked at the sender: p50={percentile(acked_ms, 50):.1f} ms "
                f"p99={percentile(acked_ms, 99):.1f} ms")
    for name in SENDERS:
        sent = records[name]["sent"]
        unacked = [m for m, _, acked in sent if not acked]
        if unacked:
            problems.append(f"{name}: messages never acked: {unacked[:5]}")
            continue
        acks = sorted({acked for _, _, acked in sent})
        if not any(t <= kill_us for t in acks) or not any(t > kill_us for t in acks):
            problems.append(f"{name}: the kill was not in the middle of its acks")
            continue
        gap_ms, gap_from, gap_to = ack_gap(sent, kill_us)
        # The messages that silence held up: sent before it ended, acked at its end or later.
        held = [(acked - queued) / 1000.0 for _, queued, acked in sent
                if queued < gap_to and acked >= gap_to]
        e2e.log(f"chat failover as {name} sees it: no ack for {gap_ms:.0f} ms, from "
                f"{(gap_from - kill_us) / 1000.0:+.0f} to {(gap_to - kill_us) / 1000.0:+.0f} ms "
                f"of the kill; {len(held)} messages held up, the slowest acked "
                f"{max(held, default=0):.0f} ms after it was sent; "
                f"{records[name]['rehomes']} re-home(s), {records[name]['resends']} resends, "
                f"{records[name]['rate_limited']} rate-limit waits")
        if gap_ms > FAILOVER_LIMIT_MS:
            problems.append(f"{name}: acks stopped for {gap_ms:.0f} ms around the kill")
        seen = sorted(s[3] for s in records[name]["seen"])
        seen = [t for t in seen if kill_us - 1_000_000 <= t <= kill_us + 5_000_000]
        if len(seen) > 1:
            line_gap = max((b - a) / 1000.0 for a, b in zip(seen, seen[1:]))
            e2e.log(f"  {name} saw no line for {line_gap:.0f} ms around the kill")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--chat-server", required=True, help="pong-chat")
    ap.add_argument("--chat-client", required=True, help="pong-chat-client")
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-chat-")
    port = free_udp_port()
    procs = e2e.Processes()
    problems = []
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    server_outs = [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)]
    outs = {name: os.path.join(temp_dir, f"{name}.out") for name in SENDERS}
    errs = {name: os.path.join(temp_dir, f"{name}.err") for name in SENDERS}
    recs = {name: os.path.join(temp_dir, f"{name}.json") for name in SENDERS}
    e2e.log(f"chat cluster on discovery port {port}, files in {temp_dir}")
    try:
        servers = []
        for i in range(3):
            d = os.path.join(temp_dir, f"s{i + 1}")
            servers.append(procs.start(
                [args.chat_server, *common, "--control-port", "0", "--client-port", "0",
                 "--cluster-size", "3", "--log-dir", d, "--data-dir", os.path.join(d, "data")],
                server_outs[i]))
        clients = {}
        for name in SENDERS:
            with open(outs[name], "wb") as out, open(errs[name], "wb") as err:
                p = subprocess.Popen(
                    [args.chat_client, "--name", name, *common, "--wait-lines",
                     str(len(SENDERS) * MESSAGES), "--record", recs[name], "--timeout-s",
                     str(CLIENT_TIMEOUT_S)],
                    stdin=subprocess.PIPE, stdout=out, stderr=err,
                    preexec_fn=e2e._die_with_parent)
            procs.procs.append(p)
            clients[name] = p
        if not e2e.wait_for(lambda: all(leaders_named(errs[n]) for n in SENDERS), 15):
            problems.append("the clients never found a chat leader")
            raise RuntimeError
        start = time.monotonic() + 0.1
        feeders = [threading.Thread(target=feed, args=(clients[n], n, start), daemon=True)
                   for n in SENDERS]
        for t in feeders:
            t.start()

        if not e2e.wait_for(lambda: all(len(shown_lines(outs[n])) >= KILL_AT_LINES
                                        for n in SENDERS), 30):
            problems.append(f"fewer than {KILL_AT_LINES} lines shown after 30 s")
            raise RuntimeError
        short_ids = []
        for path in server_outs:
            m = SERVER_ID.search(e2e.read(path))
            short_ids.append(m.group(1) if m else None)
        leader_id = leaders_named(errs[SENDERS[0]])[-1]
        if leader_id not in short_ids or leaders_named(errs[SENDERS[1]])[-1] != leader_id:
            problems.append(f"cannot tell the chat leader: clients name "
                            f"{[leaders_named(errs[n]) for n in SENDERS]}, servers {short_ids}")
            raise RuntimeError
        leader = short_ids.index(leader_id)
        e2e.log(f"{len(shown_lines(outs[SENDERS[0]]))} lines shown: kill -9 the chat leader, "
                f"server {leader + 1} ({leader_id})")
        kill_us = e2e.mono_us()
        servers[leader].kill()

        for name, c in clients.items():
            try:
                code = c.wait(timeout=CLIENT_TIMEOUT_S + 10)
            except subprocess.TimeoutExpired:
                code = None
            if code != 0:
                problems.append(f"{name} exited with {code} (0 expected)")
        for i, s in enumerate(servers):
            if i != leader and s.poll() is not None:
                problems.append(f"server {i + 1} died with {s.returncode}")
        for name in SENDERS:
            named = leaders_named(errs[name])
            if named[-1] == leader_id:
                problems.append(f"{name} never left the killed leader: {named}")
            else:
                e2e.log(f"{name} re-homed to chat leader {named[-1]}")

        check_outputs({n: shown_lines(outs[n]) for n in SENDERS}, problems)
        records = {}
        for name in SENDERS:
            try:
                with open(recs[name]) as f:
                    records[name] = json.load(f)
            except (OSError, ValueError) as e:
                problems.append(f"{name}: no record: {e}")
        if len(records) == len(SENDERS):
            measure(records, kill_us, problems)
    except RuntimeError:
        pass
    finally:
        procs.kill_all()
        if problems:
            e2e.dump_logs([errs[n] for n in SENDERS] + server_outs)
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
