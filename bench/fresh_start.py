"""Benchmark: from a fresh clone to a serving portal, as `make run` does it, with packages in the local cache.

Run as ``.venv/bin/python bench/fresh_start.py`` from the repository root (about 20 s). It clones the
repository's HEAD into a temporary folder and times each step of `make run` there: the virtual
environment with uv, installing the locked packages (from uv's cache), compiling the translations,
the migrations, the demo data (keys and certificates included), and starting the portal until its
catalog answers. Prints each step, the total against the 20 s target, and the share of each step.
"""

from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_SECONDS = 20.0
UV_VERSION = re.search(r"UV_VERSION := (\S+)", (ROOT / "Makefile").read_text()).group(1)  # type: ignore[union-attr]


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


def main() -> int:
    """Time each step of `make run` in a fresh clone and print them."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="fresh-start-") as tmp:
        clone = Path(tmp) / "portal"
        subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
        env = {**os.environ, "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        env.pop("DATABASE_URL", None)
        venv = clone / ".venv" / "bin"
        flask = [str(venv / "flask"), "--app", "wsgi"]
        steps = [
            ("virtual environment and uv", [["python3", "-m", "venv", ".venv"],
                                            [str(venv / "pip"), "install", "--quiet", f"uv=={UV_VERSION}"]]),
            ("locked packages (uv, from its cache)", [
                [str(venv / "uv"), "pip", "sync", "--quiet", "--python", str(venv / "python"), "--require-hashes",
                 "requirements.lock"],
                [str(venv / "uv"), "pip", "install", "--quiet", "--python", str(venv / "python"), "--no-deps", "-e", "."]]),
            ("translations", [[str(venv / "pybabel"), "compile", "-d", "portal/translations"]]),
            ("migrations", [[*flask, "migrate"]]),
            ("demo data, keys and certificates", [[*flask, "demo-data"]]),
        ]
        timings: list[tuple[str, float]] = []
        for name, commands in steps:
            started = time.perf_counter()
            for command in commands:
                subprocess.run(command, cwd=clone, env=env, check=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
            timings.append((name, time.perf_counter() - started))
        started = time.perf_counter()
        server = subprocess.Popen([*flask, "run", "--host", "127.0.0.1", "--port", str(port)], cwd=clone, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            while not answers(port):
                if server.poll() is not None or time.perf_counter() - started > 60:
                    print("fresh start: the portal did not answer")
                    return 1
                time.sleep(0.05)
            timings.append(("start and first page", time.perf_counter() - started))
        finally:
            server.terminate()
            server.wait(10)
    total = sum(seconds for _, seconds in timings)
    for name, seconds in timings:
        print(f"fresh start, {name}: {seconds:.1f} s ({100 * seconds / total:.0f}%)")
    print(f"fresh clone to a serving portal (make run, packages cached): {total:.1f} s; target under "
          f"{TARGET_SECONDS:.0f} s: {'met' if total < TARGET_SECONDS else 'NOT met'} "
          f"({total / TARGET_SECONDS:.2f} of the target)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
