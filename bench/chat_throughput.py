#!/usr/bin/env python3
"""Chat throughput on loopback: a three-server chat cluster (pong-chat) with the per-sender
rate limit raised out of the way (--rate-per-s 100000 --burst 100000), and N
pong-chat-clients that each send M messages to the lobby as fast as their window allows (all
M are written to standard input at once; the client keeps 16 in flight) and stay until they
have seen every client's lines. Prints the messages a second the cluster sustained (every
message acknowledged, i.e. on a majority's disks) and the latencies.

Not a test and not run by CI: a measurement to run by hand, e.g.

    python3 bench/chat_throughput.py --bin build/bin --clients 4 --messages 3000

Latencies come from the clients' --record files (CLOCK_MONOTONIC microseconds):
  * in flight -> acked: a message enters the window when the ack of the message `window`
    before it arrives (the client sends it in the same step), so its time in flight is
    acked[k] - max(queued[k], acked[k - window]);
  * in flight -> shown at the other clients: the same start, to the time each other client
    took the line in.
Queued -> acked is printed too; with everything queued at once it is mostly waiting for the
window, i.e. the time to drain the queue.
"""

import argparse
import json
import math
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests",
                                "e2e"))
import e2e_lib as e2e  # noqa: E402

WINDOW = 16  # ChatClientConfig::window


def free_udp_port():
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("0.0.0.0", 0))
            port = s.getsockname()[1]
        if not 50000 <= port <= 50030:  # Never a real chat or game cluster's port.
            return port


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = math.ceil(p / 100.0 * len(ordered)) - 1
    return ordered[max(0, min(len(ordered) - 1, k))]


def describe(label, values_ms):
    if not values_ms:
        return f"{label}: none"
    return (f"{label}: p50={percentile(values_ms, 50):.1f} ms p99={percentile(values_ms, 99):.1f} "
            f"ms max={max(values_ms):.1f} ms (n={len(values_ms)})")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default=os.path.join(here, "..", "build", "bin"),
                    help="directory holding pong-chat and pong-chat-client")
    ap.add_argument("--clients", type=int, default=4, help="N: sending clients")
    ap.add_argument("--messages", type=int, default=3000, help="M: messages per client")
    ap.add_argument("--rate-per-s", type=int, default=100000)
    ap.add_argument("--burst", type=int, default=100000)
    ap.add_argument("--timeout-s", type=float, default=60,
                    help="each client gives up after this long")
    ap.add_argument("--keep", action="store_true", help="keep the logs and records")
    args = ap.parse_args()

    server_bin = os.path.join(args.bin, "pong-chat")
    client_bin = os.path.join(args.bin, "pong-chat-client")
    for b in (server_bin, client_bin):
        if not os.access(b, os.X_OK):
            sys.exit(f"no {b}: build pong-chat and pong-chat-client, or pass --bin")
    temp_dir = tempfile.mkdtemp(prefix="dp-bench-chat-")
    port = free_udp_port()
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    procs = e2e.Processes()
    names = [f"c{i + 1}" for i in range(args.clients)]
    recs = {n: os.path.join(temp_dir, f"{n}.json") for n in names}
    total = args.clients * args.messages
    print(f"{args.clients} clients x {args.messages} messages = {total}, 3 chat servers, "
          f"rate limit {args.rate_per_s}/s burst {args.burst}, files in {temp_dir}", flush=True)
    failed = False
    try:
        for i in range(3):
            d = os.path.join(temp_dir, f"s{i + 1}")
            procs.start([server_bin, *common, "--control-port", "0", "--client-port", "0",
                         "--cluster-size", "3", "--rate-per-s", str(args.rate_per_s), "--burst",
                         str(args.burst), "--log-dir", d, "--data-dir",
                         os.path.join(d, "data")], os.path.join(temp_dir, f"s{i + 1}.out"))
        time.sleep(1.0)  # Let them elect a leader: the clients' time starts at their first send.
        clients = {}
        for n in names:
            with open(os.path.join(temp_dir, f"{n}.err"), "wb") as err:
                p = subprocess.Popen(
                    [client_bin, "--name", n, *common, "--quiet", "--record", recs[n],
                     "--wait-lines", str(total), "--linger-ms", "0", "--timeout-s",
                     str(args.timeout_s)],
                    stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err,
                    preexec_fn=e2e._die_with_parent)
            procs.procs.append(p)
            clients[n] = p
        # Every client subscribes before anyone sends: a late joiner is sent only the last 100
        # lines, so it could never see them all.
        errs = [os.path.join(temp_dir, f"{n}.err") for n in names]
        if not e2e.wait_for(lambda: all("connected to chat leader" in e2e.read(e)
                                        for e in errs), 30):
            print("not every client found the chat leader within 30 s", flush=True)
        for n, p in clients.items():
            p.stdin.write("".join(f"{n} {k}\n" for k in range(1, args.messages + 1)).encode())
            p.stdin.close()
        for n, p in clients.items():
            code = p.wait(timeout=args.timeout_s + 30)
            if code != 0:
                print(f"{n} exited with {code}", flush=True)
                failed = True
    finally:
        procs.kill_all()

    records = {}
    for n in names:
        try:
            with open(recs[n]) as f:
                records[n] = json.load(f)
        except (OSError, ValueError) as e:
            print(f"{n}: no record: {e}")
            failed = True
    if len(records) != len(names):
        sys.exit(1)

    first_sent, last_acked, acked_count = None, None, 0
    in_flight_ms, queued_ms, shown_ms = [], [], []
    seen_at = {n: {(s[1], s[2]): s[3] for s in records[n]["seen"]} for n in names}
    for n in names:
        sent = records[n]["sent"]
        acked = [a for _, _, a in sent]
        for k, (msg_id, queued, ack) in enumerate(sent):
            if not ack:
                continue
            acked_count += 1
            start = max(queued, acked[k - WINDOW]) if k >= WINDOW else queued
            first_sent = start if first_sent is None else min(first_sent, start)
            last_acked = ack if last_acked is None else max(last_acked, ack)
            in_flight_ms.append((ack - start) / 1000.0)
            queued_ms.append((ack - queued) / 1000.0)
            for other in names:
                if other == n:
                    continue
                at = seen_at[other].get((records[n]["client_id"], msg_id))
                if at is not None:
                    shown_ms.append((at - start) / 1000.0)
    seconds = (last_acked - first_sent) / 1e6 if acked_count else 0
    print(f"acked {acked_count} of {total} messages in {seconds:.2f} s: "
          f"{acked_count / seconds if seconds > 0 else 0:.0f} messages/s sustained")
    lines = sum(len(records[n]["seen"]) for n in names)
    print(f"lines taken in by the {len(names)} clients: {lines} of {total * len(names)}"
          f" ({lines / seconds if seconds > 0 else 0:.0f} lines/s delivered)")
    print(describe("latency in flight -> acked", in_flight_ms))
    print(describe("latency in flight -> shown at another client", shown_ms))
    print(describe("queued -> acked (includes waiting for the window)", queued_ms))
    print("resends " + ", ".join(f"{n}={records[n]['resends']}" for n in names))
    for n in names:
        seen = records[n]["seen"]
        if len(seen) != total:
            last = seen[-1][0] if seen else 0
            print(f"{n} took in {len(seen)} of {total} lines (the last one numbered {last})")
    if acked_count != total or lines != total * len(names):
        failed = True
    if failed:
        print(f"INCOMPLETE: logs kept in {temp_dir}")
        sys.exit(1)
    if args.keep:
        print(f"logs kept in {temp_dir}")
    else:
        shutil.rmtree(temp_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
