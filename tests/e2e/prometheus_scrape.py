#!/usr/bin/env python3
"""e2e.prometheus_scrape: Debian's prometheus on loopback (a free port, a temporary data
directory) scrapes three pong-servers' --metrics-port every second. Once Prometheus has seen
`up` of every target, the leader gets SIGKILL. Prometheus's HTTP API must then show: `up` of
the dead target falls to 0, one survivor leads, each survivor's dp_leader_changes_total went
up, and a failover time was observed. Every query of the dashboard (docs/grafana-dashboard.json)
must be one Prometheus accepts. Without a prometheus binary the test says so and is
skipped, except in CI (CI=true), where it fails: scripts/setup.sh installs the package."""

import argparse
import json
import os
import random
import shutil
import tempfile
import time
import urllib.parse

import e2e_lib as e2e
import metrics_lib as m

SCRAPE_INTERVAL_S = 1
TIMEOUT_S = 40


def query(prom_port, expr):
    """[(labels, value)] of an instant query, or None when Prometheus did not answer."""
    url = f"http://127.0.0.1:{prom_port}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    status, body = m.http_get(url)
    if status != 200:
        return None
    reply = json.loads(body)
    if reply.get("status") != "success":
        return None
    return [(r["metric"], float(r["value"][1])) for r in reply["data"]["result"]]


def by_instance(results):
    return {labels.get("instance"): v for labels, v in results or []}


def check_dashboard(prom_port, path, problems):
    """Every panel's query parses and runs (against this cluster's job)."""
    with open(path) as f:
        dashboard = json.load(f)
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    answered = 0
    for expr in exprs:
        result = query(prom_port, expr.replace("$job", "pong"))
        if result is None:
            problems.append(f"the dashboard's query does not run: {expr}")
        elif result:
            answered += 1
    e2e.log(f"dashboard: {len(exprs)} queries run, {answered} with data")
    if answered < len(exprs) // 2:
        problems.append(f"only {answered} of the dashboard's {len(exprs)} queries have data")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--prometheus", default="")
    ap.add_argument("--dashboard", default="")
    args = ap.parse_args()
    prometheus = args.prometheus or shutil.which("prometheus") or ""
    if not prometheus or not os.access(prometheus, os.X_OK):
        e2e.cannot_run("prometheus", "install Debian's `prometheus` package (scripts/setup.sh)")

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-prometheus-")
    port = random.randint(20000, 39999)
    metrics_ports = [m.free_tcp_port() for _ in range(3)]
    prom_port = m.free_tcp_port()
    targets = [f"127.0.0.1:{p}" for p in metrics_ports]
    config = os.path.join(temp_dir, "prometheus.yml")
    with open(config, "w") as f:
        f.write("global:\n"
                f"  scrape_interval: {SCRAPE_INTERVAL_S}s\n"
                f"  scrape_timeout: {SCRAPE_INTERVAL_S}s\n"
                f"  evaluation_interval: {SCRAPE_INTERVAL_S}s\n"
                "scrape_configs:\n"
                "  - job_name: pong\n"
                "    static_configs:\n"
                f"      - targets: {json.dumps(targets)}\n")
    procs = e2e.Processes()
    problems = []
    prom_log = os.path.join(temp_dir, "prometheus.out")
    server_logs = [os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)]
    try:
        servers = m.start_cluster(procs, args.server, temp_dir, port, metrics_ports)
        procs.start([prometheus, f"--config.file={config}",
                     f"--storage.tsdb.path={os.path.join(temp_dir, 'tsdb')}",
                     f"--web.listen-address=127.0.0.1:{prom_port}", "--log.level=warn"], prom_log)

        def all_up():
            up = by_instance(query(prom_port, "up"))
            return up if len(up) == 3 and all(v == 1 for v in up.values()) else None

        up = e2e.wait_for(all_up, TIMEOUT_S, step_s=0.5)
        if not up:
            seen = by_instance(query(prom_port, "up"))
            problems.append(f"Prometheus never saw every target up: {seen}")
            raise RuntimeError("no scrapes")
        e2e.log(f"prometheus sees up=1 for {sorted(up)}")

        def one_leader():
            is_leader = by_instance(query(prom_port, "dp_is_leader"))
            leaders = [k for k, v in is_leader.items() if v == 1]
            return leaders if len(leaders) == 1 else None

        leaders = e2e.wait_for(one_leader, TIMEOUT_S, step_s=0.5)
        if not leaders:
            problems.append("Prometheus never saw exactly one leader")
            raise RuntimeError("no leader")
        leader = leaders[0]
        survivors = [t for t in targets if t != leader]
        before = by_instance(query(prom_port, "dp_leader_changes_total"))
        e2e.log(f"leader {leader}; leader changes before the kill: {before}")
        servers[targets.index(leader)].kill()
        killed_at = time.monotonic()

        def changed():
            after = by_instance(query(prom_port, "dp_leader_changes_total"))
            if all(after.get(t, 0) > before.get(t, 0) for t in survivors):
                return after
            return None

        after = e2e.wait_for(changed, TIMEOUT_S, step_s=0.5)
        if not after:
            now = by_instance(query(prom_port, "dp_leader_changes_total"))
            problems.append(f"dp_leader_changes_total did not rise on both survivors: before "
                            f"{before}, now {now}")
        else:
            took_s = time.monotonic() - killed_at
            e2e.log(f"leader changes after the kill ({took_s:.1f} s): {after}")
        down = e2e.wait_for(lambda: by_instance(query(prom_port, "up")).get(leader) == 0, TIMEOUT_S,
                            step_s=0.5)
        if not down:
            problems.append(f"up of the killed leader {leader} never fell to 0")
        new_leaders = e2e.wait_for(one_leader, TIMEOUT_S, step_s=0.5)
        if not new_leaders or new_leaders[0] not in survivors:
            problems.append(f"no survivor leads according to Prometheus: {new_leaders}")
        failovers = by_instance(query(prom_port, "dp_failover_seconds_count"))
        if not any(failovers.get(t, 0) >= 1 for t in survivors):
            problems.append(f"no survivor observed a failover time: {failovers}")
        longest = query(prom_port, "max(dp_failover_seconds_sum / dp_failover_seconds_count)")
        if longest:
            e2e.log(f"failover as the survivors timed it: {longest[0][1] * 1000:.0f} ms")
        if args.dashboard:
            check_dashboard(prom_port, args.dashboard, problems)
        for i, s in enumerate(servers):
            if targets[i] != leader and s.poll() is not None:
                problems.append(f"server {i + 1} died with {s.returncode}")
    except RuntimeError:
        pass
    finally:
        procs.kill_all()
    if problems:
        e2e.dump_logs(server_logs + [prom_log])
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
