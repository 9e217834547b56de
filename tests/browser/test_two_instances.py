"""Two gunicorn instances, each with its own instance folder, over one PostgreSQL and no shared disk.

A browser moves between them as a load balancer would send it: the scan uploaded on one is viewed on the
other, the request prepared for signing on one is finished on the other, the result issued on one is
downloaded and verified on the other. `.ci/run` runs this file on PostgreSQL as its own stage.
"""
from __future__ import annotations

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import Engine, func, select

from portal import demo
from portal.domain.models import PkiFile, ResultDocument, StoredFile
from portal.domain.pki_store import DatabasePkiStore
from tests.browser.test_full_path import sign_in, sign_out, sign_with_dialog, staff_step
from tests.conftest import MONDAY_10, account, demo_app
from tests.eds_helpers import demo_keys
from tests.factories import pdf_bytes

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]

PUBLIC_URL = "http://portal.test"  # the load balancer's address, the same for both


def _free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Instance:
    """One gunicorn of the portal with its own instance folder; its access log tells what it served."""

    def __init__(self, name: str, folder: Path, env: dict[str, str]) -> None:
        folder.mkdir(parents=True)
        self.folder, self.port = folder, _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = folder.parent / f"{name}-access.log"
        self.process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{self.port}",
             "--access-logfile", str(self.log), "wsgi:app"],
            cwd=ROOT, env={**env, "PORTAL_INSTANCE_DIR": str(folder)}, stderr=subprocess.PIPE,
            start_new_session=True)

    def wait(self) -> None:
        """Wait until the instance answers."""
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + "/", timeout=2).read()
                return
            except OSError:
                if self.process.poll() is not None:
                    raise RuntimeError(self.process.stderr.read().decode()[-3000:])  # type: ignore[union-attr]
                time.sleep(0.1)
        raise RuntimeError(f"{self.base} did not answer")

    def served(self, method: str, path_pattern: str) -> int:
        """Count the requests of this kind in the access log."""
        pattern = re.compile(rf'"{method} {path_pattern}(\?\S*)? HTTP')
        return sum(1 for line in self.log.read_text().splitlines() if pattern.search(line))

    def stop(self) -> None:
        """Stop gunicorn and its workers."""
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(20)


