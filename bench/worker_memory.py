"""Benchmark: a gunicorn worker's resident memory after warm-up, and its growth over 10,000 requests.

Run as ``.venv/bin/python bench/worker_memory.py`` from the repository root (about a minute). It starts
gunicorn with one worker on a temporary instance (SQLite, the demo data), signs in as the demo citizen,
warms the worker up with 500 requests over the catalog, a service page, the cabinet and the verification
page, reads the worker's resident memory, sends 10,000 more and reads it again. Beside it, a bare Flask
"hello" under the same gunicorn settings gives the floor. Prints the figures against issue 12's targets:
under 150 MB after warm-up, and no growth.
"""

from __future__ import annotations

import http.client
import itertools
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from portal import clock, demo  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.domain.db import make_engine  # noqa: E402
from portal.domain.migrate import upgrade  # noqa: E402

WARMUP = 500
REQUESTS = 10_000
TARGET_MB = 150.0
PAGES = ["/", "/services/external_study", "/cabinet/", "/verify/"]
HELLO = "from flask import Flask\napp = Flask(__name__)\n\n\n@app.get('/')\ndef hello():\n    return 'hello'\n"


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One visitor: a session cookie kept across requests, each on a fresh connection."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
        """Send one request; keep the session cookie; return the body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers={**(headers or {}), **({"Cookie": cookie} if cookie else {})})
        response = conn.getresponse()
        data = response.read()
        if response.status >= 500:
            raise RuntimeError(f"{path} answered {response.status}")
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            self.cookies[name.strip()] = value
        conn.close()
        return data

    def sign_in(self, who: demo.DemoAccount) -> None:
        """Sign in with IIN and password through the form."""
        page = self.request("GET", "/auth/sign-in")
        token = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
            rb'name="csrf_token" value="([^"]+)"', page)
        assert token, "no CSRF token on the sign-in page"
        body = f"csrf_token={token.group(1).decode()}&iin={who.iin}&password={who.password}".encode()
        self.request("POST", "/auth/sign-in", body, {"Content-Type": "application/x-www-form-urlencoded"})
        assert who.full_name.encode() in self.request("GET", "/cabinet/"), "the demo citizen could not sign in"


def worker_rss_mb(master: int) -> float:
    """Return the resident memory of the gunicorn master's one worker, in MB."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    status = Path(f"/proc/{children[0]}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1)) / 1024  # type: ignore[union-attr]


def serve(app: str, cwd: Path, port: int, env: dict[str, str], workers: int = 1) -> subprocess.Popen[bytes]:
    """Start gunicorn with sync workers (one by default) and wait until it answers."""
    server = subprocess.Popen([str(Path(sys.executable).parent / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
                               app], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    for _ in range(300):
        try:
            Client(port).request("GET", "/")
            return server
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop a gunicorn and its worker."""
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(15)


def main() -> None:
    """Measure the bare Flask floor, then the portal's worker, and print both."""
    with tempfile.TemporaryDirectory(prefix="memory-bench-") as tmp:
        folder = Path(tmp)
        (folder / "hello.py").write_text(HELLO)
        port = free_port()
        hello = serve("hello:app", folder, port, dict(os.environ))
        try:
            client = Client(port)
            for _ in range(WARMUP):
                client.request("GET", "/")
            floor = worker_rss_mb(hello.pid)
        finally:
            stop(hello)

        instance = folder / "instance"
        instance.mkdir()
        config = Config(instance_dir=instance, database_url=f"sqlite:///{instance / 'portal.sqlite3'}")
        upgrade(make_engine(config.database_url))
        app = create_app(config)  # the CA and the secret key once, before the worker
        with app.app_context(), app.extensions["portal"].sessions() as session:
            demo.load(session, clock.utcnow())
            session.commit()
        port = free_port()
        env = {**os.environ, "PORTAL_INSTANCE_DIR": str(instance), "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        env.pop("DATABASE_URL", None)
        portal = serve("wsgi:app", ROOT, port, env)
        try:
            client = Client(port)
            client.sign_in(demo.CITIZEN)
            pages = itertools.cycle(PAGES)
            for _ in range(WARMUP):
                client.request("GET", next(pages))
            warm = worker_rss_mb(portal.pid)
            started = time.perf_counter()
            for _ in range(REQUESTS):
                client.request("GET", next(pages))
            seconds = time.perf_counter() - started
            after = worker_rss_mb(portal.pid)
        finally:
            stop(portal)
    print(f"worker memory, bare Flask hello (gunicorn, 1 worker, after {WARMUP} requests): {floor:.1f} MB")
    print(f"worker memory, portal after {WARMUP} requests (catalog, service page, cabinet, verification): {warm:.1f} MB "
          f"({warm / floor:.1f}x the bare Flask worker); target under {TARGET_MB:.0f} MB: "
          f"{'met' if warm < TARGET_MB else 'NOT met'}")
    growth = after - warm
    print(f"worker memory after {REQUESTS:,} more requests ({REQUESTS / seconds:.0f} req/s from one client): "
          f"{after:.1f} MB, growth {growth:+.1f} MB; target no growth (within 2 MB): "
          f"{'met' if growth <= 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
