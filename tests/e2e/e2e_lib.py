"""Shared helpers for the end-to-end tests: start real pong-server / pong-client processes,
read their logs, and clean everything up even when a check fails.

Every child gets PR_SET_PDEATHSIG=SIGKILL, so if the test itself is killed (a ctest timeout)
no server or bot outlives it. Client log lines carry CLOCK_MONOTONIC microseconds
("mono_us=..."); mono_us() here reads the same clock, so kill-to-resume times can be
computed across processes.
"""

import ctypes
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

SKIP = 77  # ctest SKIP_RETURN_CODE

_libc = ctypes.CDLL(None, use_errno=True)
_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def mono_us():
    return time.monotonic_ns() // 1000


def log(msg):
    print(msg, flush=True)


class Processes:
    """Owns every child process; kill_all() is safe to call more than once."""

    def __init__(self):
        self.procs = []

    def start(self, argv, out_path):
        out = open(out_path, "ab")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                             preexec_fn=_die_with_parent)
        out.close()
        self.procs.append(p)
        return p

    def kill_all(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
        for p in self.procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass


def cannot_run(what, reason):
    """This machine lacks `what`: skip (ctest's SKIP), except in CI, where it must run."""
    if os.environ.get("CI", "").lower() == "true":
        log(f"FAILED: {what} required in CI: {reason}")
        sys.exit(1)
    log(f"SKIPPED: no {what}: {reason}")
    sys.exit(SKIP)


def wait_for(predicate, timeout_s, step_s=0.05):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step_s)
    return predicate()


def read(path):
    try:
        with open(path, "r", errors="replace") as f:
            return f.read()
    except FileNotFoundError:
        return ""


_EVENT = re.compile(r"mono_us=(\d+) event=(\S+)(.*)$")
_KV = re.compile(r"(\w+)=(\S+)")


def client_events(path):
    """[(mono_us, event, {key: value})] from a pong-client log, in order."""
    events = []
    for line in read(path).splitlines():
        m = _EVENT.search(line)
        if m:
            events.append((int(m.group(1)), m.group(2), dict(_KV.findall(m.group(3)))))
    return events


def last(events, name):
    for e in reversed(events):
        if e[1] == name:
            return e
    return None


def score_pairs(events):
    """Every (left, right) score the client logged, in order."""
    out = []
    for _, _, kv in events:
        if "score" in kv:
            left, right = kv["score"].split("-")
            out.append((int(left), int(right)))
    return out


def check_match(client_logs, problems):
    """Both clients saw the same game over with one winner, and scores never went back."""
    overs = []
    for path in client_logs:
        ev = client_events(path)
        over = last(ev, "game-over")
        if over is None:
            problems.append(f"{path}: no game-over line")
            continue
        overs.append(over[2])
        scores = score_pairs(ev)
        for a, b in zip(scores, scores[1:]):
            if b[0] < a[0] or b[1] < a[1]:
                problems.append(f"{path}: score went backwards {a} -> {b}")
        exit_line = last(ev, "exit")
        if exit_line and exit_line[2].get("score_went_backwards") != "no":
            problems.append(f"{path}: client reports score_went_backwards")
    if len(overs) == 2:
        if overs[0]["score"] != overs[1]["score"]:
            problems.append(f"final scores differ: {overs[0]['score']} vs {overs[1]['score']}")
        if overs[0]["winner"] != overs[1]["winner"]:
            problems.append("the clients disagree on the winner")
        if sorted([overs[0]["result"], overs[1]["result"]]) != ["lost", "won"]:
            problems.append(f"expected one winner and one loser, got {overs[0]['result']} and "
                            f"{overs[1]['result']}")
        left, right = (int(x) for x in overs[0]["score"].split("-"))
        if left == right:
            problems.append(f"final score {left}:{right} has no winner")
        log(f"match over: {overs[0]['score']}, {overs[0]['winner']} wins")
    return overs


def server_final_rejected(path):
    """The rejected count from the server's final statistics line, or None."""
    m = None
    for line in read(path).splitlines():
        if " final role=" in line:
            m = re.search(r"rejected=(\d+)", line)
    return int(m.group(1)) if m else None


def summarize(values_ms, label):
    if not values_ms:
        return
    log(f"{label}: n={len(values_ms)} median={statistics.median(values_ms):.0f} ms "
        f"max={max(values_ms):.0f} ms min={min(values_ms):.0f} ms")


def finish(problems, temp_dir):
    if problems:
        log("FAILED:")
        for p in problems:
            log("  " + p)
        log(f"logs kept in {temp_dir}")
        sys.exit(1)
    log("PASSED")
    shutil.rmtree(temp_dir, ignore_errors=True)
    sys.exit(0)


def dump_logs(paths, tail_lines=25):
    for path in paths:
        lines = read(path).splitlines()
        log(f"----- {path} (last {tail_lines} lines)")
        for line in lines[-tail_lines:]:
            log("  " + line)
