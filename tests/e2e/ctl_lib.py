"""Helpers of the pong-ctl end-to-end tests: a three-server cluster on loopback with ids 1, 2
and 3 (kept up by a supervisor that restarts a server that exits, as systemd's Restart= does),
bots, and pong-ctl calls."""

import json
import os
import subprocess
import threading
import time

import e2e_lib as e2e


class Cluster:
    """Servers 1..n on loopback; restart_exited() brings back a server that exited (its data
    directory kept), like a service manager."""

    def __init__(self, procs, server, temp_dir, port, n=3, extra=()):
        self.procs, self.server, self.temp_dir, self.port = procs, server, temp_dir, port
        self.extra = list(extra)
        self.n = n
        self.by_id = {}
        self.starts = {i: 0 for i in range(1, n + 1)}
        self._stop = threading.Event()
        self._thread = None
        for i in range(1, n + 1):
            self.start(i)

    def start(self, i):
        d = os.path.join(self.temp_dir, f"s{i}")
        self.starts[i] += 1
        p = self.procs.start(
            [self.server, "--id", str(i), "--discovery-address", "127.255.255.255",
             "--discovery-port", str(self.port), "--cluster-size", str(self.n),
             "--control-port", "0", "--client-port", "0", "--log-dir", d,
             "--data-dir", os.path.join(d, "data"), *self.extra],
            os.path.join(self.temp_dir, f"s{i}.out"))
        self.by_id[i] = p
        with open(os.path.join(self.temp_dir, f"pid-{i}"), "w") as f:
            f.write(str(p.pid))

    def supervise(self, delay_s=0.2):
        def loop():
            while not self._stop.is_set():
                for i, p in list(self.by_id.items()):
                    if p.poll() is not None and not self._stop.is_set():
                        time.sleep(delay_s)
                        self.start(i)
                time.sleep(0.05)
        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()

    def stop_supervising(self):
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def server_logs(self):
        return [os.path.join(self.temp_dir, f"s{i}.out") for i in range(1, self.n + 1)]


def start_bots(procs, client, temp_dir, port, n=2, skill=20, timeout_s=90):
    logs = []
    for i in range(1, n + 1):
        log = os.path.join(temp_dir, f"c{i}.log")
        logs.append(log)
        procs.start([client, "--headless", "--bot", "--skill", str(skill), "--no-chat",
                     "--discovery-address", "127.255.255.255", "--discovery-port", str(port),
                     "--quit-after-match", "--timeout-s", str(timeout_s), "--log-file", log],
                    os.path.join(temp_dir, f"c{i}.out"))
    return logs


def ctl(binary, port, *args, key_file=None, timeout_s=30):
    """Runs pong-ctl; returns (exit code, stdout, stderr)."""
    argv = [binary, "--discovery-address", "127.255.255.255", "--discovery-port", str(port)]
    if key_file:
        argv += ["--key-file", key_file]
    r = subprocess.run([*argv, *args], capture_output=True, text=True, timeout=timeout_s)
    return r.returncode, r.stdout, r.stderr


def status(binary, port, key_file=None):
    code, out, err = ctl(binary, port, "status", "--json", key_file=key_file)
    try:
        return code, json.loads(out)
    except json.JSONDecodeError:
        return code, {"error": err.strip()}


def short(i):
    return f"{i:08x}"


def client_exit(path):
    """The client's exit line's fields, or {}."""
    line = e2e.last(e2e.client_events(path), "exit")
    return line[2] if line else {}


def wait_playing(binary, port, key_file=None, timeout_s=20):
    """Waits until status is healthy, one server leads and it seats two players."""
    def playing():
        code, s = status(binary, port, key_file)
        leader = [x for x in s.get("servers", []) if x["leader"]]
        return s if code == 0 and len(leader) == 1 and leader[0]["players"] == 2 else None
    return e2e.wait_for(playing, timeout_s, step_s=0.25)


def check_bots(logs, problems, stall_bound_ms, min_rehomes, timeout_s=90):
    """Waits for the bots to finish; checks the match (one winner, no score back), that none
    rediscovered, re-homed at least min_rehomes times and stalled at most stall_bound_ms.
    Returns each bot's longest stall in ms."""
    done = e2e.wait_for(lambda: all(e2e.last(e2e.client_events(p), "exit") for p in logs),
                        timeout_s, step_s=0.5)
    if not done:
        problems.append("the bots did not finish their match")
    e2e.check_match(logs, problems)
    stalls = []
    for p in logs:
        x = client_exit(p)
        stall = int(x.get("longest_stall_ms", "-1"))
        stalls.append(stall)
        if stall < 0 or stall > stall_bound_ms:
            problems.append(f"{p}: longest stall {stall} ms (bound {stall_bound_ms} ms)")
        if x.get("rediscoveries") != "0":
            problems.append(f"{p}: {x.get('rediscoveries')} rediscoveries")
        if int(x.get("rehomes", "0")) < min_rehomes:
            problems.append(f"{p}: {x.get('rehomes')} re-homes, expected {min_rehomes} or more")
    return stalls
