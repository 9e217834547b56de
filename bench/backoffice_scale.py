"""Benchmark: the back office's pages at 10,000 and at 1,000,000 requests on PostgreSQL.

Run as ``.venv/bin/python bench/backoffice_scale.py`` from the repository root. For each size it loads
(or reuses) a database of its own on BENCH_DATABASE_URL's server (default postgresql://root@127.0.0.1:5432/,
databases bench_scale_<N>; see bench/scale_data.py for the mix), then requests each page through the real
app (create_app, test client, signed-in staff of the big department) with the clock pinned to the data's
day, the two sizes side by side: each page is requested at one size and then the other, in turn. Per page:
the median and p95 server time over RUNS requests after warm-up, and the SQL statements one request runs.
Each answer must be 200 and show what the page is for (a request's number), so a broken page never passes
as fast. Prints both sizes side by side with the ratio of the medians and whether the
targets hold (ratio <= 1.5, under 50 ms at the large size, at most 10 queries); no assertions on time.

  --sizes 10000,1000000   the two sizes to compare (default: 10,000 and 1,000,000 when that one is loaded,
                          else 100,000)
  --rebuild               load the databases again even when they hold their data
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event  # noqa: E402

from bench import scale_data as data  # noqa: E402
from bench import scale_load  # noqa: E402
from portal import clock, demo  # noqa: E402
from portal.app import create_app  # noqa: E402
from portal.config import Config  # noqa: E402

RUNS, WARMUP = 30, 3
TARGET_RATIO, TARGET_MS, TARGET_QUERIES = 1.5, 50.0, 10
SMALL, LARGE, FALLBACK = 10_000, 1_000_000, 100_000
#: a registration number as the loader gives them
NUMBER = re.compile(r"[A-Z]{3}-\d{4}-\d{6}")


@dataclass(frozen=True)
class Page:
    """A page to measure: who asks, the URL, and a text the answer must contain."""

    label: str
    role: str
    url: str
    expect: str


@dataclass(frozen=True)
class Figure:
    """What one page measured: median and p95 in ms, statements per request, and any problem."""

    median: float
    p95: float
    queries: int
    problem: str | None
    #: how many requests (distinct registration numbers) the page shows: a page of 5 rows and one of 50 differ
    shown: int = 0


def _one(conn: psycopg.Connection, sql: str, *args: object) -> tuple:
    """Return the first row of a query (the bench cannot go on without it)."""
    row = conn.execute(sql, args).fetchone()
    if row is None:
        raise LookupError(f"the bench database has no row for: {sql}")
    return row


def pages(url: str) -> tuple[list[Page], dict[str, str]]:
    """Return the pages to measure, picked from the loaded data, and the accounts' passwords by role."""
    accounts = {a.role.value: a for a in demo.ACCOUNTS if a.provider_code == data.BIG}
    accounts["executor"] = next(a for a in demo.STAFF if a.provider_code == data.BIG and a.role.value == "executor")
    now = data.NOW
    with psycopg.connect(url) as conn:
        big = _one(conn, "SELECT id FROM providers WHERE code = %s", data.BIG)[0]
        ids = {role: _one(conn, "SELECT id FROM people WHERE iin = %s", a.iin)[0] for role, a in accounts.items()}
        # a request waiting for the executor, assigned to them: it shows to all three roles
        card_id, card_number = _one(
            conn, "SELECT id, number FROM applications WHERE provider_id = %s AND executor_id = %s "
                  "ORDER BY stage = 'in_execution' DESC, deadline_at DESC LIMIT 1", big, ids["executor"])
        overdue_sql = ("SELECT service_code, number FROM applications WHERE provider_id = %s AND completed_at IS NULL "
                       "AND deadline_at < %s AND service_code = 'external_study' {} ORDER BY deadline_at, id LIMIT 1")
        service, overdue = _one(conn, overdue_sql.format(""), big, now)
        # an executor sees their own requests: the filtered page must show the first of those
        _, overdue_own = _one(conn, overdue_sql.format("AND executor_id = %s"), big, now, ids["executor"])
        iin, searched = _one(
            conn, "SELECT p.iin, a.number FROM applications a JOIN people p ON p.id = a.applicant_id "
                  "WHERE a.provider_id = %s AND a.executor_id = %s ORDER BY a.id DESC LIMIT 1", big, ids["executor"])
        # the first request's applicant has a few (scale_data.CABINET_REQUESTS); the newest changed shows first
        citizen, cabinet = _one(
            conn, "SELECT p.iin, a.number FROM applications a JOIN people p ON p.id = a.applicant_id "
                  "WHERE a.applicant_id = (SELECT applicant_id FROM applications ORDER BY id LIMIT 1) "
                  "ORDER BY a.updated_at DESC LIMIT 1")
    number = NUMBER
    out = []
    for role in ("office_clerk", "head", "executor"):
        out += [Page(f"queue: awaiting me ({role})", role, "/backoffice/", number.pattern),
                Page(f"queue: all ({role})", role, "/backoffice/?tab=all", number.pattern),
                Page(f"queue: service + overdue ({role})", role,
                     f"/backoffice/?tab=all&service={service}&overdue=1",
                     overdue_own if role == "executor" else overdue),
                Page(f"search by IIN ({role})", role, f"/backoffice/?tab=all&q={iin}", searched),
                Page(f"request card ({role})", role, f"/backoffice/requests/{card_id}", card_number)]
    out += [Page("cabinet (applicant)", "applicant", "/cabinet/", cabinet),
            Page("dashboard (head)", "head", "/dashboard/", "")]
    passwords = {role: (a.iin, a.password) for role, a in accounts.items()}
    passwords["applicant"] = (citizen, data.APPLICANT_PASSWORD)
    return out, {role: f"{iin}\t{pw}" for role, (iin, pw) in passwords.items()}


