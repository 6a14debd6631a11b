#!/usr/bin/env python
"""A bounded load run: keep-alive HTTP/1.1 clients requesting a list of URLs round-robin for a
fixed time, then the requests per second, the errors (a status other than 2xx/3xx, or a
connection error) and the latency percentiles.

The clients are Debian's ``wrk`` when it is installed (``apt-get install -y wrk``; ``make
bench`` installs it where it can): written in C, it leaves the two cores to gunicorn. Without
it, threads of ``http.client`` (no dependency) do the same, but they take a good part of a core
from the server they measure, so their requests per second are a lower bound.

``make bench`` calls :func:`serve_and_run` from its worker: gunicorn (``config.wsgi``) with 2
workers on 127.0.0.1, DEBUG off, static files from the collected ``STATIC_ROOT`` through
WhiteNoise, against the bench database; 20 s per target; gunicorn stopped at the end.

By hand, against a server already running:
``.venv/bin/python scripts/load.py --base-url http://127.0.0.1:8000 /products/ /v/CODE``
or with ``--serve`` to start gunicorn here with the current environment (DATABASE_URL or
SQLITE_PATH, SECRET_KEY...)."""

import argparse
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 2
CONNECTIONS = 8  # concurrent keep-alive clients per target
SECONDS = 20


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """gunicorn with ``workers`` workers on 127.0.0.1, started and stopped by this process."""

    def __init__(self, env=None, workers=WORKERS):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        environment = {**os.environ, **(env or {})}
        environment.update({"DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1"})
        environment.setdefault("HTTPS_ONLY", "false")
        self.log = open(os.devnull, "w")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(  # noqa: S603 (gunicorn with our own arguments)
            [sys.executable, "-m", "gunicorn", "config.wsgi:application",
             "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}",
             "--worker-class", "sync", "--keep-alive", "5", "--log-level", "warning"],
            cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip

    def wait_ready(self, path="/robots.txt", timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.process.stderr.read()[-2000:]}")
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                connection.request("GET", path)
                status = connection.getresponse().status
                connection.close()
                if status < 500:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer in time")

    def stop(self):
        """SIGTERM (gunicorn's graceful stop), then SIGKILL if it lingers."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        errors = self.process.stderr.read() if self.process.stderr else ""
        self.log.close()
        return errors


def run(base_url, paths, seconds=SECONDS, connections=CONNECTIONS):
    """The load run, by wrk where it is installed, else by Python threads."""
    if shutil.which("wrk"):
        return run_wrk(base_url, paths, seconds, connections)
    return run_threads(base_url, paths, seconds, connections)


# wrk's Lua hooks: the paths round-robin, each wrk thread starting at its own offset; every
# status outside 2xx/3xx counted as an error and reported at the end.
WRK_SCRIPT = """
local paths = {%(paths)s}
local counter = 0
local threads = {}
function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = offset
  failed = 0
end
function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
function response(status, headers, body)
  if status < 200 or status >= 400 then failed = failed + 1 end
end
function done(summary, latency, requests)
  local failures = 0
  for _, thread in ipairs(threads) do failures = failures + thread:get("failed") end
  local errors = summary.errors
  io.write(string.format("OCOP %%d %%d %%d %%.3f %%.3f %%.3f %%.3f\\n",
    summary.requests, failures,
    errors.connect + errors.read + errors.write + errors.timeout,
    summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000))
end
"""


def run_wrk(base_url, paths, seconds=SECONDS, connections=CONNECTIONS):
    """The same measure by wrk: one thread (enough for thousands of requests per second),
    ``connections`` keep-alive connections."""
    quoted = ", ".join('"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"' for path in paths)
    wrk = shutil.which("wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT % {"paths": quoted})
    try:
        completed = subprocess.run(  # noqa: S603 (wrk with our own arguments)
            [wrk, "--threads", "1", "--connections", str(connections),
             "--duration", f"{max(1, round(seconds))}s", "--timeout", "30s",
             "--script", script.name, base_url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(script.name)
    match = re.search(r"^OCOP (\d+) (\d+) (\d+) ([\d.]+) ([\d.]+) ([\d.]+) ([\d.]+)$",
                      completed.stdout, re.M)  # fmt: skip
    if match is None:
        raise RuntimeError(f"wrk printed no summary: {completed.stdout[-500:]}")
    requests, failed, socket_errors = (int(value) for value in match.groups()[:3])
    elapsed, p50, p90, p99 = (float(value) for value in match.groups()[3:])
    return {
        "seconds": round(elapsed, 1),
        "requests": requests,
        "rps": requests / elapsed if elapsed else 0.0,
        "errors": failed + socket_errors,
        "error_sample": [f"{failed} responses outside 2xx/3xx, {socket_errors} socket errors"]
        if failed or socket_errors
        else [],
        "p50_ms": p50,
        "p90_ms": p90,
        "p99_ms": p99,
        "mean_ms": None,
        "urls": len(paths),
        "client": "wrk",
    }


def run_threads(base_url, paths, seconds=SECONDS, connections=CONNECTIONS):
    """Request ``paths`` round-robin from ``connections`` keep-alive clients for ``seconds``;
    returns requests, req/s, errors (with a sample) and latency percentiles in ms."""
    parts = urlsplit(base_url)
    latencies = []
    errors = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def client(offset):
        mine, failed = [], []
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        index = offset
        while time.monotonic() < deadline:
            path = paths[index % len(paths)]
            index += 1
            start = time.perf_counter()
            try:
                connection.request("GET", path, headers={"Host": parts.hostname})
                response = connection.getresponse()
                response.read()
                if not 200 <= response.status < 400:
                    failed.append(f"{response.status} {path}")
                elif response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                failed.append(f"{type(error).__name__} {path}")
                connection.close()
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
                continue
            mine.append(time.perf_counter() - start)
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p):
        if not latencies:
            return None
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000

    return {
        "seconds": round(elapsed, 1),
        "requests": len(latencies) + len(errors),
        "rps": (len(latencies) + len(errors)) / elapsed,
        "errors": len(errors),
        "error_sample": sorted(set(errors))[:5],
        "p50_ms": percentile(0.50),
        "p90_ms": percentile(0.90),
        "p99_ms": percentile(0.99),
        "mean_ms": statistics.fmean(latencies) * 1000 if latencies else None,
        "urls": len(paths),
        "client": "python",
    }


def serve_and_run(targets, *, env=None, seconds=SECONDS, connections=CONNECTIONS, log=None):
    """Start gunicorn, run each ``(name, paths)`` target for ``seconds``, stop gunicorn.
    Returns ``{name: result}`` (and ``server errors`` when gunicorn wrote to stderr)."""
    server = Server(env)
    results = {}
    try:
        server.wait_ready()
        for name, paths in targets:
            # Warm up each worker's caches (templates, connections) outside the measure.
            run(server.base_url, paths, seconds=min(2, seconds), connections=2)
            if log:
                print(f"    load: {name} ({seconds} s) …", file=log, flush=True)
            results[name] = run(server.base_url, paths, seconds=seconds, connections=connections)
    finally:
        stderr = server.stop()
    if stderr.strip():
        results["server errors"] = {"note": stderr.strip()[-1500:]}
    return results


def print_table(results, targets=None, file=sys.stdout):
    targets = targets or {}
    header = (
        f"| {'load target':<34} | {'target':>11} | {'req/s':>7} | {'requests':>8} | "
        f"{'errors':>6} | {'p50 ms':>7} | {'p90 ms':>7} | {'p99 ms':>7} |"
    )
    print(header, file=file)
    print("|" + "|".join("-" * width for width in (36, 13, 9, 10, 8, 9, 9, 9)) + "|", file=file)

    def ms(value):
        return f"{value:>7.1f}" if value is not None else f"{'—':>7}"

    for name, row in results.items():
        if "rps" not in row:
            continue
        print(f"| {name:<34} | {targets.get(name, ''):>11} | {row['rps']:>7.1f} | "
              f"{row['requests']:>8} | {row['errors']:>6} | {ms(row['p50_ms'])} | "
              f"{ms(row['p90_ms'])} | {ms(row['p99_ms'])} |", file=file)  # fmt: skip
    for name, row in results.items():
        if row.get("error_sample"):
            print(f"  {name}: errors such as {', '.join(row['error_sample'])}", file=file)
        if "rps" not in row and row.get("note"):
            print(f"  {name}: {row['note']}", file=file)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="paths such as /products/ or /v/CODE")
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--serve", action="store_true", help="start gunicorn (2 workers) here")
    parser.add_argument("--seconds", type=float, default=SECONDS)
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args()
    if args.serve:
        results = serve_and_run([("paths", args.paths)], seconds=args.seconds,
                                connections=args.connections, log=sys.stderr)  # fmt: skip
    else:
        results = {"paths": run(args.base_url, args.paths, args.seconds, args.connections)}
    print_table(results)


if __name__ == "__main__":
    main()
