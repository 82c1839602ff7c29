#!/usr/bin/env python3
"""wire.wireshark_dissector: tshark with scripts/wireshark/pong.lua names every message type.

1. wire_sample_pcap writes one datagram of every type this version ships (the real codec);
   tshark must dissect each as Distributed Pong with its own type name, in order, without a
   Lua error or a malformed packet.
2. `pong-sim run scenarios/move-leader.toml --pcap` (a match, hand-overs, an operator's
   requests): every packet of the capture is dissected as Distributed Pong, with the header
   fields (type, sender, epoch term) and, for the replication stream, its seq.
Skipped (77) without tshark, except in CI (CI=true), where it fails."""

import os
import subprocess
import sys
import tempfile


def tshark(lua, pcap, *fields):
    argv = ["tshark", "-X", f"lua_script:{lua}", "-r", pcap, "-T", "fields"]
    for f in fields:
        argv += ["-e", f]
    r = subprocess.run(argv, capture_output=True, text=True)
    return r.returncode, [line.split("\t") for line in r.stdout.splitlines()], r.stderr


def main():
    sample_tool, sim, lua, scenario = sys.argv[1:5]
    if subprocess.run(["sh", "-c", "command -v tshark"], capture_output=True).returncode != 0:
        if os.environ.get("CI", "").lower() == "true":
            print("FAILED: tshark is required in CI (apt-get install tshark)")
            sys.exit(1)
        print("SKIPPED: no tshark (apt-get install tshark)")
        sys.exit(77)
    problems = []
    with tempfile.TemporaryDirectory() as d:
        sample = os.path.join(d, "every-type.pcap")
        r = subprocess.run([sample_tool, sample], capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"wire_sample_pcap failed: {r.stdout}{r.stderr}")
        shipped = int(r.stdout.split()[0]) if r.stdout else 0
        code, rows, err = tshark(lua, sample, "pong.type", "pong.type_name", "_ws.malformed")
        if code != 0 or "Lua" in err or "rror" in err:
            problems.append(f"tshark on the sample: exit {code}: {err.strip()[:500]}")
        names = [row[1] for row in rows if len(row) > 1]
        print(f"every type: {shipped} datagrams, {len(names)} dissected: {' '.join(names)}")
        if len(names) != shipped or shipped < 40:
            problems.append(f"{len(names)} of {shipped} sample datagrams dissected")
        for row in rows:
            if len(row) < 2 or not row[1] or row[1].startswith("type-"):
                problems.append(f"a type without its name: {row}")
            if len(row) > 2 and row[2]:
                problems.append(f"malformed: {row}")
        if len(set(names)) != len(names):
            problems.append("two sample datagrams got the same name")

        capture = os.path.join(d, "run.pcap")
        r = subprocess.run([sim, "run", scenario, "--quiet", "--pcap", capture],
                           capture_output=True, text=True)
        if r.returncode != 0:
            problems.append(f"pong-sim --pcap failed: {r.stdout}{r.stderr}")
        code, rows, err = tshark(lua, capture, "frame.number", "pong.type_name", "pong.term",
                                 "pong.sender", "_ws.malformed")
        if code != 0 or "Lua" in err:
            problems.append(f"tshark on the run: exit {code}: {err.strip()[:500]}")
        undecoded = [row for row in rows if len(row) < 4 or not row[1] or not row[3]]
        malformed = [row for row in rows if len(row) > 4 and row[4]]
        types = sorted({row[1] for row in rows if len(row) > 1 and row[1]})
        print(f"run: {len(rows)} packets, {len(undecoded)} not dissected, types: {' '.join(types)}")
        if not rows or undecoded:
            problems.append(f"{len(undecoded)} of {len(rows)} packets not dissected: {undecoded[:3]}")
        if malformed:
            problems.append(f"{len(malformed)} malformed packets: {malformed[:3]}")
        code, rows, err = tshark(lua, capture, "pong.seq")
        if not any(row and row[0] for row in rows):
            problems.append("no replication seq dissected in the run")
        for needed in ("hand-over", "ctl-request", "replicate", "room-state", "heartbeat"):
            if needed not in types:
                problems.append(f"no {needed} in the run's capture")
    for p in problems:
        print("FAILED: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
