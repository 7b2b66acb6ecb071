"""Clean interrupts: solver scratch directories, their child processes, and the CLI guard.

Two pieces (issue 15, "Ctrl-C or SIGTERM stops a solve within about a second,
kills any solver child process, removes its temporary files, prints one line
and exits 130"):

* :func:`solver_scratch` gives a command-line solver (CBC, GLPK, ... driven
  by PuLP) a private temporary directory. PuLP documents ``tmpDir`` as the
  place its CMD solvers write their ``.mps``/``.lp``/``.sol``/``.mst`` files;
  an interrupted solve leaves those files behind and the solver process
  running (PuLP waits on it with ``Popen.wait``, which a KeyboardInterrupt
  abandons). On any exception the child processes whose command line names
  the directory are killed, and the directory is always removed.
* :class:`InterruptGuard` is what the CLI wraps a command in: SIGINT and
  SIGTERM raise KeyboardInterrupt in the main thread (once), and a watchdog
  thread ends the process with exit 130 if the main thread has not finished
  within :data:`GRACE` seconds. The watchdog is woken by the C-level signal
  handler through :func:`signal.set_wakeup_fd`, so it fires even while the
  main thread sits in a solver call that holds no Python frame (a short
  HiGHS solve runs in the calling thread; HiGHS also has phases that check
  its interrupt flag only every few seconds). The library itself installs no
  signal handler: a program that embeds mealplan keeps its own.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import FrameType, TracebackType

__all__ = [
    "EXIT_INTERRUPTED",
    "GRACE",
    "InterruptGuard",
    "clean_up",
    "end_on_sigterm",
    "kill_children",
    "message",
    "prepare_exit",
    "solver_scratch",
]

GRACE = 0.75
"""Seconds the main thread has, after a signal, before the watchdog exits."""


def message(signum: int | None) -> str:
    """Return the one line the CLI prints on SIGINT or SIGTERM (exit 130)."""
    name = signal.Signals(signum).name if signum is not None else "Ctrl-C"
    return f"mealplan: interrupted ({name}); nothing was written."


EXIT_INTERRUPTED = 130

_lock = threading.Lock()
_scratch: set[Path] = set()
"""Scratch directories of solves in progress (the watchdog cleans them too)."""


@contextlib.contextmanager
def solver_scratch() -> Iterator[Path]:
    """Yield a private directory for a solver's files; clean it up on the way out.

    On an exception (KeyboardInterrupt included) any child process whose
    command line names the directory is killed first.
    """
    path = Path(tempfile.mkdtemp(prefix="mealplan-solver-"))
    with _lock:
        _scratch.add(path)
    try:
        yield path
    except BaseException:
        kill_children(str(path))
        raise
    finally:
        shutil.rmtree(path, ignore_errors=True)
        with _lock:
            _scratch.discard(path)


def end_on_sigterm() -> None:
    """On SIGTERM, clean up (see :func:`clean_up`) and end with status 143.

    For worker processes that a pool ends with SIGTERM: the default action
    would leave a solver child (cbc) running and its files behind.
    """

    def end(signum: int, frame: FrameType | None) -> None:
        clean_up()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, end)


def _children() -> list[tuple[int, bytes]]:
    """Return (pid, command line) of this process's children."""
    me = os.getpid()
    proc = Path("/proc")
    found: list[tuple[int, bytes]] = []
    if proc.is_dir():
        for entry in proc.iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_bytes()
                # "pid (comm) state ppid ...": comm may hold spaces and ")".
                ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
                if ppid == me:
                    found.append((int(entry.name), (entry / "cmdline").read_bytes()))
            except (OSError, ValueError, IndexError):
                continue  # gone meanwhile, or not ours to read
        return found
    try:  # no /proc (macOS, BSD): ask ps
        out = subprocess.run(
            ["ps", "-A", "-o", "pid=,ppid=,args="],
            capture_output=True,
            timeout=2,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return found
    for line in out.splitlines():
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[1] == str(me).encode():
            found.append((int(parts[0]), parts[2]))
    return found


def kill_children(marker: str, wait: float = 0.5) -> list[int]:
    """Terminate (then kill) this process's children whose command line has ``marker``.

    Returns the pids signalled. Children are reaped, so none is left as a
    zombie; a child already reaped by its own ``Popen`` is fine.
    """
    needle = marker.encode()
    pids = [pid for pid, cmd in _children() if needle in cmd]
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + wait
    alive = list(pids)
    while alive:
        alive = [pid for pid in alive if not _reaped(pid)]
        if not alive or time.monotonic() >= end:
            break
        time.sleep(0.01)
    for pid in alive:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    return pids


def _reaped(pid: int) -> bool:
    try:
        done, _ = os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True  # reaped elsewhere (its Popen), or not our child any more
    return done == pid


def clean_up() -> None:
    """Kill the solver processes of solves in progress and remove their files.

    For a process about to end on a signal without unwinding (a batch
    worker on SIGTERM, the CLI's watchdog).
    """
    with _lock:
        paths = list(_scratch)
    for path in paths:
        kill_children(str(path), wait=0.1)
        shutil.rmtree(path, ignore_errors=True)


class InterruptGuard:
    """SIGINT/SIGTERM handling for one CLI command (see the module docstring).

    Use as a context manager in the main thread. While active, the first
    SIGINT or SIGTERM raises KeyboardInterrupt (later ones are only noted, so
    they cannot break the clean-up under way); an exception that escapes the
    block after a signal becomes KeyboardInterrupt, whatever a library made
    of it (an ImportError from an interrupted extension import, a solver
    error from a solver that got the terminal's SIGINT too). The caller
    prints the line once (:meth:`claim`) and returns 130.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.signum: int | None = None
        self._done = threading.Event()
        self._claimed = threading.Lock()
        self._previous: dict[int, object] = {}
        self._writer: socket.socket | None = None
        self._old_fd = -1

    @property
    def signalled(self) -> bool:
        """Whether SIGINT or SIGTERM arrived while the guard was active."""
        return self.signum is not None

    def claim(self) -> bool:
        """Return True the first time only: whoever claims prints the line."""
        return self._claimed.acquire(blocking=False)

    def __enter__(self) -> InterruptGuard:
        if (
            not self.enabled
            or threading.current_thread() is not threading.main_thread()
        ):
            self.enabled = False
            return self
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        self._writer = writer
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._previous[sig] = signal.signal(sig, self._on_signal)
        self._old_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
        threading.Thread(
            target=self._watch, args=(reader,), name="mealplan-interrupt", daemon=True
        ).start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self.enabled:
            return
        signal.set_wakeup_fd(self._old_fd)
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)  # type: ignore[arg-type]
        self._done.set()
        writer = self._writer
        assert writer is not None
        with contextlib.suppress(OSError):
            writer.send(b"\0")  # wakes the watchdog, which then ends
        writer.close()
        if (
            exc is not None
            and self.signalled
            and not isinstance(exc, KeyboardInterrupt)
        ):
            raise KeyboardInterrupt from exc

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.signum is None:
            self.signum = signum
            raise KeyboardInterrupt

    def _watch(self, reader: socket.socket) -> None:
        try:
            while True:
                data = reader.recv(64)
                if not data or 0 in data or self._done.is_set():
                    return
                # A signal: the main thread has GRACE seconds to finish.
                if self._done.wait(GRACE):
                    return
                self._exit_now()
        except OSError:
            return
        finally:
            reader.close()

    def _exit_now(self) -> None:
        """End the process from the watchdog: the main thread is stuck in a solver."""
        clean_up()
        if self.claim():
            with contextlib.suppress(OSError):
                os.write(2, (message(self.signum) + "\n").encode())
        # Buffered stdout must not reach the reader: nothing partial is written.
        os._exit(EXIT_INTERRUPTED)


def prepare_exit() -> None:
    """Ready the process to end after a signal: quietly and at once.

    Buffered output is dropped (fd 1 goes to /dev/null), so nothing partial
    reaches the reader; and the heap is frozen, so the garbage collection at
    interpreter exit skips it (after a CBC week it took about 0.5 s).
    """
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
        os.close(devnull)
    gc.freeze()
