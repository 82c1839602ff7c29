#!/usr/bin/env python3
"""e2e.spectators_follower_kill: three pong-servers, two headless bots playing and ten headless
spectators (--watch "") on loopback. The spectators are served by the followers; one follower
that serves some of them gets SIGKILL. Every spectator must keep watching (states from another
server within 3 s of the kill), and the players must not notice (no re-home, no stall)."""

import argparse
import os
import random
import tempfile
import time

import e2e_lib as e2e

SPECTATORS = 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-spectators-")
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
                                        "--client-port", "0", "--target-score", "20",
                                        "--log-dir", d, "--data-dir", os.path.join(d, "data")],
                                       os.path.join(temp_dir, f"s{i + 1}.out")))
        time.sleep(0.5)
        players = [os.path.join(temp_dir, f"p{i + 1}.log") for i in range(2)]
        for i, log in enumerate(players):
            procs.start([args.client, "--headless", "--bot", "--skill", "95", *common,
                         "--timeout-s", "60", "--log-file", log],
                        os.path.join(temp_dir, f"p{i + 1}.out"))
        watchers = [os.path.join(temp_dir, f"w{i + 1}.log") for i in range(SPECTATORS)]
        for i, log in enumerate(watchers):
            procs.start([args.client, "--headless", "--watch", "", *common, "--timeout-s", "60",
                         "--log-file", log], os.path.join(temp_dir, f"w{i + 1}.out"))

        def serving():
            """The control port of the server each spectator watches from (its last 'watch' line)."""
            out = []
            for log in watchers:
                ev = [e for e in e2e.client_events(log) if e[1] == "watch"]
                out.append(int(ev[-1][2]["server_control"].rsplit(":", 1)[1]) if ev else None)
            return out

        if not e2e.wait_for(lambda: all(serving()), 20):
            problems.append(f"not every spectator was shown a room: {serving()}")
        else:
            time.sleep(2)
            by_server = serving()
            leader_port = int(e2e.last(e2e.client_events(players[0]), "join")[2]["leader_control"]
                              .rsplit(":", 1)[1])
            if leader_port in by_server:
                problems.append("a spectator is served by the leader of a three-server cluster")
            victim_port = max(set(by_server), key=by_server.count)
            victim = control.index(victim_port)
            moved = [i for i, p in enumerate(by_server) if p == victim_port]
            e2e.log(f"spectators per server: {[by_server.count(p) for p in control]}; "
                    f"kill -9 follower {victim + 1}, which serves {len(moved)}")
            kill_us = e2e.mono_us()
            servers[victim].kill()
            time.sleep(4)
            for i in moved:
                ev = e2e.client_events(watchers[i])
                after = [e for e in ev if e[0] > kill_us and e[1] == "watch"]
                if not after:
                    problems.append(f"spectator {i + 1} found no other server after the kill")
                else:
                    e2e.log(f"spectator {i + 1} watches again {(after[0][0] - kill_us) / 1000:.0f}"
                            " ms after the kill")
            now_serving = serving()
            for i in moved:
                if now_serving[i] in (victim_port, None):
                    problems.append(f"spectator {i + 1} still watches the dead follower")
            for i, log in enumerate(players):
                if any(e[1] == "rehome" for e in e2e.client_events(log)):
                    problems.append(f"player {i + 1} re-homed: the players noticed the kill")
            e2e.log(f"{len(moved)} spectators moved to {sorted(set(now_serving[i] for i in moved))}"
                    " and kept watching; the players never re-homed")
        if problems:
            e2e.dump_logs(watchers[:3] + players + [os.path.join(temp_dir, f"s{i + 1}.out")
                                                    for i in range(3)])
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
