#!/usr/bin/env python3
"""e2e.race_leader_kill: three pong-servers and two headless racing bots on loopback race in
one racing room; 3 s after GO the leader gets SIGKILL. The race must finish on the new leader:
both racers see one committed result, each racer's score never goes back in either racer's
log, and both re-home to the new leader (the failover as racers see it is printed)."""

import argparse
import os
import random
import tempfile
import time

import e2e_lib as e2e

RACE_TIMEOUT_S = 160


def racer_scores(events):
    """Every score line as a tuple of per-racer scores, in order."""
    out = []
    for _, _, kv in events:
        if "score" in kv:
            out.append(tuple(int(x) for x in kv["score"].split("-")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-race-")
    port = random.randint(20000, 39000)
    control = [port + 100 + i for i in range(3)]
    procs = e2e.Processes()
    problems = []
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    try:
        servers = []
        for i in range(3):
            d = os.path.join(temp_dir, f"s{i + 1}")
            servers.append(procs.start([args.server, *common, "--control-port", str(control[i]),
                                        "--client-port", "0", "--log-dir", d, "--data-dir",
                                        os.path.join(d, "data")],
                                       os.path.join(temp_dir, f"s{i + 1}.out")))
        time.sleep(0.5)
        logs = [os.path.join(temp_dir, f"c{i + 1}.log") for i in range(2)]
        clients = [procs.start([args.client, "--headless", "--bot", "--game", "racing",
                                "--skill", str(70 - 10 * i), "--name", f"racer{i + 1}", *common,
                                "--quit-after-match", "--timeout-s", str(RACE_TIMEOUT_S),
                                "--log-file", logs[i]], os.path.join(temp_dir, f"c{i + 1}.out"))
                   for i in range(2)]
        go = e2e.wait_for(lambda: all(any(e[1] == "phase" and e[2].get("phase") == "playing"
                                          for e in e2e.client_events(p)) for p in logs), 20)
        if not go:
            problems.append("the race never started (no 'playing' phase in both logs)")
        else:
            time.sleep(3)
            join = e2e.last(e2e.client_events(logs[0]), "join")
            leader_port = int(join[2]["leader_control"].rsplit(":", 1)[1]) if join else -1
            if leader_port not in control:
                problems.append(f"cannot tell the leader from {join}")
            else:
                leader = control.index(leader_port)
                e2e.log(f"race running: kill -9 the leader, server {leader + 1}")
                kill_us = e2e.mono_us()
                servers[leader].kill()
                for i, c in enumerate(clients):
                    try:
                        code = c.wait(timeout=RACE_TIMEOUT_S + 10)
                    except Exception:
                        code = None
                    if code != 0:
                        problems.append(f"racer {i + 1} exited with {code} (0 expected)")
                finals = []
                for i, p in enumerate(logs):
                    ev = e2e.client_events(p)
                    rehome = next((e for e in ev if e[1] == "rehome" and e[0] > kill_us), None)
                    if rehome is None:
                        problems.append(f"racer {i + 1} never re-homed after the kill")
                    else:
                        e2e.log(f"racer {i + 1} saw the new leader "
                                f"{(rehome[0] - kill_us) / 1000:.0f} ms after the kill")
                    scores = racer_scores(ev)
                    for a, b in zip(scores, scores[1:]):
                        if len(a) == len(b) and any(y < x for x, y in zip(a, b)):
                            problems.append(f"racer {i + 1} saw a score go back: {a} -> {b}")
                    over = e2e.last(ev, "game-over")
                    if over is None:
                        problems.append(f"racer {i + 1} saw no result")
                    else:
                        finals.append((over[2].get("winner"), over[2].get("score")))
                if len(finals) == 2 and finals[0] != finals[1]:
                    problems.append(f"the racers saw different results: {finals}")
                elif len(finals) == 2:
                    e2e.log(f"race finished on the new leader: winner {finals[0][0]}, "
                            f"scores {finals[0][1]}")
        if problems:
            e2e.dump_logs(logs + [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)])
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
