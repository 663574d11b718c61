#!/usr/bin/env python3
"""Feeds through two `hcard serve --postgres` nodes taking turns (issue 16, Docs/serve.md §9):
what a node's matcher costs when the other node has written since its last write.

Starts two `hcard serve --postgres` processes on a fresh database of the cluster at URL, preloads
PRELOAD new records through node 1, then runs three rounds of COUNT new records each with CLIENTS
keep-alive clients: all through node 1 (the anchor, measured in the same run), every client on
alternate nodes (client i on node i mod 2), and node 1 alone again. Prints feeds/s, p50 and p99
per round, the ratio of the two-node round to the anchor, and the matcher refreshes of each node
from `/metrics` (`hcard_empi_matcher_refreshes_total{kind="incremental"|"full"}`). Every answer
must be 200 with a decision, or the run fails.

Usage: serve_two_node_feeds.py HCARD_BINARY POSTGRES_CLUSTER_URL [--preload 2000] [--count 800] [--clients 8]
"""
import http.client
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time


def start(hcard, url, work, name):
    log_path = os.path.join(work, f"{name}.log")
    process = subprocess.Popen([hcard, "serve", "--postgres", url, "--listen", "127.0.0.1:0"], stderr=open(log_path, "w"))
    for _ in range(600):
        found = re.search(r'"message":"listening".*?"port":"(\d+)"', open(log_path).read())
        if found:
            return process, int(found.group(1))
        if process.poll() is not None:
            sys.exit(f"{name} exited: {open(log_path).read()}")
        time.sleep(0.1)
    sys.exit(f"{name} did not start")


def record(prefix, number, rng):
    family, given = "李张刘陈杨黄赵周吴徐孙马朱胡郭何林罗高", "伟敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国红梅"
    return {"id": f"{prefix}-{number}", "domain": "HOSP-A",
            "fullName": rng.choice(family) + rng.choice(given) + rng.choice(given),
            "birthDate": f"{rng.randint(1930, 2020)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "sex": rng.choice("12"), "phone": "13" + "".join(rng.choice("0123456789") for _ in range(9))}


def feed_round(ports, key, prefix, count, clients, alternate):
    latencies, errors = [], []
    lock = threading.Lock()

    def client(index):
        port = ports[index % 2] if alternate else ports[0]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        rng = random.Random(f"{prefix}-{index}")
        mine = []
        for number in range(index, count, clients):
            body = json.dumps(record(prefix, number, rng))
            started = time.perf_counter()
            connection.request("POST", "/v1/empi/records", body=body,
                               headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
            mine.append(time.perf_counter() - started)
            if response.status != 200 or b'"decision"' not in data:
                with lock:
                    errors.append(f"{response.status} {data[:200]!r}")
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if errors:
        sys.exit(f"{len(errors)} failed feeds, e.g. {errors[0]}")
    latencies.sort()
    return count / elapsed, latencies[len(latencies) // 2] * 1000, latencies[int(len(latencies) * 0.99)] * 1000


def refreshes(port):
    text = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    text.request("GET", "/metrics")
    body = text.getresponse().read().decode()
    counts = {}
    for kind in ("incremental", "full"):
        found = re.search(r'hcard_empi_matcher_refreshes_total\{kind="%s"\} (\d+)' % kind, body)
        counts[kind] = int(found.group(1)) if found else 0
    return counts


def main():
    arguments = sys.argv[1:]
    if len(arguments) < 2:
        sys.exit(__doc__)
    hcard, cluster = arguments[0], arguments[1]
    options = {"--preload": 2000, "--count": 800, "--clients": 8}
    rest = arguments[2:]
    while rest:
        options[rest[0]] = int(rest[1])
        rest = rest[2:]
    name = "hcard_bench_" + "".join(random.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(10))
    subprocess.run(["psql", cluster, "-qc", f"CREATE DATABASE {name}"], check=True)
    url = cluster.rsplit("/", 1)[0] + "/" + name
    work = tempfile.mkdtemp(prefix="hcard-two-node-")
    nodes = []
    try:
        nodes.append(start(hcard, url, work, "node1"))
        key = subprocess.run([hcard, "serve", "key", "add", "--postgres", url, "--name", "bench", "--roles", "registrar,steward"],
                             check=True, capture_output=True, text=True).stdout.strip()
        nodes.append(start(hcard, url, work, "node2"))
        ports = [port for _, port in nodes]
        connection = http.client.HTTPConnection("127.0.0.1", ports[0], timeout=60)
        connection.request("POST", "/v1/empi/domains", body=json.dumps({"code": "HOSP-A"}),
                           headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json"})
        assert connection.getresponse().status == 200
        feed_round(ports, key, "pre", options["--preload"], options["--clients"], alternate=False)
        before = [refreshes(port) for port in ports]
        rows = []
        for label, prefix, alternate in (("one node", "one", False), ("two nodes taking turns", "two", True),
                                         ("one node again", "again", False)):
            rate, p50, p99 = feed_round(ports, key, prefix, options["--count"], options["--clients"], alternate)
            after = [refreshes(port) for port in ports]
            delta = [{kind: a[kind] - b[kind] for kind in a} for a, b in zip(after, before)]
            before = after
            rows.append((label, rate, p50, p99, delta))
        load = open("/proc/loadavg").read().split()[:3]
        print(f"{options['--clients']} clients, {options['--count']} new records per round after {options['--preload']} preloaded; "
              f"load average {' '.join(load)}")
        print("| round | feeds/s | p50 ms | p99 ms | node 1 refreshes (incremental/full) | node 2 refreshes |")
        print("|---|---|---|---|---|---|")
        for label, rate, p50, p99, delta in rows:
            print(f"| {label} | {rate:.1f} | {p50:.1f} | {p99:.1f} | {delta[0]['incremental']}/{delta[0]['full']} | "
                  f"{delta[1]['incremental']}/{delta[1]['full']} |")
        anchor = (rows[0][1] + rows[2][1]) / 2
        print(f"two nodes taking turns / one node (mean of the rounds before and after): {rows[1][1] / anchor:.2f}×")
    finally:
        for process, _ in nodes:
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
