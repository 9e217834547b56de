"""Bounded verification: the cheap pre-check, the limited child, the slots."""
from __future__ import annotations

import fcntl
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from portal import clock

from portal.documents.bounded_verification import (MAX_REVISIONS, MAX_SIGNATURES, VerificationBusy,
                                                   VerificationRefused, VerifyLimits, precheck, verify_upload)
from portal.documents.verification import TooComplex, verify_pdf
from portal.pki.ca import IssuedKey, LocalCA
from tests.hostile_pdfs import bloated_at_cap, many_signatures, pages_pdf


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> LocalCA:
    """Return a CA in a temporary directory."""
    return LocalCA.load_or_create(tmp_path_factory.mktemp("ca"))


@pytest.fixture(scope="module")
def seal(ca: LocalCA) -> IssuedKey:
    """Return a provider seal of that CA."""
    return ca.provider_key(code="bounded", organisation="Сынақ ұйымы", bin="040340001234")


def _limits(tmp_path: Path, **kw: object) -> VerifyLimits:
    return VerifyLimits(slots_dir=tmp_path / "slots", **kw)  # type: ignore[arg-type]


def test_precheck_counts_revisions_and_signatures(seal: IssuedKey) -> None:
    assert precheck(many_signatures(seal, MAX_SIGNATURES)) is None
    assert precheck(many_signatures(seal, MAX_SIGNATURES + 1)) == "verify_too_complex"
    at_cap = pages_pdf(1) + b"startxref\n0\n%%EOF\n" * (MAX_REVISIONS - 1)
    assert precheck(at_cap) is None and precheck(at_cap + b"startxref\n0\n%%EOF\n") == "verify_too_complex"


def test_many_signatures_are_refused_before_pyhanko(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    pdf = many_signatures(seal, 12)
    with pytest.raises(VerificationRefused) as refused:
        verify_upload(pdf, ca.trust_roots_pem(), [], _limits(tmp_path))
    assert refused.value.code == "verify_too_complex"
    assert not (tmp_path / "slots").exists()  # refused without taking a slot or starting a child


def test_parsed_counts_catch_what_the_byte_count_misses(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    # "/Byte#52ange" is the same PDF name as "/ByteRange": the raw count sees none of them
    # (two of pyHanko's padding spaces make room, so every offset stays right)
    pdf = re.sub(rb"/ByteRange (\[[^\]]*\])  ", rb"/Byte#52ange \1", many_signatures(seal, MAX_SIGNATURES + 2))
    assert precheck(pdf) is None
    with pytest.raises(TooComplex):
        verify_pdf(pdf, ca.trust_roots_pem(), max_signatures=MAX_SIGNATURES)
    with pytest.raises(VerificationRefused) as refused:
        verify_upload(pdf, ca.trust_roots_pem(), [], _limits(tmp_path))
    assert refused.value.code == "verify_too_complex"


def test_a_file_over_the_cpu_budget_is_stopped(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    pdf = bloated_at_cap(seal, pages=300)
    assert precheck(pdf) is None  # within the caps: only the budget stops it
    with pytest.raises(VerificationRefused) as refused:
        verify_upload(pdf, ca.trust_roots_pem(), [], _limits(tmp_path, cpu_seconds=0.1, wall_seconds=30))
    assert refused.value.code == "verify_over_budget"


def test_a_file_over_the_wall_time_is_stopped(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    pdf = bloated_at_cap(seal, pages=300)
    with pytest.raises(VerificationRefused) as refused:
        verify_upload(pdf, ca.trust_roots_pem(), [], _limits(tmp_path, cpu_seconds=30, wall_seconds=0.05))
    assert refused.value.code == "verify_over_budget"


def test_a_file_over_the_memory_cap_is_stopped(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    # The child starts with the fork server's heap, part of it free: a file must need clearly more than that
    # (300 pages once fitted in it), and only the memory cap may stop it (the time budgets are generous).
    pdf = bloated_at_cap(seal, pages=1000)
    with pytest.raises(VerificationRefused) as refused:
        verify_upload(pdf, ca.trust_roots_pem(), [], _limits(tmp_path, memory_bytes=64 * 1024 * 1024,
                                                             cpu_seconds=60, wall_seconds=60))
    assert refused.value.code == "verify_over_budget"


def test_within_the_budget_the_verdict_is_the_same(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    pdf = many_signatures(seal, 2)
    bounded = verify_upload(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem], _limits(tmp_path))
    assert bounded == verify_pdf(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem])
    assert bounded.intact and bounded.trusted and bounded.problem is None


def test_the_child_validates_at_the_application_clock(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    """The checking process follows the worker's clock: years later the same file is no longer trusted."""
    pdf = many_signatures(seal, 1)
    with clock.pinned(clock.utcnow() + timedelta(days=20 * 365)):  # past the root's ten years
        late = verify_upload(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem], _limits(tmp_path))
        assert late == verify_pdf(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem])
    assert late.intact and not late.trusted
    assert verify_upload(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem], _limits(tmp_path)).trusted


def test_busy_when_every_slot_is_taken(ca: LocalCA, seal: IssuedKey, tmp_path: Path) -> None:
    limits = _limits(tmp_path, slots=2)
    limits.slots_dir.mkdir()
    held = []
    for i in range(2):  # another worker holds both slots
        fd = os.open(limits.slots_dir / f"slot-{i}.lock", os.O_RDWR | os.O_CREAT)
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        held.append(fd)
    pdf = many_signatures(seal, 1)
    with pytest.raises(VerificationBusy):
        verify_upload(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem], limits)
    os.close(held.pop())  # one slot frees up
    assert verify_upload(pdf, ca.trust_roots_pem(), [ca.issuing_cert_pem], limits).intact
    os.close(held.pop())