def signed_in(app: Flask, credentials: str) -> FlaskClient:
    """Return a test client signed in with an IIN and password."""
    iin, password = credentials.split("\t")
    client = app.test_client()
    response = client.post("/auth/sign-in", data={"iin": iin, "password": password})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in as {iin} failed: {response.status_code}")
    return client


@dataclass
class Site:
    """One size's portal: the app on its database, its signed-in clients, its pages and a statement counter."""

    app: Flask
    clients: dict[str, FlaskClient]
    pages: dict[str, Page]
    counter: list[int]


def open_site(n: int, rebuild: bool, stack: ExitStack) -> Site:
    """Load (or reuse) the database of n requests and start a portal on it, signed in as each role."""
    url = scale_load.database_url(n)
    if rebuild or not scale_load.loaded(url, n):
        print(f"loading {n:,} requests into {url.rsplit('/', 1)[-1]} ...", flush=True)
        seconds = scale_load.load(n, log=lambda line: print(line, flush=True))
        print(f"loaded {n:,} requests in {seconds:.0f} s", flush=True)
    todo, credentials = pages(url)
    tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-scale-"))
    app = create_app(Config(instance_dir=Path(tmp), database_url=scale_load.sqlalchemy_url(url), testing=True,
                            csrf_enabled=False, public_url="http://portal.bench"))
    counter = [0]
    engine = app.extensions["portal"].sessions.kw["bind"]
    event.listen(engine, "before_cursor_execute", lambda *args: counter.__setitem__(0, counter[0] + 1))
    stack.callback(engine.dispose)
    return Site(app, {role: signed_in(app, c) for role, c in credentials.items()}, {p.label: p for p in todo},
                counter)


def _checked(site: Site, page: Page) -> tuple[str | None, int]:
    """Request a page once; return what makes its figures meaningless (if anything) and the requests it shows."""
    response = site.clients[page.role].get(page.url)
    body = response.get_data(as_text=True)
    if response.status_code != 200:
        return f"answered {response.status_code}", 0
    problem = f"does not show {page.expect!r}" if page.expect and not re.search(page.expect, body) else None
    return problem, len(set(NUMBER.findall(body)))


