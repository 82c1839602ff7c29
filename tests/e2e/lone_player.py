#!/usr/bin/env python3
"""e2e.lone_player: a player alone in a room waits for an opponent for as long as it takes.
Three pong-servers and one headless bot on loopback; after 30 s the bot must still be seated
in its waiting room (a waiting client sends keepalives, so the forfeit timer never fires),
and then a second bot joins that very room and the match starts."""

import argparse
import os
import random
import tempfile
import time

import e2e_lib as e2e

WAIT_S = 30


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-lone-")
    port = random.randint(20000, 39000)
    procs = e2e.Processes()
    problems = []
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    try:
        for i in range(3):
            d = os.path.join(temp_dir, f"s{i + 1}")
            procs.start([args.server, *common, "--control-port", "0", "--client-port", "0",
                         "--log-dir", d, "--data-dir", os.path.join(d, "data")],
                        os.path.join(temp_dir, f"s{i + 1}.out"))
        time.sleep(0.5)
        logs = [os.path.join(temp_dir, f"c{i + 1}.log") for i in range(2)]
        procs.start([args.client, "--headless", "--bot", *common, "--room", "alone",
                     "--timeout-s", str(WAIT_S + 30), "--log-file", logs[0]],
                    os.path.join(temp_dir, "c1.out"))
        if not e2e.wait_for(lambda: e2e.last(e2e.client_events(logs[0]), "join"), 10):
            problems.append("the lone player never got a seat")
        else:
            e2e.log(f"the lone player sits in room 'alone'; waiting {WAIT_S} s")
            time.sleep(WAIT_S)
            ev = e2e.client_events(logs[0])
            phases = [e[2].get("phase") for e in ev if e[1] == "phase"]
            if phases[-1:] != ["waiting"] or "closed" in phases:
                problems.append(f"after {WAIT_S} s the lone player's phases were {phases}")
            else:
                e2e.log(f"still seated and waiting after {WAIT_S} s")
            room = e2e.last(ev, "join")[2]["room"]
            procs.start([args.client, "--headless", "--bot", *common, "--room", "alone",
                         "--timeout-s", "20", "--log-file", logs[1]],
                        os.path.join(temp_dir, "c2.out"))
            started = e2e.wait_for(
                lambda: any(e[1] == "phase" and e[2].get("phase") == "countdown"
                            for e in e2e.client_events(logs[0])), 10)
            joined = e2e.last(e2e.client_events(logs[1]), "join")
            if not started or joined is None or joined[2]["room"] != room:
                problems.append("the second player did not start a match with the first")
            else:
                e2e.log(f"an opponent joined room {room}: the match starts")
        if problems:
            e2e.dump_logs(logs + [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)])
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