@pytest.fixture
def instances(database_url: str, engine: Engine, tmp_path: Path,
              monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Instance, Instance, object]]:
    """Start two instances on the run's PostgreSQL with the demo data; yield them and an app for the test's keys."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several instances share PostgreSQL (TEST_DATABASE_URL)")
    monkeypatch.setenv("SECRET_KEY", secrets.token_hex(32))
    # the test's own app: the demo data and, through the CA kept in the database, the demo people's keys
    made = demo_app(database_url, tmp_path / "test-side", engine, file_store="database")
    app = next(made)
    env = {**os.environ, "DATABASE_URL": database_url, "PORTAL_FILE_STORE": "database",
           "PORTAL_PUBLIC_URL": PUBLIC_URL,
           "PORTAL_CLOCK": MONDAY_10.isoformat()}
    env.pop("REDIS_URL", None)
    one, two = Instance("one", tmp_path / "one", env), Instance("two", tmp_path / "two", env)
    try:
        one.wait()
        two.wait()
        yield one, two, app
    finally:
        one.stop()
        two.stop()
        next(made, None)


def test_a_citizen_and_staff_move_between_two_instances(instances, page, tmp_path, engine) -> None:
    one, two, app = instances
    assert isinstance(app.extensions["portal"].ca.store, DatabasePkiStore)
    keys = demo_keys(app)
    citizen_key, head_key = keys[demo.CITIZEN.iin], keys[account("head", "petropavl").iin]
    scan = tmp_path / "035-1.pdf"
    scan.write_bytes(pdf_bytes())

    # on instance one: sign in, fill the request, attach the scan
    page.goto(f"{one.base}/lang/en")
    sign_in(page, one.base, demo.CITIZEN)
    page.goto(f"{one.base}/")
    page.click("a:has-text('Permission to study in external form')")
    page.click("form button:has-text('Apply online')")
    page.fill("#child_iin", demo.CHILD["child_iin"])
    page.click("#check-registry")
    page.wait_for_selector("#request-form")
    page.fill("#school", "№ 7 мектеп-гимназия")
    page.select_option("#grade", "8")
    page.fill("#provider-search", "education petropavl")
    page.locator(".provider-option:not([hidden]) input").check()
    page.check("input[name=ground][value=health]")
    page.set_input_files("#doc_medical_035", str(scan))
    page.click("button[value=review]")
    page.wait_for_selector("#answers")
    review_path = page.url.removeprefix(one.base)

    # on instance two (the same cookie: one host, another port): the review, the scan's picture and the scan
    page.goto(two.base + review_path)
    assert "№ 7 мектеп-гимназия" in page.inner_text("#answers")
    page.wait_for_function("() => document.querySelector('a.scan-preview img').naturalWidth > 0")
    assert two.served("GET", r"/cabinet/requests/\d+/attachments/\d+/preview.png") == 1  # drawn on one at upload
    scan_href = page.get_attribute("a.scan-preview", "href")
    assert scan_href and page.request.get(two.base + scan_href).body() == scan.read_bytes()

    # prepared for signing on two, finished on one: the balancer sends the second request elsewhere
    page.route("**/sign/finish", lambda route: route.continue_(url=route.request.url.replace(two.base, one.base)))
    page.check("#consent")
    page.click("#submit-request")
    sign_with_dialog(page, citizen_key.signing_file, citizen_key.password)
    page.wait_for_selector("#confirmation")
    number = page.inner_text("#registration-number")
    assert two.served("POST", r"/apply/\d+/sign/prepare") == 1 and one.served("POST", r"/apply/\d+/sign/prepare") == 0
    assert one.served("POST", r"/apply/\d+/sign/finish") == 1 and two.served("POST", r"/apply/\d+/sign/finish") == 0
    page.unroute("**/sign/finish")
    for _ in range(3):  # one's workers keep their cabinet list with the request in progress (no result to download)
        page.goto(f"{one.base}/cabinet/")
        assert number in page.inner_text("#requests") and page.locator("#requests a[download]").count() == 0
    sign_out(page)

    # the staff alternate between the instances; the head's seal is issued and used on one
    staff_step(page, two.base, "office_clerk", number)

    def assign(pg):  # type: ignore[no-untyped-def]
        pg.select_option("#executor_id", label=account("executor", "petropavl").full_name)
        pg.fill("#resolution", "Қарап, 14 жұмыс күні ішінде шешім дайындаңыз.")
    staff_step(page, one.base, "head", number, assign)

    def draft(pg):  # type: ignore[no-untyped-def]
        pg.check("input[name=decision][value=permitted]")
    staff_step(page, two.base, "executor", number, draft)
    staff_step(page, one.base, "head", number, eds=(head_key.signing_file, head_key.password))
    staff_step(page, two.base, "office_clerk", number)

    # the citizen downloads the result from two and anyone verifies it there, by upload and by number
    sign_in(page, two.base, demo.CITIZEN)
    for _ in range(3):  # the steps taken on the other instance raised the stamp: one shows the result at once
        page.goto(f"{one.base}/cabinet/")
        assert page.locator("#requests a[download]").count() == 1
    page.goto(f"{two.base}/cabinet/")
    page.click(f"#requests a:text('{number}')")
    with page.expect_download() as info:
        page.click("#download-result")
    result = tmp_path / "result.pdf"
    info.value.save_as(result)
    assert result.read_bytes().startswith(b"%PDF")
    sign_out(page)
    page.goto(f"{two.base}/verify/")
    page.set_input_files("#pdf", str(result))
    page.click("form.form button[type=submit]")
    assert "Authentic and unchanged" in page.inner_text("#verdict")
    with engine.connect() as conn:
        result_number = conn.scalar(select(ResultDocument.number))
    page.goto(f"{two.base}/verify/{result_number}")  # where the result's QR code leads
    assert "Authentic and unchanged" in page.inner_text("#verdict")
    assert two.served("GET", f"/verify/{result_number}") == 1

    # nothing of the request is on either machine's disk: every file is in the database
    with engine.connect() as conn:
        assert conn.scalar(select(func.count()).select_from(StoredFile)) >= 4
        assert {"root.key.pem", "issuing.key.pem", "tsa.key.pem"} <= set(conn.scalars(select(PkiFile.name)))
    for instance in (one, two):
        kept = sorted(p.relative_to(instance.folder).as_posix() for p in instance.folder.rglob("*") if p.is_file())
        assert all(not name.startswith(("files/", "pki/", "uploads/", "results/")) for name in kept), kept