def measure(sites: list[Site], label: str) -> list[Figure]:
    """Request a page WARMUP + RUNS times at every size, alternating sizes request by request (side by side:
    whatever else the machine does falls on both), and return each size's figures."""
    checks = [_checked(site, site.pages[label]) for site in sites]
    times: list[list[float]] = [[] for _ in sites]
    queries = [0 for _ in sites]
    for i in range(WARMUP + RUNS):
        for k, site in enumerate(sites):
            page = site.pages[label]
            site.counter[0] = 0
            # the cabinet's list would come from the worker's memory after the first view: this measures reading
            # and showing the requests, what the database's size could slow
            site.app.extensions["cabinet_listings"].clear()
            start = time.perf_counter()
            site.clients[page.role].get(page.url)
            elapsed = (time.perf_counter() - start) * 1000
            if i >= WARMUP:
                times[k].append(elapsed)
                queries[k] = max(queries[k], site.counter[0])
    return [Figure(statistics.median(t), statistics.quantiles(t, n=20)[-1], q, problem, shown)
            for t, q, (problem, shown) in zip(times, queries, checks)]


def verdict(small: Figure, large: Figure, big_n: int) -> str:
    """Return which targets a page meets at the large size."""
    if small.problem or large.problem:
        return "CHECK FAILED: " + (large.problem or small.problem or "")
    ratio = large.median / small.median if small.median else float("inf")
    missed = []
    if ratio > TARGET_RATIO:
        rows = f" ({small.shown} rows against {large.shown})" if small.shown != large.shown else ""
        missed.append(f"ratio>{TARGET_RATIO}{rows}")
    if big_n >= LARGE and large.median >= TARGET_MS:
        missed.append(f">={TARGET_MS:.0f}ms")
    if large.queries > TARGET_QUERIES:
        missed.append(f">{TARGET_QUERIES}q")
    return "met" if not missed else "NOT met: " + ", ".join(missed)


def main(argv: list[str] | None = None) -> int:
    """Measure the sizes asked for (or the default pair) and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="")
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    if not scale_load.server_reachable():
        print(f"back-office scale benchmark: skipped, no PostgreSQL at {scale_load.SERVER}")
        return 1 if os.environ.get("REQUIRE_TOOLS") == "1" else 0
    if args.sizes:
        sizes = [int(s) for s in args.sizes.split(",")]
    else:
        large = LARGE if scale_load.loaded(scale_load.database_url(LARGE), LARGE) else FALLBACK
        sizes = [SMALL, large]
        if large != LARGE:
            print(f"(1,000,000 requests not loaded: measuring {FALLBACK:,} instead; `make bench-scale` loads them)")
    small_n, big_n = sizes[0], sizes[-1]
    small, big = {}, {}
    with ExitStack() as stack, clock.pinned(data.NOW):
        sites = [open_site(n, args.rebuild, stack) for n in (small_n, big_n)]
        for label in sites[0].pages:
            small[label], big[label] = measure(sites, label)
    head = (f"{'page':<36} {small_n:>9,}: median   p95  SQL rows {big_n:>11,}: median   p95  SQL rows  ratio  "
            "targets")
    print(f"\nback office on PostgreSQL, server time per request in ms (median, p95 over {RUNS}), SQL statements")
    print(head)
    for label, s in small.items():
        b = big[label]
        if s.problem and s.problem.startswith("answered 404") and b.problem and b.problem.startswith("answered 404"):
            print(f"{label:<36} skipped: the page answers 404 (not there yet)")
            continue
        ratio = b.median / s.median if s.median else float("nan")
        print(f"{label:<36} {'':>11}{s.median:7.1f} {s.p95:5.1f} {s.queries:4d} {s.shown:4d} {'':>13}{b.median:7.1f} "
              f"{b.p95:5.1f} {b.queries:4d} {b.shown:4d} {ratio:6.2f}  {verdict(s, b, big_n)}")
    print(f"targets: ratio {big_n:,}/{small_n:,} of the medians <= {TARGET_RATIO}, under {TARGET_MS:.0f} ms at "
          f"1,000,000, at most {TARGET_QUERIES} SQL statements a page (sign-in check included); a filtered page or "
          f"search that does not show its request ignores its parameters (or lost them): its times are not the "
          f"filter's; rows: the requests a page shows (a queue of 5 rows at 10,000 may show 50 at 1,000,000)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
