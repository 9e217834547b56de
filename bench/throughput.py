"""Benchmark: requests a second of the catalog, a citizen's cabinet and verification by number, against bare Flask.

Run as ``.venv/bin/python bench/throughput.py`` from the repository root (about five minutes). On PostgreSQL
(BENCH_DATABASE_URL's server, default postgresql://root@127.0.0.1:5432/, a database bench_throughput made
anew each run) it loads the demo data and has the demo citizen file 49 requests through the real forms,
each signed with their EDS key; 10 of them are worked through to a signed result. Then gunicorn (2 sync
workers, as issue 12 measures) serves a bare Flask "hello" and the portal side by side, and wrk (16
connections, 2 threads, 10 s a run) loads the floor and each page in turn, three times; the best run of each
counts, so that a busy moment of the machine lowers one run, not a figure. Every page is first checked
to show what it is for (the cabinet: how many requests it lists).
Prints each page's requests a second, its share of bare Flask's and issue 12's target for it (catalog 40%,
cabinet 20%, verification by number 25%); the catalog is also loaded signed in, without a target, as the
ceiling of any signed-in page, and the cabinet on a portal keeping no rendered lists
(PORTAL_CABINET_LISTS_KEPT=0), without a target, as what a first view costs. Needs wrk (`apt-get install wrk`); without it, says so and stops.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from sqlalchemy import select  # noqa: E402

from bench.worker_memory import HELLO, Client, free_port, serve, stop  # noqa: E402
from portal import clock, demo  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.config import Config  # noqa: E402
from portal.domain.db import make_engine  # noqa: E402
from portal.domain.migrate import upgrade  # noqa: E402
from portal.domain.models import ResultDocument  # noqa: E402

SERVER = os.environ.get("BENCH_DATABASE_URL", "postgresql://root@127.0.0.1:5432/")
DATABASE = "bench_throughput"
NOW = "2026-11-23T10:00"  # a Monday morning: the app's clock is pinned here, in this process and in gunicorn
REQUESTS, RESULTS = 49, 10
SECONDS, CONNECTIONS, ROUNDS = 10, 16, 3
TARGETS = {"catalog": 0.40, "cabinet": 0.20, "verification by number": 0.25}


def database_url() -> str:
    """Create the benchmark's database anew and return its URL."""
    with psycopg.connect(SERVER + "postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DATABASE}")
    return SERVER + DATABASE


def load(url: str, instance: Path) -> str:
    """Load the demo data and the citizen's requests; return the number of one signed result."""
    from tests.factories import submitted_request  # the real forms and signatures, as the tests use them
    from tests.web.test_backoffice import work_through

    upgrade(make_engine(url))
    app = create_app(Config(instance_dir=instance, database_url=url, testing=True, csrf_enabled=False,
                            public_url="http://127.0.0.1"))
    ctx = app.extensions["portal"]
    with app.app_context(), ctx.sessions() as session:
        demo.load(session, clock.now_kz())
        session.commit()
    citizen = app.test_client()
    assert citizen.post("/auth/sign-in", data={"iin": demo.CITIZEN.iin, "password": demo.CITIZEN.password}).status_code == 302
    ids = [submitted_request(app, citizen) for _ in range(REQUESTS)]
    for app_id in ids[:RESULTS]:
        work_through(app, app_id, {"decision": "permitted"})
    with ctx.sessions() as session:
        number = session.scalars(select(ResultDocument.number).order_by(ResultDocument.id)).first()
    ctx.sessions.kw["bind"].dispose()
    assert number, "no result was issued"
    return number


def wrk(port: int, path: str, cookie: str = "") -> tuple[float, str]:
    """Load one page with wrk; return requests a second and any non-2xx count wrk reports."""
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{SECONDS}s", f"http://127.0.0.1:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, f" ({bad.group(1)} non-2xx answers!)" if bad else ""


