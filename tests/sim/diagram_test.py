#!/usr/bin/env python3
"""sim.diagram_svg: `pong-sim run --diagram` writes a well-formed SVG with one arrow per message
sent in its window. The same run's Chrome trace (--trace) is the independent count: every
delivered message is a flow start ("s") at its send time, every drop a "drop" instant. Also:
the default window starts 200 ms before the first event; --servers-only leaves out the clients'
lanes and their messages; a window past the end of the run is a clear error (exit 2)."""

import json
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

SVG_NS = "{http://www.w3.org/2000/svg}"


def run(sim, scenario, out_dir, *flags):
    svg, trace = out_dir / "d.svg", out_dir / "t.json"
    r = subprocess.run([sim, "run", scenario, "--quiet", "--diagram", str(svg), "--trace",
                        str(trace), *flags], capture_output=True, text=True)
    return r, svg, trace


def count_trace(trace, lo_us, hi_us, hosts=None):
    events = json.loads(trace.read_text())["traceEvents"]
    names = {e["pid"]: e["args"]["name"] for e in events
             if e.get("ph") == "M" and e.get("name") == "process_name"}
    ok = (lambda pid: True) if hosts is None else (lambda pid: hosts(names.get(pid, "")))
    starts = {}
    for e in events:
        if e.get("cat") == "flow" and e.get("ph") == "s":
            starts[e["id"]] = e
    msgs = 0
    for e in events:
        if e.get("cat") == "flow" and e.get("ph") == "f":
            s = starts[e["id"]]
            if lo_us <= s["ts"] <= hi_us and ok(s["pid"]) and ok(e["pid"]):
                msgs += 1
    return msgs


def main():
    sim, scenario = sys.argv[1], sys.argv[2]
    problems = []
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        r, svg, trace = run(sim, scenario, d)
        if r.returncode != 0:
            problems.append(f"run failed: {r.stdout}{r.stderr}")
        root = ET.parse(svg).getroot()  # Raises on a malformed file.
        arrows = [e for e in root.iter(SVG_NS + "line") if e.get("class") == "msg"]
        # match-leader-crash: the leader crashes at 20 s; the default window is 19.8-20.8 s.
        expected = count_trace(trace, 19_800_000, 20_800_000)
        print(f"default window: {len(arrows)} arrows, {expected} messages in the trace")
        if len(arrows) != expected or expected == 0:
            problems.append(f"default window: {len(arrows)} arrows for {expected} messages")
        for a in arrows:
            if a.find(SVG_NS + "title") is None:
                problems.append("an arrow without its hover text")
                break
        texts = [t.text or "" for t in root.iter(SVG_NS + "text")]
        for needed in ("crashed (leader)", "became-leader", "client 1"):
            if not any(needed in t for t in texts):
                problems.append(f"nothing says {needed!r}")

        r, svg, trace = run(sim, scenario, d, "--from-ms", "20000", "--to-ms", "20400",
                            "--servers-only")
        root = ET.parse(svg).getroot()
        arrows = [e for e in root.iter(SVG_NS + "line") if e.get("class") == "msg"]
        expected = count_trace(trace, 20_000_000, 20_400_000,
                               hosts=lambda name: not name.startswith("client"))
        print(f"--servers-only 20.0-20.4 s: {len(arrows)} arrows, {expected} messages")
        if len(arrows) != expected or expected == 0:
            problems.append(f"--servers-only: {len(arrows)} arrows for {expected} messages")
        texts = [t.text or "" for t in root.iter(SVG_NS + "text")]
        if any(t.startswith("client") for t in texts):
            problems.append("--servers-only still draws a client's lane")

        r, _, _ = run(sim, scenario, d, "--from-ms", "999999999")
        if r.returncode != 2 or "--from-ms" not in r.stderr:
            problems.append(f"a window past the end: exit {r.returncode}, {r.stderr.strip()!r}")
    for p in problems:
        print("FAILED: " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
