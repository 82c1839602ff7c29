#!/usr/bin/env python3
"""e2e.garbage: hostile datagrams at every port of a running cluster while two bots play.

Three pong-servers on loopback; while the match runs, a sender throws at every discovery,
control and client port (and at the bots' own sockets): the seed's killer, the 3-byte
datagram b"[1]"; empty and random datagrams; every truncation and random bit flips of a real
datagram captured from the cluster's discovery broadcasts; and oversized ones (1201 bytes
up to 60000). The match must still finish with a winner, every server must still be
running, and each server's final statistics must report rejected datagrams."""

import argparse
import os
import random
import re
import socket
import tempfile
import time

import e2e_lib as e2e

MATCH_TIMEOUT_S = 75
GARBAGE_SECONDS = 8


def capture_real_datagram(port, timeout_s):
    """A genuine datagram from the cluster: a discovery broadcast some server sends."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", port))
    s.settimeout(timeout_s)
    try:
        data, _ = s.recvfrom(4096)
        return data
    except socket.timeout:
        return None
    finally:
        s.close()


def payloads(rng, real):
    out = [b"[1]", b"", b"\x01", b"\x00" * 16, b"\xff" * 64]
    out += [bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 1200))) for _ in range(40)]
    out += [bytes(rng.getrandbits(8) for _ in range(n)) for n in (1201, 1500, 2048, 2049, 4000,
                                                                 9000, 60000)]
    if real:
        out += [real[:n] for n in range(len(real))]  # Every truncation.
        for _ in range(60):
            b = bytearray(real)
            for _ in range(rng.randint(1, 4)):
                i = rng.randrange(len(b))
                b[i] ^= 1 << rng.randrange(8)
            out.append(bytes(b))
        out.append(real + bytes(rng.getrandbits(8) for _ in range(1300)))  # Oversized real.
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-garbage-")
    port = random.randint(20000, 39999)
    rng = random.Random(port)
    procs = e2e.Processes()
    problems = []
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    server_outs = [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)]
    try:
        servers = [procs.start([args.server, *common, "--control-port", "0", "--client-port",
                                "0", "--log-dir", os.path.join(temp_dir, f"s{i + 1}"), "--data-dir",
                                os.path.join(temp_dir, f"s{i + 1}", "data")],
                               server_outs[i]) for i in range(3)]
        real = capture_real_datagram(port, 3.0)
        if real is None:
            problems.append("no discovery broadcast captured from the cluster")
        targets = {port}
        for out in server_outs:
            m = e2e.wait_for(lambda out=out: re.search(
                r"control=[\d.]+:(\d+) client=[\d.]+:(\d+)", e2e.read(out)), 5)
            if not m:
                problems.append(f"{out}: no endpoints line")
                continue
            targets.update(int(p) for p in m.groups())

        client_logs = [os.path.join(temp_dir, f"c{i + 1}.log") for i in range(2)]
        clients = [procs.start([args.client, "--headless", "--bot", "--skill", str(skill),
                                *common, "--quit-after-match", "--timeout-s",
                                str(MATCH_TIMEOUT_S), "--log-file", client_logs[i]],
                               os.path.join(temp_dir, f"c{i + 1}.out"))
                   for i, skill in enumerate((25, 10))]
        for path in client_logs:
            m = e2e.wait_for(lambda path=path: re.search(r"client=[\d.]+:(\d+)", e2e.read(path)), 5)
            if m:
                targets.add(int(m.group(1)))

        # Throw garbage while the match runs, at a pace that leaves the loop time to play.
        batch = payloads(rng, real)
        sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sender.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
        sent = 0
        deadline = time.monotonic() + GARBAGE_SECONDS
        while time.monotonic() < deadline:
            for target in sorted(targets):
                for data in batch[rng.randrange(len(batch)):][:20]:
                    try:
                        sender.sendto(data, ("127.0.0.1", target))
                        sent += 1
                    except OSError:
                        pass  # EMSGSIZE for the 60000-byte one on some hosts.
            time.sleep(0.02)
        sender.close()
        e2e.log(f"sent {sent} hostile datagrams to ports {sorted(targets)}")

        for i, c in enumerate(clients):
            try:
                code = c.wait(timeout=MATCH_TIMEOUT_S + 10)
            except Exception:
                code = None
            if code != 0:
                problems.append(f"client {i + 1} exited with {code} (0 expected)")
        e2e.check_match(client_logs, problems)
        for i, s in enumerate(servers):
            if s.poll() is not None:
                problems.append(f"server {i + 1} died with {s.returncode} under garbage")
            else:
                s.terminate()
        for i, s in enumerate(servers):
            try:
                s.wait(timeout=5)
            except Exception:
                problems.append(f"server {i + 1} did not stop on SIGTERM")
            rejected = e2e.server_final_rejected(server_outs[i])
            e2e.log(f"server {i + 1}: rejected={rejected}")
            if rejected is None or rejected == 0:
                problems.append(f"server {i + 1} reports no rejected datagrams")
        if problems:
            e2e.dump_logs(client_logs + server_outs)
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
