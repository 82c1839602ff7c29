"""A LAN made of network namespaces, for the end-to-end tests that need several hosts.

Creates namespaces with a random suffix: dp-br-<s> holds a bridge; dp-s1/2/3-<s> each run one
pong-server; dp-c1-<s> runs the clients. Each host gets a veth into the bridge namespace and
an address in 10.77.0.0/24 that exists only inside these namespaces (the host's own
interfaces are never touched). Discovery goes to 10.77.0.255."""

import os
import secrets
import subprocess

import e2e_lib as e2e

SUBNET = "10.77.0"
BROADCAST = SUBNET + ".255"


def run(*argv, check=True):
    r = subprocess.run(list(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)}: {r.stdout.strip()}")
    return r


class Lan:
    def __init__(self, suffix):
        self.bridge = f"dp-br-{suffix}"
        self.hosts = {name: f"dp-{name}-{suffix}" for name in ("s1", "s2", "s3", "c1")}
        self.created = []

    def create(self):
        run("ip", "netns", "add", self.bridge)
        self.created.append(self.bridge)
        run("ip", "-n", self.bridge, "link", "set", "lo", "up")
        run("ip", "-n", self.bridge, "link", "add", "br0", "type", "bridge")
        run("ip", "-n", self.bridge, "link", "set", "br0", "up")
        for i, (name, ns) in enumerate(self.hosts.items()):
            run("ip", "netns", "add", ns)
            self.created.append(ns)
            veth = f"v-{name}"
            # Both ends are created inside our namespaces; nothing appears in the host's.
            run("ip", "-n", self.bridge, "link", "add", veth, "type", "veth", "peer", "name",
                "eth0", "netns", ns)
            run("ip", "-n", self.bridge, "link", "set", veth, "master", "br0")
            run("ip", "-n", self.bridge, "link", "set", veth, "up")
            run("ip", "-n", ns, "link", "set", "lo", "up")
            run("ip", "-n", ns, "addr", "add", f"{self.ip(name)}/24", "broadcast", BROADCAST,
                "dev", "eth0")
            run("ip", "-n", ns, "link", "set", "eth0", "up")

    @staticmethod
    def ip(name):
        return {"s1": f"{SUBNET}.11", "s2": f"{SUBNET}.12", "s3": f"{SUBNET}.13",
                "c1": f"{SUBNET}.21"}[name]

    def destroy(self):
        for ns in reversed(self.created):
            run("ip", "netns", "del", ns, check=False)
        self.created = []


def cannot_run(reason):
    e2e.cannot_run("network namespaces", reason)


class Server:
    """One pong-server in its namespace, with its own log and data directory, restartable
    with the very same command line."""

    def __init__(self, procs, args, lan, name, temp_dir, extra=()):
        self.name = name
        self.id_hex = secrets.token_hex(16)
        self.short = self.id_hex[-8:]
        self.argv = ["ip", "netns", "exec", lan.hosts[name], args.server, "--id", self.id_hex,
                     "--discovery-address", BROADCAST, "--cluster-size", "3", "--log-dir",
                     os.path.join(temp_dir, name), "--data-dir", os.path.join(temp_dir, name, "data"),
                     *extra]
        self.data_dir = os.path.join(temp_dir, name, "data")
        self.out = os.path.join(temp_dir, f"{name}.out")
        self.procs = procs
        self.proc = None
        self.start()

    def start(self):
        self.proc = self.procs.start(self.argv, self.out)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None