def main() -> None:
    """Measure bare Flask, then the three pages, and print the ratios."""
    if not shutil.which("wrk"):
        print("throughput: wrk is not installed (apt-get install wrk); not measured")
        return
    clock.pin(datetime.fromisoformat(NOW))
    with tempfile.TemporaryDirectory(prefix="throughput-bench-") as tmp:
        folder = Path(tmp)
        (folder / "hello.py").write_text(HELLO)
        url = database_url()
        instance = folder / "instance"
        number = load(url, instance)
        hello_port, port, fresh_port = free_port(), free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": url, "PORTAL_INSTANCE_DIR": str(instance), "PORTAL_CLOCK": NOW,
               "PORTAL_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        hello, portal = serve("hello:app", folder, hello_port, dict(os.environ), 2), serve("wsgi:app", ROOT, port, env, 2)
        # the same portal keeping no rendered cabinet lists: what a citizen's first view of their cabinet costs
        fresh = serve("wsgi:app", ROOT, fresh_port, {**env, "PORTAL_CABINET_LISTS_KEPT": "0"}, 2)
        try:
            client = Client(port)
            client.sign_in(demo.CITIZEN)
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            pages = {"catalog": (port, "/", "", "/services/external_study"),
                     # no target: what the same page costs once the visitor is signed in (the person is loaded,
                     # with their unread count) is the ceiling of every signed-in page, the cabinet's included
                     "catalog, signed in": (port, "/", cookie, demo.CITIZEN.full_name),
                     "cabinet": (port, "/cabinet/", cookie, demo.CITIZEN.full_name),
                     "cabinet, its list rendered on every view": (fresh_port, "/cabinet/", cookie,
                                                                  demo.CITIZEN.full_name),
                     "verification by number": (port, f"/verify/{number}", "", number)}
            labels = {}
            for label, (at, path, with_cookie, expect) in pages.items():
                shown = Client(at)
                shown.cookies = dict(client.cookies) if with_cookie else {}
                body = shown.request("GET", path).decode()
                if expect not in body:
                    raise RuntimeError(f"{path} does not show {expect!r}")
                rows = len(set(re.findall(r"[A-Z]{3}-\d{4}-\d{6}", body)))
                labels[label] = label.replace("cabinet", f"cabinet ({rows} requests shown of {REQUESTS})", 1)
            # the floor and the pages in turn, ROUNDS times: a busy moment of the machine lowers one run of
            # each, not all runs of one; each figure is the best of its runs
            floors: list[float] = []
            runs: dict[str, list[tuple[float, str]]] = {label: [] for label in pages}
            for _ in range(ROUNDS):
                floors.append(wrk(hello_port, "/")[0])
                for label, (at, path, with_cookie, _expect) in pages.items():
                    runs[label].append(wrk(at, path, with_cookie))
        finally:
            stop(fresh)
            stop(portal)
            stop(hello)
    floor = max(floors)
    print(f"throughput, bare Flask hello (gunicorn 2 sync workers, wrk {CONNECTIONS} connections, best of "
          f"{ROUNDS} runs of {SECONDS} s): {floor:,.0f} req/s")
    for label, measured in runs.items():
        rate, bad = max(measured)
        share = rate / floor
        target = TARGETS.get(label)
        verdict = (f"target at least {target:.0%}: {'met' if share >= target and not bad else 'NOT met'}" if target
                   else "no target: the ceiling of a signed-in page" if "catalog" in label
                   else "no target: a first view, or a worker that has not shown this list yet")
        # each round against the floor measured just before it: how far a busy machine moved the figure
        rounds = ", ".join(f"{r:.0%}" for r in (run[0] / f for run, f in zip(measured, floors)))
        print(f"throughput, {labels[label]}: {rate:,.0f} req/s = {share:.1%} of bare Flask (rounds {rounds}){bad}; "
              f"{verdict}")


if __name__ == "__main__":
    main()
