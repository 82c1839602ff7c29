"""Helpers for the end-to-end tests of the metrics endpoint: free TCP ports on loopback, a
cluster of pong-servers with --metrics-port, and scrapes parsed into {(name, labels): value}.
"""

import os
import re
import socket
import urllib.error
import urllib.request

_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{[^}]*\})? (\S+)$')
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def free_tcp_port():
    """A TCP port free on 127.0.0.1 now (the kernel's pick; nobody else should take it soon)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout_s=2.0):
    """(status, body) of a GET; status 0 when nothing answered."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except (urllib.error.URLError, OSError):
        return 0, ""


def parse(text):
    """{(name, frozenset of (label, value)): float} for every sample line of an exposition."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if not m:
            raise ValueError(f"not a sample line: {line!r}")
        labels = frozenset(_LABEL.findall(m.group(2) or ""))
        out[(m.group(1), labels)] = float(m.group(3))
    return out


def scrape(port):
    """The parsed metrics of the server whose metrics port is `port`, or None."""
    status, body = http_get(f"http://127.0.0.1:{port}/metrics")
    return parse(body) if status == 200 else None


def value(samples, name, **labels):
    """One sample's value (0 when absent)."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def start_cluster(procs, server, temp_dir, discovery_port, metrics_ports, extra=()):
    """Starts one pong-server per metrics port on loopback; returns the Popen objects."""
    common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(discovery_port),
              "--cluster-size", str(len(metrics_ports))]
    servers = []
    for i, mport in enumerate(metrics_ports):
        d = os.path.join(temp_dir, f"s{i + 1}")
        servers.append(procs.start([server, *common, "--control-port", "0", "--client-port", "0",
                                    "--log-dir", d, "--data-dir", os.path.join(d, "data"),
                                    "--metrics-port", str(mport), *extra],
                                   os.path.join(temp_dir, f"s{i + 1}.out")))
    return servers
