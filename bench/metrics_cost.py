#!/usr/bin/env python3
"""What the metrics endpoint costs the leader: three pong-servers on loopback (each with
--metrics-port) and two headless bots playing a long match; the leader's CPU time is read
from /proc over windows of --seconds, alternately without scrapes and with one GET /metrics
every --interval-s (Prometheus's scrape of one target), and printed with the scrape's size and
latency.

  python3 bench/metrics_cost.py --bin build-h/bin [--seconds 30] [--rounds 2] [--interval-s 1]
"""

import argparse
import os
import random
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "e2e"))
import e2e_lib as e2e  # noqa: E402
import metrics_lib as m  # noqa: E402

CLK_TCK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    """(utime + stime from /proc/PID/stat in seconds, on-CPU ns from schedstat in seconds)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    with open(f"/proc/{pid}/schedstat") as f:
        run_ns = int(f.read().split()[0])
    return ticks / CLK_TCK, run_ns / 1e9


def window(pid, seconds, scrape_port, interval_s):
    before, wall0 = cpu_s(pid), time.monotonic()
    latencies, sizes = [], []
    next_at = wall0
    while time.monotonic() - wall0 < seconds:
        if scrape_port:
            t0 = time.monotonic()
            status, body = m.http_get(f"http://127.0.0.1:{scrape_port}/metrics")
            latencies.append(time.monotonic() - t0)
            sizes.append(len(body))
            next_at += interval_s
            time.sleep(max(0.0, next_at - time.monotonic()))
        else:
            time.sleep(0.2)
    after, wall = cpu_s(pid), time.monotonic() - wall0
    return ((after[0] - before[0]) / wall, (after[1] - before[1]) / wall, latencies, sizes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True, help="directory holding pong-server and pong-client")
    ap.add_argument("--seconds", type=float, default=30)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--interval-s", type=float, default=1.0)
    args = ap.parse_args()
    server = os.path.join(args.bin, "pong-server")
    client = os.path.join(args.bin, "pong-client")
    temp_dir = tempfile.mkdtemp(prefix="dp-metrics-cost-")
    port = random.randint(20000, 39999)
    ports = [m.free_tcp_port() for _ in range(3)]
    procs = e2e.Processes()
    try:
        servers = m.start_cluster(procs, server, temp_dir, port, ports, ["--target-score", "99"])
        for i in range(2):
            procs.start([client, "--headless", "--bot", "--skill", "90", "--no-chat",
                         "--discovery-address", "127.255.255.255", "--discovery-port", str(port),
                         "--timeout-s", "3600"], os.path.join(temp_dir, f"c{i + 1}.out"))

        def leader():
            for i, p in enumerate(ports):
                s = m.scrape(p)
                if (s and m.value(s, "dp_is_leader") == 1
                        and m.value(s, "dp_players", game="pong") == 2):
                    return i + 1
            return None

        n = e2e.wait_for(leader, 20, step_s=0.5)
        if not n:
            print("no leader with two players", file=sys.stderr)
            return 1
        pid, lport = servers[n - 1].pid, ports[n - 1]
        time.sleep(2)
        print(f"leader: server {n} (pid {pid}, metrics port {lport}); windows of "
              f"{args.seconds:.0f} s; CPU as a fraction of one core (/proc stat, schedstat)")
        for r in range(args.rounds):
            for scraping in (False, True):
                stat, sched, lat, sizes = window(pid, args.seconds, lport if scraping else 0,
                                                 args.interval_s)
                what = f"scrape every {args.interval_s:g} s" if scraping else "no scrape"
                extra = ""
                if lat:
                    lat.sort()
                    extra = (f"; {len(lat)} scrapes of {sizes[-1]} bytes, latency median "
                             f"{lat[len(lat) // 2] * 1000:.2f} ms max {lat[-1] * 1000:.2f} ms")
                print(f"round {r + 1}, {what:>18}: stat {stat * 100:.2f}%  "
                      f"schedstat {sched * 100:.3f}%{extra}", flush=True)
    finally:
        procs.kill_all()
    return 0


if __name__ == "__main__":
    sys.exit(main())
