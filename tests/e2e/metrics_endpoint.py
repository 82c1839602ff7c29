#!/usr/bin/env python3
"""e2e.metrics_endpoint: three pong-servers on loopback, each with --metrics-port, and two
headless bots in one Pong room. GET /metrics on every server must be the Prometheus text
format and tell the truth: exactly one leader, both peers alive, heartbeats in and out, the
two players seated (on every replica), each follower acknowledged by the leader, durable
writes timed; any other path is a 404."""

import argparse
import os
import random
import tempfile

import e2e_lib as e2e
import metrics_lib as m

TIMEOUT_S = 20


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-metrics-")
    port = random.randint(20000, 39999)
    metrics_ports = [m.free_tcp_port() for _ in range(3)]
    procs = e2e.Processes()
    problems = []
    try:
        servers = m.start_cluster(procs, args.server, temp_dir, port, metrics_ports)
        for i in range(2):
            procs.start([args.client, "--headless", "--bot", "--skill", "20", "--no-chat",
                         "--discovery-address", "127.255.255.255", "--discovery-port", str(port),
                         "--timeout-s", str(TIMEOUT_S + 10),
                         "--log-file", os.path.join(temp_dir, f"c{i + 1}.log")],
                        os.path.join(temp_dir, f"c{i + 1}.out"))

        def settled():
            scrapes = [m.scrape(p) for p in metrics_ports]
            if any(s is None for s in scrapes):
                return None
            leaders = [s for s in scrapes if m.value(s, "dp_is_leader") == 1]
            if len(leaders) != 1 or any(m.value(s, "dp_players", game="pong") != 2
                                        for s in scrapes):
                return None
            return scrapes

        scrapes = e2e.wait_for(settled, TIMEOUT_S, step_s=0.25)
        if not scrapes:
            problems.append("no moment where one server led and every replica seated 2 players")
            scrapes = [m.scrape(p) or {} for p in metrics_ports]
        for i, s in enumerate(scrapes):
            name = f"server {i + 1} (port {metrics_ports[i]})"
            if m.value(s, "dp_peers_alive") != 2:
                problems.append(f"{name}: dp_peers_alive is {m.value(s, 'dp_peers_alive')}")
            for metric in ("dp_datagrams_received_total", "dp_datagrams_sent_total"):
                if m.value(s, metric, type="heartbeat") <= 0:
                    problems.append(f"{name}: no heartbeats in {metric}")
            if m.value(s, "dp_epoch_term") < 1:
                problems.append(f"{name}: no epoch")
            if m.value(s, "dp_uptime_seconds") <= 0:
                problems.append(f"{name}: no uptime")
        leader = next((s for s in scrapes if m.value(s, "dp_is_leader") == 1), {})
        acked = [k for k in leader if k[0] == "dp_follower_acked_seq"]
        if len(acked) != 2:
            problems.append(f"the leader reports {len(acked)} followers' acked seq, not 2")
        if m.value(leader, "dp_replica_applied_seq") <= 0:
            problems.append("the leader applied nothing")
        if m.value(leader, "dp_rooms", game="pong") != 1:
            problems.append(f"the leader holds {m.value(leader, 'dp_rooms', game='pong')} rooms")
        if m.value(leader, "dp_durable_write_seconds_count") <= 0:
            problems.append("the leader timed no durable write")
        if m.value(leader, "dp_became_leader_total") < 1:
            problems.append("the leader never counted becoming the leader")
        status, body = m.http_get(f"http://127.0.0.1:{metrics_ports[0]}/other")
        if status != 404:
            problems.append(f"GET /other answered {status}, not 404")
        status, body = m.http_get(f"http://127.0.0.1:{metrics_ports[0]}/metrics")
        if "# TYPE dp_failover_seconds histogram" not in body:
            problems.append("no failover histogram in the exposition")
        for i, s in enumerate(servers):
            if s.poll() is not None:
                problems.append(f"server {i + 1} died with {s.returncode}")
        if problems:
            e2e.dump_logs([os.path.join(temp_dir, f"s{i + 1}.out") for i in range(3)])
    finally:
        procs.kill_all()
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
