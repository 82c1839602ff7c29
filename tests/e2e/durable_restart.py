#!/usr/bin/env python3
"""e2e.durable_restart: kill -9 every server at once after two matches; nothing is lost.

Three pong-servers in network namespaces (see netns_lan.py), each with its data directory,
matches to 2 points; two headless bots (alice and bob) that play again after every match.
Once both bots have seen two game overs, every server is killed with SIGKILL at the same
moment and restarted a second later with the very same command lines. Then:
  - sqlite3 on each server's database shows both results (the results table);
  - the bots, still running (never restarted), find the restarted cluster and play a third
    match to its end;
  - every bot saw the same results, and no score ever went back.
Prints how long the bots took to see the restarted cluster.

Without permission to create namespaces the test is skipped (exit 77), except with CI=true,
where it fails."""

import argparse
import os
import secrets
import subprocess
import tempfile
import time

import e2e_lib as e2e
from netns_lan import BROADCAST, Lan, Server, cannot_run, run

TARGET_SCORE = "2"
MATCHES_BEFORE = 2
MATCH_TIMEOUT_S = 60
RESTART_AFTER_S = 1.0
TEST_DEADLINE_S = 170


def game_overs(path):
    return [kv for _, event, kv in e2e.client_events(path) if event == "game-over"]


def first_rehome_after(path, t_us):
    for t, event, _ in e2e.client_events(path):
        if event == "rehome" and t > t_us:
            return t
    return None


def sqlite_results(db):
    r = subprocess.run(["sqlite3", "-cmd", ".timeout 5000", db, "SELECT number, player_left, score_left, score_right, "
                        "player_right, winner FROM results ORDER BY number"],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"sqlite3 {db}: {r.stdout.strip()}")
    return [line.split("|") for line in r.stdout.strip().splitlines() if line]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    if os.geteuid() != 0:
        cannot_run("not root")
    try:
        run("ip", "-V")
    except (OSError, RuntimeError) as e:
        cannot_run(f"no usable 'ip' command: {e}")

    lan = Lan(secrets.token_hex(3))
    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-durable-")
    procs = e2e.Processes()
    problems = []
    try:
        try:
            lan.create()
        except RuntimeError as e:
            lan.destroy()
            cannot_run(str(e))
        servers = {name: Server(procs, args, lan, name, temp_dir, ("--target-score", TARGET_SCORE))
                   for name in ("s1", "s2", "s3")}
        time.sleep(1.0)
        deadline = time.monotonic() + TEST_DEADLINE_S
        logs = [os.path.join(temp_dir, f"{name}.log") for name in ("alice", "bob")]
        bots = [procs.start(["ip", "netns", "exec", lan.hosts["c1"], args.client, "--headless",
                             "--bot", "--skill", str(skill), "--name", name,
                             "--discovery-address", BROADCAST, "--timeout-s",
                             str(TEST_DEADLINE_S), "--log-file", log],
                            os.path.join(temp_dir, f"{name}.out"))
                for name, skill, log in (("alice", 60, logs[0]), ("bob", 20, logs[1]))]
        if not e2e.wait_for(lambda: all(len(game_overs(p)) >= MATCHES_BEFORE for p in logs),
                            MATCHES_BEFORE * MATCH_TIMEOUT_S):
            problems.append(f"the bots did not finish {MATCHES_BEFORE} matches")
            raise StopIteration
        e2e.log(f"both bots saw {MATCHES_BEFORE} game overs: kill -9 every server at once")
        kill_us = e2e.mono_us()
        for s in servers.values():
            s.proc.kill()
        for s in servers.values():
            s.proc.wait()
        time.sleep(RESTART_AFTER_S)
        for s in servers.values():
            s.start()  # The very same command line.
        e2e.log("restarted all three with the same command lines")

        for s in servers.values():
            db = os.path.join(s.data_dir, "server.db")
            rows = e2e.wait_for(lambda db=db: r if len(r := sqlite_results(db)) >= MATCHES_BEFORE
                                else None, 5)
            if not rows:
                problems.append(f"{s.name}: sqlite3 {db} shows {sqlite_results(db)}, "
                                f"not the {MATCHES_BEFORE} results")
                continue
            e2e.log(f"{s.name}: sqlite3 results: {rows}")

        rehomed = e2e.wait_for(lambda: [first_rehome_after(p, kill_us) for p in logs]
                               if all(first_rehome_after(p, kill_us) for p in logs) else None,
                               30)
        if not rehomed:
            problems.append("a bot never saw the restarted cluster")
        else:
            for name, t in zip(("alice", "bob"), rehomed):
                e2e.log(f"{name} re-homed to the restarted cluster {(t - kill_us) / 1000:.0f} ms "
                        "after the kill (restart 1000 ms after it)")
        if not e2e.wait_for(lambda: all(len(game_overs(p)) >= MATCHES_BEFORE + 1 for p in logs),
                            max(1.0, min(MATCH_TIMEOUT_S, deadline - time.monotonic()))):
            problems.append("the bots did not finish a third match after the restart")
        if any(b.poll() is not None for b in bots):
            problems.append("a bot exited: it was meant to keep running across the restart")
        overs = [game_overs(p) for p in logs]
        for k in range(min(len(overs[0]), len(overs[1]))):
            if overs[0][k].get("score") != overs[1][k].get("score"):
                problems.append(f"match {k + 1}: the bots saw different results: "
                                f"{overs[0][k]} vs {overs[1][k]}")
        for path in logs:
            scores = e2e.score_pairs(e2e.client_events(path))
            for a, b in zip(scores, scores[1:]):
                # A new match starts from 0-0; within one, scores only grow.
                if (b[0] < a[0] or b[1] < a[1]) and b != (0, 0):
                    problems.append(f"{path}: score went backwards {a} -> {b}")
        # Every server's database holds the third result too.
        for s in servers.values():
            db = os.path.join(s.data_dir, "server.db")
            if not e2e.wait_for(lambda db=db: len(sqlite_results(db)) >= MATCHES_BEFORE + 1, 5):
                problems.append(f"{s.name}: the third result is not in {db}")
    except StopIteration:
        pass
    finally:
        if problems:
            e2e.dump_logs([os.path.join(temp_dir, f"{n}.log") for n in ("alice", "bob")] +
                          [s.out for s in servers.values()] if "servers" in dir() else [])
        procs.kill_all()
        lan.destroy()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
