#!/usr/bin/env python3
"""e2e.postgres_leaderboard: two clusters share one PostgreSQL leaderboard; each result lands once.

Starts a real PostgreSQL server from Debian's package (initdb in a temporary directory; as
root it runs as a dedicated system user, dp-postgres; it listens on a Unix socket only), and
two clusters of three pong-servers on loopback (each its own discovery port), every server
with --leaderboard-url pointing at it, and two headless bots per cluster playing matches to
one point, again and again. The story:
  1. PostgreSQL is down when the clusters start: the first results cannot be exported (the
     servers retry with backoff while play goes on);
  2. PostgreSQL starts: the results so far land;
  3. PostgreSQL stops again while matches go on, then comes back: those land too;
  4. the servers stop; every result in any server's SQLite database is in PostgreSQL exactly
     once, under its cluster's identity, with the same players and score, and nothing else is.

Without PostgreSQL's server binaries (postgresql package) the test is skipped (exit 77),
except with CI=true, where it fails."""

import argparse
import glob
import os
import pwd
import random
import shutil
import signal
import subprocess
import tempfile
import time

import e2e_lib as e2e

PG_USER = "dp-postgres"
ROLE = "pong"
MATCH_TIMEOUT_S = 90


def cannot_run(reason):
    e2e.cannot_run("PostgreSQL", reason)


def pg_bindir():
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    if not found:
        cannot_run("no PostgreSQL server binaries (apt install postgresql)")
    return os.path.dirname(found[-1])


def as_user():
    """preexec_fn for PostgreSQL's processes: as root, drop to the dedicated user (initdb and
    postgres refuse to run as root); then die with the test."""
    def preexec():
        if os.geteuid() == 0:
            pw = pwd.getpwnam(PG_USER)
            os.setgroups([])
            os.setgid(pw.pw_gid)
            os.setuid(pw.pw_uid)
        e2e._die_with_parent()
    return preexec


def ensure_pg_user():
    if os.geteuid() != 0:
        return
    try:
        pwd.getpwnam(PG_USER)
    except KeyError:
        r = subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                            "/usr/sbin/nologin", PG_USER],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode != 0:
            cannot_run(f"cannot create the user {PG_USER}: {r.stdout.strip()}")


