"""Verify an uploaded PDF at a bounded cost, so that one upload cannot stall the portal.

pyHanko's diff analysis grows with revisions × signatures × objects: a 0.9 MB
file with ~150 incremental signatures takes it minutes. So, in order:
1. a cheap byte count of revisions and signatures refuses files no result of
   this portal resembles (ours carry one or two signatures);
2. the validation runs in a child process at low CPU priority with a CPU
   budget, a memory cap and a wall-clock timeout, killed when over any of them;
   inside, the parsed revision and signature counts are checked again (the byte
   count can be dodged with ``#xx`` name escapes or object streams);
3. only a few such children run at once across all workers (file locks in the
   instance folder); past that the upload is answered "busy" at once instead of
   queueing, so request workers stay free for every other page.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from portal.documents.verification import PdfVerdict, TooComplex, verify_pdf
from portal.sandbox import Budget, Stopped, run_bounded

#: revisions (``%%EOF``/``startxref``) an upload may carry; a portal result has two or three
MAX_REVISIONS = 10
#: signatures (``/ByteRange``) an upload may carry; a portal result has one or two
MAX_SIGNATURES = 4
#: niceness of the checking child: the request workers' own pages come first
CHILD_NICENESS = 15


class VerificationRefused(Exception):
    """The upload was not checked because it exceeds a limit; ``code`` names the message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class VerificationBusy(VerificationRefused):
    """Every verification slot is taken; the upload should be retried in a minute."""

    def __init__(self) -> None:
        super().__init__("verify_busy")


@dataclass(frozen=True)
class VerifyLimits:
    """The budget of one upload's check and how many checks may run at once."""

    #: folder holding one lock file per slot, shared by every worker of this instance
    slots_dir: Path
    #: checks running at once across all workers; keep it below the worker count
    slots: int = 1
    #: CPU time the child may use
    cpu_seconds: float = 4.0
    #: time the request waits for the child before killing it
    wall_seconds: float = 10.0
    #: address space the child may map
    memory_bytes: int = 1024 * 1024 * 1024


def precheck(pdf: bytes) -> str | None:
    """Return the refusal code when the raw bytes show more revisions or signatures than allowed."""
    revisions = max(pdf.count(b"%%EOF"), pdf.count(b"startxref"))
    if revisions > MAX_REVISIONS or pdf.count(b"/ByteRange") > MAX_SIGNATURES:
        return "verify_too_complex"
    return None


def verify_upload(pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: Sequence[bytes],
                  limits: VerifyLimits) -> PdfVerdict:
    """Verify an uploaded PDF within the limits, or raise VerificationRefused / VerificationBusy."""
    code = precheck(pdf)
    if code is not None:
        raise VerificationRefused(code)
    with _slot(limits.slots_dir, limits.slots):
        return _run_child(pdf, list(trust_roots_pem), list(intermediates_pem), limits)


@contextmanager
def _slot(directory: Path, count: int) -> Iterator[None]:
    """Hold one of ``count`` lock files, or raise VerificationBusy when all are held."""
    directory.mkdir(parents=True, exist_ok=True)
    for i in range(max(count, 1)):
        fd = os.open(directory / f"slot-{i}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        try:
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock; a killed worker's lock goes with it
        return
    raise VerificationBusy()


def _run_child(pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: list[bytes],
               limits: VerifyLimits) -> PdfVerdict:
    """Run verify_pdf in a limited child process and return its verdict."""
    budget = Budget(cpu_seconds=limits.cpu_seconds, memory_bytes=limits.memory_bytes,
                    wall_seconds=limits.wall_seconds, niceness=CHILD_NICENESS)
    try:
        verdict = run_bounded(_verify, (pdf, trust_roots_pem, intermediates_pem), budget)
    except Stopped as stopped:
        if stopped.kind == "unstartable":  # no process can be started now: as good as busy
            raise VerificationBusy() from None
        raise VerificationRefused("verify_over_budget") from None
    if verdict is None:
        raise VerificationRefused("verify_too_complex")
    return verdict


def _verify(pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: list[bytes]) -> PdfVerdict | None:
    """Verify in the child; None when the parsed file has more revisions or signatures than allowed."""
    try:
        return verify_pdf(pdf, trust_roots_pem, intermediates_pem,
                          max_revisions=MAX_REVISIONS, max_signatures=MAX_SIGNATURES)
    except TooComplex:
        return None
