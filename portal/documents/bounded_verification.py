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
import logging
import math
import multiprocessing
import os
import resource
import signal
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from portal import clock
from portal.documents.verification import PdfVerdict, TooComplex, verify_pdf

logger = logging.getLogger(__name__)

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


_mp_context: multiprocessing.context.ForkServerContext | None = None


def _context() -> multiprocessing.context.ForkServerContext:
    """Return the fork-server context, with pyHanko imported once in the server."""
    # A fork server is a clean single-threaded process started once per worker: each check forks
    # from it in milliseconds with pyHanko already imported (a fresh interpreter takes ~0.9 s),
    # and without copying the worker's threads, locks or database connections.
    global _mp_context
    if _mp_context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["portal.documents.verification"])
        _mp_context = context
    return _mp_context


def _run_child(pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: list[bytes],
               limits: VerifyLimits) -> PdfVerdict:
    """Run verify_pdf in a limited child process and return its verdict."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    child = _context().Process(target=_child_main, args=(sender, pdf, trust_roots_pem, intermediates_pem,
                                                         limits.cpu_seconds, limits.memory_bytes, clock.pinned_at()),
                               daemon=True)
    try:
        child.start()
    except OSError:  # no process can be started now (process or memory limits): as good as busy
        logger.warning("could not start a verification process", exc_info=True)
        sender.close()
        receiver.close()
        raise VerificationBusy() from None
    sender.close()
    try:
        answer = receiver.recv() if receiver.poll(limits.wall_seconds) else ("timeout", None)
    except EOFError:  # killed by its CPU limit (SIGPROF/SIGXCPU) before it answered
        answer = ("killed", None)
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    kind, verdict = answer
    if kind == "ok" and isinstance(verdict, PdfVerdict):
        return verdict
    if kind == "too_complex":
        raise VerificationRefused("verify_too_complex")
    logger.warning("verification stopped: %s (exit code %s)", kind, child.exitcode)
    raise VerificationRefused("verify_over_budget")


def _child_main(sender: Connection, pdf: bytes, trust_roots_pem: list[bytes], intermediates_pem: list[bytes],
                cpu_seconds: float, memory_bytes: int, pinned: datetime | None) -> None:
    """Lower priority, set the budget, verify and send the verdict back."""
    clock.pin(pinned)  # the fork server never saw the worker's clock: validate at the worker's time
    os.nice(CHILD_NICENESS)
    # ITIMER_PROF counts this process's CPU time to the millisecond and its default action ends the
    # process; RLIMIT_CPU (whole seconds) is the kernel's backstop that no Python code can defer.
    signal.setitimer(signal.ITIMER_PROF, max(cpu_seconds, 0.001))
    hard_cpu = math.ceil(cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (hard_cpu, hard_cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    logging.disable(logging.CRITICAL)  # hostile files make pyHanko log megabytes of tracebacks
    try:
        verdict = verify_pdf(pdf, trust_roots_pem, intermediates_pem,
                             max_revisions=MAX_REVISIONS, max_signatures=MAX_SIGNATURES)
        answer: tuple[str, PdfVerdict | None] = ("ok", verdict)
    except TooComplex:
        answer = ("too_complex", None)
    except MemoryError:
        answer = ("memory", None)
    sender.send(answer)
    sender.close()
