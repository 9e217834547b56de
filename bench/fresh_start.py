"""Benchmark: from a fresh clone to a serving portal, by `make run` itself, with packages in the local cache.

Run as ``.venv/bin/python bench/fresh_start.py`` from the repository root (12-15 s here). It clones the
repository's HEAD into a temporary folder and runs the Makefile there, timing each part: the virtual
environment with uv (uv itself is kept once per user), installing the locked packages (from uv's cache) and
the translations, then `make run` until it announces the portal (migrations, demo data, keys and
certificates) and until the catalog answers. Prints each part, the total against the 20 s target, and the
share of each part.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0
#: the line `make run` prints once the database is ready, just before it starts the portal
READY_LINE = "Starting the portal on"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(port: int) -> bool:
    """Tell whether the portal's catalog answers 200."""
    try:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
        conn.request("GET", "/")
        return conn.getresponse().status == 200
    except OSError:
        return False


def make(clone: Path, env: dict[str, str], target: str) -> float:
    """Run one make target in the clone and return its seconds."""
    started = time.perf_counter()
    subprocess.run(["make", "-s", target], cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def run_until_serving(clone: Path, env: dict[str, str], port: int) -> tuple[float, float] | None:
    """Run `make run`; return the seconds until it announces the portal and then until the catalog answers."""
    started = time.perf_counter()
    ready = threading.Event()
    errors = tempfile.TemporaryFile()
    server = subprocess.Popen(["make", "-s", "run", f"PORT={port}"], cwd=clone, env=env, text=True,
                              stdout=subprocess.PIPE, stderr=errors, start_new_session=True)

    def read() -> None:
        assert server.stdout is not None
        for line in server.stdout:  # drained to the end, so that the portal never blocks on a full pipe
            if READY_LINE in line:
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        while not ready.is_set():
            if server.poll() is not None or time.perf_counter() - started > 120:
                return _failed(errors)
            time.sleep(0.02)
        prepared = time.perf_counter()
        while not answers(port):
            if server.poll() is not None or time.perf_counter() - prepared > 60:
                return _failed(errors)
            time.sleep(0.05)
        return prepared - started, time.perf_counter() - prepared
    finally:
        _stop_group(server)
        errors.close()


def _failed(errors: IO[bytes]) -> None:
    """Print the end of what `make run` wrote to stderr, and return nothing."""
    errors.seek(0)
    print(errors.read().decode(errors="replace")[-2000:], file=sys.stderr)


def _stop_group(server: subprocess.Popen[str]) -> None:
    """Stop make, the portal and its outbox worker (their process group), by force if they linger."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            break  # all gone already
        try:
            server.wait(10)
            return
        except subprocess.TimeoutExpired:
            continue


def main() -> int:
    """Time each part of `make run` in a fresh clone and print them."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fresh-start-") as tmp:
        clone = Path(tmp) / "portal"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "PORTAL_", "MAKE"))}
        timings = [("virtual environment and uv", make(clone, env, ".venv/bin/uv")),
                   ("locked packages (uv, from its cache) and translations", make(clone, env, "install"))]
        served = run_until_serving(clone, env, port)
        if served is None:
            print("fresh start: the portal did not answer")
            return 1
        timings += [("migrations, demo data, keys and certificates", served[0]),
                    ("start and first page", served[1])]
    total = sum(seconds for _, seconds in timings)
    for name, seconds in timings:
        print(f"fresh start, {name}: {seconds:.1f} s ({100 * seconds / total:.0f}%)")
    print(f"fresh clone to a serving portal (make run, packages cached): {total:.1f} s; target under "
          f"{TARGET_SECONDS:.0f} s: {'met' if total < TARGET_SECONDS else 'NOT met'} "
          f"({total / TARGET_SECONDS:.2f} of the target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
