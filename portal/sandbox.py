"""Run a function on untrusted bytes in a child process held to a CPU, memory and wall-clock budget.

Children are forked from a fork server: a clean single-threaded process started once per worker
with pyHanko already imported. Forking the worker itself is not safe: a worker has threads (the
rate limiter's timers, a threaded server), and a child forked while one of them held a lock (in
libc, in an extension, or in an LD_PRELOAD shim) can block on it forever. Each check forks from
the server in milliseconds (a fresh interpreter would take ~0.9 s) without copying the worker's
threads, locks or database connections.
"""
from __future__ import annotations

import logging
import math
import multiprocessing
import os
import resource
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import popen_forkserver, spawn
from multiprocessing.connection import Connection
from typing import Any

from portal import clock

logger = logging.getLogger(__name__)

#: modules the fork server imports once, so that children start with them loaded (named, not
#: imported here: the sandbox knows nothing of what runs in it)
PRELOAD = ["portal.domain.scans", "portal.documents.verification", "portal.domain.previews"]


@dataclass(frozen=True)
class Budget:
    """What one child may use before it is stopped."""

    #: CPU time the child may use
    cpu_seconds: float
    #: address space the child may map in all (a child starts at about 70 MB with pyHanko loaded)
    memory_bytes: int
    #: time the caller waits for the answer before killing the child
    wall_seconds: float
    #: niceness of the child: the request workers' own pages come first
    niceness: int = 0


class Stopped(Exception):
    """The child gave no answer: ``kind`` is timeout, killed, memory or unstartable."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


_mp_context: multiprocessing.context.ForkServerContext | None = None
_launching = threading.local()
_stock_preparation_data = spawn.get_preparation_data


def _preparation_data(name: str) -> dict[str, Any]:
    """Return multiprocessing's start-up data, without the main module when a bounded child starts.

    Multiprocessing imports the parent's main script again in every child (`flask run`'s costs 0.55 s
    of CPU, gunicorn's about 0.1 s), on the child's budget; our targets live in importable modules.
    """
    data = _stock_preparation_data(name)
    if getattr(_launching, "bounded", False):
        data.pop("init_main_from_path", None)
        data.pop("init_main_from_name", None)
    return data


class _Popen(popen_forkserver.Popen):
    """Start a child from the fork server without the parent's main module."""

    def _launch(self, process_obj: Any) -> None:
        _launching.bounded = True
        try:
            super()._launch(process_obj)
        finally:
            _launching.bounded = False


class _BoundedProcess(multiprocessing.context.ForkServerProcess):
    """A fork-server child that starts without importing the parent's main module."""

    @staticmethod
    def _Popen(process_obj: Any) -> _Popen:  # type: ignore[override]
        return _Popen(process_obj)


def _context() -> multiprocessing.context.ForkServerContext:
    """Return the fork-server context, with the PRELOAD modules imported once in the server."""
    global _mp_context
    if _mp_context is None:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        spawn.get_preparation_data = _preparation_data  # the same data for every other start
        _mp_context = context
    return _mp_context


def run_bounded(target: Callable[..., Any], args: tuple, budget: Budget) -> Any:
    """Return ``target(*args)`` computed in a limited child; raise Stopped when it gave no answer."""
    receiver, sender = multiprocessing.Pipe(duplex=False)
    _context()
    child = _BoundedProcess(target=_child_main, args=(sender, target, args, budget, clock.pinned_at()),
                               daemon=True)
    try:
        child.start()
    except OSError:  # no process can be started now (process or memory limits)
        logger.warning("could not start a bounded child", exc_info=True)
        sender.close()
        receiver.close()
        raise Stopped("unstartable") from None
    sender.close()
    try:
        kind, result = receiver.recv() if receiver.poll(budget.wall_seconds) else ("timeout", None)
    except EOFError:  # killed by its CPU limit (SIGPROF/SIGXCPU) before it answered
        kind, result = "killed", None
    finally:
        if child.is_alive():
            child.kill()
        child.join(5)
        receiver.close()
    if kind != "ok":
        logger.warning("bounded child stopped: %s (exit code %s)", kind, child.exitcode)
        raise Stopped(kind)
    return result


def _child_main(sender: Connection, target: Callable[..., Any], args: tuple, budget: Budget,
                pinned: datetime | None) -> None:
    """Set the budget, run the target and send its result back."""
    clock.pin(pinned)  # the fork server never saw the worker's clock: work at the worker's time
    if budget.niceness:
        os.nice(budget.niceness)
    # ITIMER_PROF counts this process's CPU time to the millisecond and its default action ends the
    # process; RLIMIT_CPU (whole seconds) is the kernel's backstop that no Python code can defer.
    signal.setitimer(signal.ITIMER_PROF, max(budget.cpu_seconds, 0.001))
    hard_cpu = math.ceil(budget.cpu_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (hard_cpu, hard_cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (budget.memory_bytes, budget.memory_bytes))
    logging.disable(logging.CRITICAL)  # hostile files make pyHanko log megabytes of tracebacks
    try:
        answer: tuple[str, Any] = ("ok", target(*args))
    except MemoryError:
        answer = ("memory", None)
    sender.send(answer)
    sender.close()
