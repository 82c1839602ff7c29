#!/usr/bin/env python3
"""e2e.rolling_restart: scripts/rolling-restart.sh restarts every server of a live
three-server cluster (ids 1-3) in turn while two bots play a match: each is drained
(pong-ctl drain), stopped with SIGTERM and started again by this test's supervisor (as
systemd's Restart= would), and waited for until the cluster is healthy. The followers go
first, the leader last, so the leadership moves once, by a hand-over.

It checks: the script exits 0 and every server really restarted; the match finishes with one
winner and no score ever went backwards; no client had to rediscover the cluster; no client
stalled longer than STALL_BOUND_MS (a failover takes 250 ms or more; one clean hand-over a few
tens of milliseconds). Prints the script's log and each client's longest stall."""

import argparse
import os
import random
import subprocess
import tempfile
import time

import ctl_lib as c
import e2e_lib as e2e

STALL_BOUND_MS = 200


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    ap.add_argument("--ctl", required=True)
    ap.add_argument("--script", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-rolling-")
    port = random.randint(20000, 39999)
    procs = e2e.Processes()
    problems = []
    cluster = None
    try:
        cluster = c.Cluster(procs, args.server, temp_dir, port, extra=["--target-score", "9"])
        cluster.supervise()
        time.sleep(1.0)
        logs = c.start_bots(procs, args.client, temp_dir, port)

        if not c.wait_playing(args.ctl, port):
            problems.append(f"no healthy cluster with two players seated: {c.status(args.ctl, port)}")
            raise RuntimeError
        time.sleep(1.0)
        restart = f"kill -TERM $(cat {temp_dir}/pid-{{id}})"
        started = time.monotonic()
        r = subprocess.run(["bash", args.script, "--ctl", args.ctl, "--restart", restart,
                            "--wait-s", "30", "--", "--discovery-address", "127.255.255.255",
                            "--discovery-port", str(port)],
                           capture_output=True, text=True, timeout=150)
        took = time.monotonic() - started
        restart_done_us = e2e.mono_us()
        for line in (r.stdout + r.stderr).splitlines():
            e2e.log("  | " + line)
        if r.returncode != 0:
            problems.append(f"rolling-restart.sh exited {r.returncode}")
        for i in (1, 2, 3):
            if cluster.starts[i] != 2:
                problems.append(f"server {i} was started {cluster.starts[i]} times, not twice")
        code, s = c.status(args.ctl, port)
        if code != 0:
            problems.append(f"the cluster is not healthy after the restart: {s}")

        stalls = c.check_bots(logs, problems, STALL_BOUND_MS, min_rehomes=1, timeout_s=120)
        # The match must have run through the whole restart.
        for p in logs:
            over = e2e.last(e2e.client_events(p), "game-over")
            if over and over[0] < restart_done_us:
                problems.append(f"{p}: the match was over before the restart finished")
        e2e.log(f"rolling restart of 3 servers: {took:.1f} s; longest stall per client over the "
                f"match: {stalls} ms")
    except RuntimeError:
        pass
    finally:
        if cluster:
            cluster.stop_supervising()
        if problems:
            e2e.dump_logs([os.path.join(temp_dir, f"s{i}.out") for i in (1, 2, 3)])
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
