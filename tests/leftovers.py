"""Processes a test run leaves behind after its last test.

A process started by a test (a pool or Dask worker, a server, a solver, or
one of their children) that outlives the run, even orphaned, can keep CI
waiting until its own timeout although every test has passed. The run marks
its environment, which every process it starts inherits; at the end the
processes that still carry the mark are named and ended. Linux only (it
reads ``/proc``); elsewhere it finds none.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
MARK = "MEALPLAN_TEST_RUN"
"""Environment variable naming the pytest process that started a process."""


@dataclass(frozen=True)
class Leftover:
    """A process started during the run that is still there."""

    pid: int
    ppid: int
    command: str


def mark() -> None:
    """Mark this run's environment, so that every process it starts carries it."""
    os.environ[MARK] = str(os.getpid())


def _stat(pid: int) -> list[str]:
    try:
        stat = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return []
    # The command name is in parentheses and may hold spaces or ')'.
    return stat.rsplit(")", 1)[1].split()


def _marked(pid: int, token: bytes) -> bool:
    try:
        return token in (PROC / str(pid) / "environ").read_bytes().split(b"\0")
    except OSError:
        return False


def _command(pid: int) -> str:
    try:
        raw = (PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return "?"
    return raw.replace(b"\0", b" ").decode(errors="replace").strip()[:200]


def leftovers() -> list[Leftover]:
    """Running processes (not zombies) that this run started, itself excluded."""
    me = os.getpid()
    if os.environ.get(MARK) != str(me) or not PROC.is_dir():
        return []
    token = f"{MARK}={me}".encode()
    found: list[Leftover] = []
    for entry in PROC.iterdir():
        if not entry.name.isdigit() or int(entry.name) == me:
            continue
        pid = int(entry.name)
        fields = _stat(pid)
        if len(fields) < 2 or fields[0] == "Z" or not _marked(pid, token):
            continue
        found.append(Leftover(pid, int(fields[1]), _command(pid)))
    return found


def ends_with_us(leftover: Leftover) -> bool:
    """multiprocessing's own helpers, which exit when this process does.

    Killing the resource tracker early would make multiprocessing start a
    new one at exit.
    """
    return leftover.ppid == os.getpid() and (
        "multiprocessing.resource_tracker" in leftover.command
        or "multiprocessing.forkserver" in leftover.command
    )


def end(pids: list[int], grace: float = 3.0) -> None:
    """SIGTERM ``pids``, then SIGKILL whichever is still there after ``grace``."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    until = time.monotonic() + grace
    while time.monotonic() < until and any(_running(p) for p in pids):
        time.sleep(0.05)
    for pid in pids:
        if _running(pid):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def _running(pid: int) -> bool:
    fields = _stat(pid)
    return bool(fields) and fields[0] != "Z"
