#!/usr/bin/env python3
"""e2e.loopback_match: three pong-servers and two headless bots on one host (127.0.0.1,
broadcast to 127.255.255.255 on a random discovery port) play a full match to a winner."""

import argparse
import os
import random
import tempfile
import time

import e2e_lib as e2e

MATCH_TIMEOUT_S = 75


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-loopback-")
    port = random.randint(20000, 39999)
    procs = e2e.Processes()
    problems = []
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    try:
        servers = []
        for i in range(3):
            d = os.path.join(temp_dir, f"s{i + 1}")
            servers.append(procs.start([args.server, *common, "--control-port", "0",
                                        "--client-port", "0", "--log-dir", d, "--data-dir",
                                        os.path.join(d, "data")],
                                       os.path.join(temp_dir, f"s{i + 1}.out")))
        time.sleep(0.5)
        client_logs = [os.path.join(temp_dir, f"c{i + 1}.log") for i in range(2)]
        clients = []
        for i, skill in enumerate((25, 10)):
            clients.append(procs.start(
                [args.client, "--headless", "--bot", "--skill", str(skill), *common,
                 "--quit-after-match", "--timeout-s", str(MATCH_TIMEOUT_S),
                 "--log-file", client_logs[i]],
                os.path.join(temp_dir, f"c{i + 1}.out")))
        for i, c in enumerate(clients):
            try:
                code = c.wait(timeout=MATCH_TIMEOUT_S + 10)
            except Exception:
                code = None
            if code != 0:
                problems.append(f"client {i + 1} exited with {code} (0 expected)")
        for i, s in enumerate(servers):
            if s.poll() is not None:
                problems.append(f"server {i + 1} died with {s.returncode}")
        e2e.check_match(client_logs, problems)
        if problems:
            e2e.dump_logs(client_logs + [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)])
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
