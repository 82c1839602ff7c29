#!/usr/bin/env python3
"""e2e.ctl_move_leader: pong-ctl against a live keyed three-server cluster (ids 1-3, one
cluster key) while two bots play a match.

  - `pong-ctl status --json` names one leader (node 3, the highest id) and each follower's lag;
    without the key no server answers it (exit 1).
  - `move-leader 1`, then `move-leader 2`, hand over mid-match: each returns 0 once the chosen
    server leads; `drain 2` hands over again and leaves 2 draining; `move-leader 2` is then
    refused.
  - The match finishes with one winner, no score ever went backwards, no client had to
    rediscover the cluster, and no client stalled longer than STALL_BOUND_MS (a failover takes
    250 ms or more; a hand-over a few tens of milliseconds).
Prints the hand-over times pong-ctl measured and each client's longest stall."""

import argparse
import os
import random
import re
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
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-ctl-")
    port = random.randint(20000, 39999)
    key = os.path.join(temp_dir, "cluster.key")
    subprocess.run([args.server, "keygen", "--out", key], check=True, capture_output=True)
    procs = e2e.Processes()
    problems = []
    try:
        cluster = c.Cluster(procs, args.server, temp_dir, port,
                            extra=["--key-file", key, "--target-score", "9"])
        time.sleep(1.0)
        logs = c.start_bots(procs, args.client, temp_dir, port)

        s = c.wait_playing(args.ctl, port, key)
        if not s:
            problems.append(f"no healthy cluster with two players seated: {c.status(args.ctl, port, key)}")
            raise RuntimeError
        leaders = [x for x in s["servers"] if x["leader"]]
        e2e.log(f"status: {len(s['servers'])} servers, leader {leaders[0]['short_id']}")
        if leaders[0]["short_id"] != c.short(3) or s["leader"] != leaders[0]["id"]:
            problems.append(f"expected node 3 to lead, got {s['leader']}")
        for x in s["servers"]:
            if not isinstance(x.get("lag"), int):
                problems.append(f"server {x['short_id']} has no lag: {x.get('lag')}")
            if x["role"] not in ("leading", "following"):
                problems.append(f"server {x['short_id']} is {x['role']}")
        code, out, err = c.ctl(args.ctl, port, "status")
        if code == 0 or "key" not in err:
            problems.append(f"status without the key: exit {code}, {err.strip()!r}")

        handovers = []
        for target in ("1", "2"):
            time.sleep(1.0)
            code, out, err = c.ctl(args.ctl, port, "move-leader", target, key_file=key)
            e2e.log(f"move-leader {target}: exit {code}: {out.strip()}{err.strip()}")
            m = re.search(r"([\d.]+) ms after the request", out)
            if code != 0 or not m:
                problems.append(f"move-leader {target} failed: {out}{err}")
            else:
                handovers.append(float(m.group(1)))
        time.sleep(1.0)
        code, out, err = c.ctl(args.ctl, port, "drain", "2", key_file=key)
        e2e.log(f"drain 2: exit {code}: {out.strip()}{err.strip()}")
        if code != 0 or "handed over" not in out:
            problems.append(f"drain 2 failed: {out}{err}")
        code, s = c.status(args.ctl, port, key)
        two = next((x for x in s.get("servers", []) if x["short_id"] == c.short(2)), {})
        if not two.get("draining") or two.get("leader"):
            problems.append(f"after drain, server 2 is {two}")
        code, out, err = c.ctl(args.ctl, port, "move-leader", "2", key_file=key)
        if code == 0 or "draining" not in err:
            problems.append(f"move-leader to a draining server: exit {code}, {err.strip()!r}")

        stalls = c.check_bots(logs, problems, STALL_BOUND_MS, min_rehomes=3)
        e2e.log(f"hand-over as pong-ctl saw it (request to the new leader's status): "
                f"{', '.join(f'{h:.1f} ms' for h in handovers)}")
        e2e.log(f"longest stall per client over the match: {stalls} ms")
        for i, p in cluster.by_id.items():
            if p.poll() is not None:
                problems.append(f"server {i} exited with {p.returncode}")
    except RuntimeError:
        pass
    finally:
        if problems:
            e2e.dump_logs([os.path.join(temp_dir, f"s{i}.out") for i in (1, 2, 3)])
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