class Postgres:
    """A throw-away PostgreSQL server on a Unix socket in `root`."""

    def __init__(self, bindir, root):
        self.bindir = bindir
        self.data = os.path.join(root, "data")
        self.sock = os.path.join(root, "sock")
        self.log = os.path.join(root, "postgres.log")
        self.port = random.randint(20000, 39999)
        self.proc = None
        os.makedirs(self.sock)
        if os.geteuid() == 0:
            pw = pwd.getpwnam(PG_USER)
            for path in (root, self.sock):
                os.chown(path, pw.pw_uid, pw.pw_gid)
        r = subprocess.run([os.path.join(bindir, "initdb"), "-D", self.data, "-U", ROLE,
                            "--auth=trust", "-E", "UTF8", "--no-sync"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           preexec_fn=as_user())
        if r.returncode != 0:
            raise RuntimeError(f"initdb failed: {r.stdout[-2000:]}")

    def url(self):
        return f"postgresql://{ROLE}@/{ROLE}?host={self.sock}&port={self.port}"

    def start(self):
        out = open(self.log, "ab")
        self.proc = subprocess.Popen(
            [os.path.join(self.bindir, "postgres"), "-D", self.data, "-k", self.sock, "-p",
             str(self.port), "-c", "listen_addresses=", "-c", "fsync=off"],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=as_user())
        out.close()
        if not e2e.wait_for(lambda: self.query("SELECT 1", db="postgres") is not None, 30, 0.2):
            raise RuntimeError("PostgreSQL did not start:\n" + e2e.read(self.log)[-2000:])
        if not self.query("SELECT 1 FROM pg_database WHERE datname = 'pong'", db="postgres"):
            if self.query(f"CREATE DATABASE {ROLE}", db="postgres") is None:
                raise RuntimeError("cannot create the database")

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # Fast shutdown.
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.proc = None

    def query(self, sql, db=ROLE):
        """Rows (lists of strings), or None when the query fails."""
        r = subprocess.run(["psql", "-X", "-At", "-F", "|", "-h", self.sock, "-p", str(self.port),
                            "-U", ROLE, "-d", db, "-c", sql],
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            return None
        return [line.split("|") for line in r.stdout.splitlines() if line]


class Cluster:
    """Three pong-servers and two bots on loopback, exporting to `url`."""

    def __init__(self, procs, args, name, temp_dir, url):
        self.name = name
        self.port = random.randint(40000, 59999)
        common = ["--discovery-address", "127.255.255.255", "--discovery-port", str(self.port)]
        self.dirs = []
        self.servers = []
        for i in range(3):
            d = os.path.join(temp_dir, f"{name}-s{i + 1}")
            self.dirs.append(d)
            self.servers.append(procs.start(
                [args.server, *common, "--control-port", "0", "--client-port", "0",
                 "--cluster-size", "3", "--target-score", "1", "--log-dir", d,
                 "--data-dir", os.path.join(d, "data"), "--leaderboard-url", url],
                os.path.join(temp_dir, f"{name}-s{i + 1}.out")))
        time.sleep(1.0)
        self.bot_logs = [os.path.join(temp_dir, f"{name}-bot{i + 1}.log") for i in range(2)]
        self.bots = [procs.start(
            [args.client, "--headless", "--bot", "--skill", str(skill), *common,
             "--name", f"{name}-{who}", "--timeout-s", "170", "--log-file", log],
            log + ".out")
            for skill, who, log in ((55, "ann", self.bot_logs[0]), (45, "ben", self.bot_logs[1]))]

    def games_over(self):
        return min(sum(1 for _, e, _ in e2e.client_events(p) if e == "game-over")
                   for p in self.bot_logs)

    def stop_bots(self):
        for p in self.bots:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.bots:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()

    def stop(self):
        for p in self.bots + self.servers:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.bots + self.servers:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()

    def local_results(self):
        """{number: (left, right, score_left, score_right, winner)} over its servers' databases,
        and the cluster identity they hold."""
        results = {}
        identities = set()
        for d in self.dirs:
            db = os.path.join(d, "data", "server.db")
            rows = subprocess.run(
                ["sqlite3", "-cmd", ".timeout 5000", db, "SELECT number, player_left, player_right, score_left, "
                 "score_right, winner FROM results; SELECT 'id', value FROM meta WHERE "
                 "key = 'cluster_identity';"],
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout
            for line in rows.splitlines():
                f = line.split("|")
                if f[0] == "id":
                    identities.add(f[1])
                elif len(f) == 6:
                    results[int(f[0])] = tuple(f[1:])
        return results, identities


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--client", required=True)
    args = ap.parse_args()

    bindir = pg_bindir()
    if shutil.which("psql") is None or shutil.which("sqlite3") is None:
        cannot_run("psql or sqlite3 missing (apt install postgresql-client sqlite3)")
    ensure_pg_user()
    temp_dir = tempfile.mkdtemp(prefix="dp-e2e-pg-")
    pg_root = tempfile.mkdtemp(prefix="dp-e2e-pgdata-")
    procs = e2e.Processes()
    problems = []
    pg = None
    clusters = []
    try:
        pg = Postgres(bindir, pg_root)
        url = pg.url()
        e2e.log(f"PostgreSQL {os.path.basename(os.path.dirname(bindir))} in {pg_root} "
                f"(down for now); servers export to {url}")
        clusters = [Cluster(procs, args, name, temp_dir, url) for name in ("red", "blue")]

        # 1. A result in each cluster while PostgreSQL is down.
        if not e2e.wait_for(lambda: all(c.games_over() >= 1 for c in clusters),
                            MATCH_TIMEOUT_S, 0.2):
            problems.append("no match finished in each cluster")
            raise StopIteration
        e2e.log("each cluster finished a match while PostgreSQL was down")

        # 2. PostgreSQL comes up: the results so far land.
        pg.start()
        t0 = time.monotonic()
        if not e2e.wait_for(lambda: len(pg.query("SELECT DISTINCT cluster FROM pong_results")
                                         or []) == 2, 60, 0.2):
            problems.append("the first results never reached PostgreSQL")
            raise StopIteration
        e2e.log(f"PostgreSQL started: both clusters' results arrived "
                f"{time.monotonic() - t0:.1f} s later")

        # 3. Down again while a match goes on, then back.
        pg.stop()
        before = {c.name: c.games_over() for c in clusters}
        if not e2e.wait_for(lambda: all(c.games_over() > before[c.name] for c in clusters),
                            MATCH_TIMEOUT_S, 0.2):
            problems.append("no further match finished while PostgreSQL was down")
            raise StopIteration
        e2e.log("another match finished in each cluster while PostgreSQL was down again")
        for c in clusters:
            c.stop_bots()  # No more results from here on.
        pg.start()
        t0 = time.monotonic()

        def all_exported():
            rows = pg.query("SELECT cluster, number FROM pong_results") or []
            there = {(cluster, int(number)) for cluster, number in rows}
            for c in clusters:
                results, identities = c.local_results()
                if len(identities) != 1:
                    return False
                identity = next(iter(identities))
                if any((identity, n) not in there for n in results):
                    return False
            return True
        if not e2e.wait_for(all_exported, 60, 0.2):
            problems.append("the servers did not export every result within 60 s of "
                            "PostgreSQL's return")
        else:
            e2e.log(f"PostgreSQL back: every result exported {time.monotonic() - t0:.1f} s later "
                    f"(the servers were backing off)")
        for c in clusters:
            c.stop()
        e2e.log("servers stopped")

        # 4. Every result of every server's database is in PostgreSQL exactly once.
        def compare():
            rows = pg.query("SELECT cluster, number, player_left, player_right, score_left, "
                            "score_right, winner FROM pong_results ORDER BY cluster, number")
            return rows
        local = {}
        for c in clusters:
            results, identities = c.local_results()
            if len(identities) != 1:
                problems.append(f"cluster {c.name}: its servers hold identities {identities}")
                continue
            local[identities.pop()] = (c.name, results)
        rows = compare() or []
        remote = {}
        for cluster, number, *rest in rows:
            key = (cluster, int(number))
            if key in remote:
                problems.append(f"result {key} is in PostgreSQL twice")
            remote[key] = tuple(rest)
        for identity, (name, results) in local.items():
            if len(results) < 2:
                problems.append(f"cluster {name}: only {len(results)} results on its servers")
            for number, result in results.items():
                got = remote.pop((identity, number), None)
                if got is None:
                    problems.append(f"cluster {name}: result {number} is not in PostgreSQL")
                elif got != result:
                    problems.append(f"cluster {name}: result {number} is {got} in PostgreSQL, "
                                    f"{result} on the servers")
            e2e.log(f"cluster {name} ({identity}): {len(results)} results, each once in "
                    f"PostgreSQL")
        for key in remote:
            problems.append(f"PostgreSQL holds {key}, which no server of its cluster has")
        if len(local) == 2 and next(iter(local)) == list(local)[1]:
            problems.append("both clusters have the same identity")
        exporters = pg.query("SELECT count(DISTINCT exported_by) FROM pong_results") or [["0"]]
        e2e.log(f"rows exported by {exporters[0][0]} different servers")
        retried = sum(e2e.read(os.path.join(temp_dir, f"{c.name}-s{i + 1}.out"))
                      .count("leaderboard export: cannot connect") for c in clusters
                      for i in range(3))
        if retried == 0:
            problems.append("no server reported PostgreSQL being down")
    except StopIteration:
        pass
    except RuntimeError as e:
        problems.append(str(e))
    finally:
        for c in clusters:
            c.stop()
        procs.kill_all()
        if pg is not None:
            pg.stop()
        if problems:
            e2e.dump_logs([os.path.join(temp_dir, f) for f in sorted(os.listdir(temp_dir))
                           if f.endswith(".out")] + ([pg.log] if pg else []))
        shutil.rmtree(pg_root, ignore_errors=True)
    e2e.finish(problems, temp_dir)


if __name__ == "__main__":
    main()
