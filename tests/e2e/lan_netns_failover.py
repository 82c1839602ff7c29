#!/usr/bin/env python3
"""e2e.lan_netns_failover: a LAN made of network namespaces, and kill -9 of the leader.

Creates five namespaces with a random suffix: dp-br-<s> holds a bridge; dp-s1/2/3-<s> each
run one pong-server on the default ports; dp-c1-<s> runs two headless bots. Each host gets a
veth into the bridge namespace and an address in 10.77.0.0/24 that exists only inside these
namespaces (the host's own interfaces are never touched). Discovery goes to 10.77.0.255.

Once a match is under way the test repeatedly finds the leader (the epoch of the newest
state a client shows), kill -9s it, restarts it a moment later (same id and state file, so
the cluster stays three strong), and measures for each client the time from the kill to its
first state from the new leader (both read CLOCK_MONOTONIC). It does that KILLS_WANTED times,
across as many matches as it takes; every match must end with one winner and monotonic
scores. Prints each failover and the median and max.

Without permission to create namespaces the test is skipped (exit 77), except with CI=true,
where it fails."""

import argparse
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time

import e2e_lib as e2e
from netns_lan import BROADCAST, Lan, Server, cannot_run, run

KILLS_WANTED = 5
MATCHES_MAX = 4
KILL_SPACING_S = 2.5  # Between kills: lets the restarted server rejoin and catch up.
RESTART_AFTER_S = 0.5
REHOME_TIMEOUT_S = 5.0
MATCH_TIMEOUT_S = 90
TEST_DEADLINE_S = 150
def shown_leader(client_logs):
    """The short id of the leader whose state a client showed last (newest line wins)."""
    best = None
    for path in client_logs:
        for t, _, kv in e2e.client_events(path):
            if "epoch" in kv and (best is None or t > best[0]):
                best = (t, kv["epoch"].split("/")[1])
    return best[1] if best else None


def phase_of(path):
    ev = e2e.client_events(path)
    p = e2e.last(ev, "phase")
    return p[2]["phase"] if p else None


def first_rehome_after(path, t_us):
    for t, event, _ in e2e.client_events(path):
        if event == "rehome" and t > t_us:
            return t
    return None


def play_match(args, procs, lan, servers, temp_dir, match_no, kills_left, failovers, problems,
               deadline):
    logs = [os.path.join(temp_dir, f"m{match_no}-c{i + 1}.log") for i in range(2)]
    clients = [procs.start(["ip", "netns", "exec", lan.hosts["c1"], args.client, "--headless",
                            "--bot", "--skill", str(skill), "--discovery-address", BROADCAST,
                            "--quit-after-match", "--timeout-s", str(MATCH_TIMEOUT_S),
                            "--log-file", logs[i]],
                           os.path.join(temp_dir, f"m{match_no}-c{i + 1}.out"))
               for i, skill in enumerate((35, 25))]
    if not e2e.wait_for(lambda: all(phase_of(p) in ("countdown", "playing") for p in logs), 10):
        problems.append(f"match {match_no}: did not start")
        e2e.dump_logs(logs + [s.out for s in servers.values()])
        return 0
    kills = 0
    last_kill = time.monotonic() - KILL_SPACING_S + 1.0  # First kill a second into the match.
    while kills < kills_left and time.monotonic() < deadline:
        if any(c.poll() is not None for c in clients):
            break  # The match is over.
        if time.monotonic() - last_kill < KILL_SPACING_S or not all(s.alive() for s in
                                                                     servers.values()):
            time.sleep(0.05)
            continue
        if not all(phase_of(p) in ("countdown", "playing") for p in logs):
            time.sleep(0.05)
            continue
        leader = shown_leader(logs)
        victim = next((s for s in servers.values() if s.short == leader), None)
        if victim is None:
            problems.append(f"match {match_no}: leader {leader} is none of our servers")
            break
        kill_us = e2e.mono_us()
        victim.proc.kill()  # SIGKILL: no handover, the leader just vanishes.
        victim.proc.wait()
        last_kill = time.monotonic()
        kills += 1
        e2e.log(f"match {match_no}: kill -9 leader {victim.name} ({leader})")
        time.sleep(RESTART_AFTER_S)
        victim.start()
        got = e2e.wait_for(lambda: [first_rehome_after(p, kill_us) for p in logs]
                           if all(first_rehome_after(p, kill_us) for p in logs) else None,
                           REHOME_TIMEOUT_S)
        if not got:
            if any(c.poll() is not None for c in clients):
                e2e.log("  the match ended before both clients re-homed; kill not counted")
                kills -= 1
                break
            problems.append(f"match {match_no}: a client never re-homed after the kill")
            break
        for i, t in enumerate(got):
            ms = (t - kill_us) / 1000.0
            failovers.append(ms)
            e2e.log(f"  client {i + 1}: first state from the new leader {ms:.0f} ms after the kill")
    for i, c in enumerate(clients):
        try:
            code = c.wait(timeout=max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            code = None
        if code != 0:
            problems.append(f"match {match_no}: client {i + 1} exited with {code} (0 expected)")
    e2e.check_match(logs, problems)
    if problems:
        e2e.dump_logs(logs + [s.out for s in servers.values()])
    return kills


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
    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-netns-")
    procs = e2e.Processes()
    problems = []
    failovers = []
    try:
        try:
            lan.create()
        except RuntimeError as e:
            lan.destroy()
            cannot_run(str(e))
        e2e.log(f"namespaces: {lan.bridge} {' '.join(lan.hosts.values())}")
        servers = {name: Server(procs, args, lan, name, temp_dir) for name in ("s1", "s2", "s3")}
        time.sleep(1.0)  # Discovery window and the first election.
        deadline = time.monotonic() + TEST_DEADLINE_S
        kills = 0
        for match_no in range(1, MATCHES_MAX + 1):
            if kills >= KILLS_WANTED or problems or time.monotonic() > deadline:
                break
            kills += play_match(args, procs, lan, servers, temp_dir, match_no,
                                KILLS_WANTED - kills, failovers, problems, deadline)
        if kills < KILLS_WANTED and not problems:
            problems.append(f"only {kills} kills measured ({KILLS_WANTED} wanted)")
        if failovers:
            e2e.log(f"failover over {kills} kills x 2 clients (kill -9 -> first state from the "
                    f"new leader): median {statistics.median(failovers):.0f} ms, "
                    f"max {max(failovers):.0f} ms")
    finally:
        procs.kill_all()
        lan.destroy()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
