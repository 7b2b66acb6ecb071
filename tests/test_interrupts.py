"""Ctrl-C and SIGTERM (issue 15): exit 130 at once, one line, nothing left behind.

The CLI tests start a solve that cannot end soon, wait for a marker that it
is solving (the HiGHS solver thread, or the ``cbc`` child process; never a
sleep that depends on machine speed), send the signal and check from outside:
exit 130 within 2 s of the signal (the watchdog ends the process 0.75 s after
it at the latest, see ``_interrupt.GRACE``), one line on stderr, nothing on
stdout, no solver process and no temporary file left in ``TMPDIR``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mealplan._interrupt import GRACE, InterruptGuard, kill_children, solver_scratch

pytestmark = pytest.mark.skipif(
    sys.platform != "linux", reason="reads /proc to watch the solver from outside"
)

# From the signal to the exit, measured from outside. The issue asks for 2 s;
# the watchdog guarantees GRACE (0.75 s) plus the process exit.
LIMIT = 2.0
# How long to wait for the solve to start (imports, table, model) on a
# loaded machine: a marker, not a verdict.
START = 120.0


def _env(tmp: Path) -> dict[str, str]:
    # One BLAS thread, so a busy second thread in the process is the solver's.
    return dict(
        os.environ,
        TMPDIR=str(tmp),
        TMP=str(tmp),
        TEMP=str(tmp),
        OPENBLAS_NUM_THREADS="1",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
    )


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _solver_thread(pid: int) -> bool:
    """Whether a thread other than the main one has done real work (>= 50 ms CPU).

    HiGHS solves in its own thread; the CLI's only other thread, the
    interrupt watchdog, sleeps until a signal comes.
    """
    for task in Path(f"/proc/{pid}/task").glob("*"):
        if task.name == str(pid):
            continue
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[11]) + int(fields[12]) >= 5:  # utime + stime, in ticks
            return True
    return False


def _name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        return ""


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _interrupt(
    args: list[str], tmp: Path, sig: signal.Signals, *, group: bool, cbc: bool
) -> tuple[int, float, str, str, list[int]]:
    """Run ``mealplan ARGS``, signal it once solving; return what came out."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "mealplan", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp),
        start_new_session=True,  # a process group of its own, as in a terminal
    )
    solvers: list[int] = []
    try:
        end = time.monotonic() + START
        while time.monotonic() < end and proc.poll() is None:
            if cbc:
                solvers = [c for c in _children(proc.pid) if _name(c) == "cbc"]
                if solvers:
                    break
            elif _solver_thread(proc.pid):
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the plan ended before it could be interrupted"
        assert not cbc or solvers, "cbc never started"
        sent = time.monotonic()
        if group:
            os.killpg(proc.pid, sig)  # Ctrl-C reaches the whole group
        else:
            proc.send_signal(sig)  # a supervisor signals the main process only
        stdout, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
        # Close the pipes on every path: one left open is reported as an
        # unraisable ResourceWarning in whichever later test collects it.
        proc.communicate()
    return proc.returncode, took, stdout.decode(), stderr.decode(), solvers


@pytest.mark.parametrize(
    ("solver", "sig", "group", "shape"),
    [
        # The case: a running week, Ctrl-C to the whole group, both
        # solvers; a week under the default structure runs to its limit.
        ("highs", signal.SIGINT, True, ["--days", "7"]),
        ("cbc", signal.SIGINT, True, ["--days", "7"]),
        ("highs", signal.SIGINT, True, ["--days", "28"]),
        # A 6-food day with CBC also runs the whole limit; SIGTERM from a
        # supervisor reaches the main process only.
        ("cbc", signal.SIGINT, True, ["--max-foods", "6"]),
        ("cbc", signal.SIGTERM, False, ["--max-foods", "6"]),
    ],
    ids=["highs-week", "cbc-week", "highs-28-days", "cbc-day", "cbc-day-sigterm"],
)
def test_cli_interrupt_mid_solve(
    tmp_path: Path, solver: str, sig: signal.Signals, group: bool, shape: list[str]
) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    cbc = solver == "cbc"
    args = ["plan", "--age", "35", "--sex", "female", "--time-limit", "120"]
    args += [*shape, "--solver", solver]
    code, took, stdout, stderr, solvers = _interrupt(
        args, tmp, sig, group=group, cbc=cbc
    )
    assert code == 130, stderr
    assert took < LIMIT, f"exit {took:.2f} s after {sig.name}"
    assert stderr.strip().splitlines() == [
        f"mealplan: interrupted ({sig.name}); nothing was written."
    ]
    assert stdout == ""
    assert not [p for p in solvers if _alive(p)], "the cbc process was left running"
    assert sorted(p.name for p in tmp.iterdir()) == [], "temporary files left"


_STUCK = """
import sys, time
from mealplan._interrupt import InterruptGuard
with InterruptGuard():
    try:
        print("stuck", file=sys.stderr, flush=True)
        while True:
            time.sleep(0.01)
    except KeyboardInterrupt:  # the first signal raises once
        pass
    time.sleep(60)  # like a solver call that does not return on a signal
print("not reached", flush=True)
"""


def test_watchdog_ends_a_main_thread_that_does_not_stop(tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(_STUCK)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
    )
    try:
        assert proc.stderr is not None
        assert proc.stderr.readline() == b"stuck\n"
        sent = time.monotonic()
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
        # Close the pipes on every path: one left open is reported as an
        # unraisable ResourceWarning in whichever later test collects it.
        proc.communicate()
    assert proc.returncode == 130
    assert GRACE <= took < LIMIT
    assert stdout == b""
    assert stderr.decode().splitlines() == [
        "mealplan: interrupted (SIGTERM); nothing was written."
    ]


def test_solver_scratch_kills_its_children_and_removes_its_files() -> None:
    children: list[subprocess.Popen[bytes]] = []
    dirs: list[Path] = []

    def interrupted_solve() -> None:
        with solver_scratch() as scratch:
            dirs.append(scratch)
            (scratch / "model-pulp.mps").write_text("NAME x\n")
            # The child names the directory on its command line, as cbc does.
            children.append(
                subprocess.Popen(
                    [sys.executable, "-c", "import time; time.sleep(60)", str(scratch)]
                )
            )
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted_solve()
    assert children[0].wait(timeout=5) is not None
    assert not dirs[0].exists()
    # A clean exit removes the directory too and kills nothing.
    with solver_scratch() as scratch:
        (scratch / "x.sol").write_text("")
    assert not scratch.exists()
    assert kill_children(str(scratch)) == []


def test_guard_outside_the_main_thread_is_inert() -> None:
    import threading

    seen: list[bool] = []
    before = signal.getsignal(signal.SIGTERM)

    def run() -> None:
        with InterruptGuard() as guard:
            seen.append(guard.enabled)

    t = threading.Thread(target=run)
    t.start()
    t.join()
    assert seen == [False]
    assert signal.getsignal(signal.SIGTERM) is before


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid``: the fork server, its workers, their solvers."""
    found: list[int] = []
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*"):
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += kids
            todo += kids
    return found


def _parent(pid: int) -> int | None:
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


# A hang guard, not a verdict: the markers below are events (a cbc process
# appears; the batch and its workers exit), so load only makes them later.
HANG = 600.0


@pytest.fixture
def short_tmp() -> Iterator[Path]:
    """An empty TMPDIR with a short path, removed afterwards.

    The batch's fork server listens on a socket in TMPDIR, and a socket path
    may hold at most 107 bytes: under pytest's own tmp_path (longer still in
    an xdist worker's popen-gwN folder) it did not fit ("AF_UNIX path too
    long").
    """
    tmp = Path(tempfile.mkdtemp(prefix="mp-"))
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def test_batch_interrupt_leaves_no_cbc_behind(tmp_path: Path, short_tmp: Path) -> None:
    # The pool ends its workers with SIGTERM; a worker solving with cbc
    # kills it and removes its files first (_interrupt.end_on_sigterm).
    #
    # Robust on a loaded machine (it once failed with "cbc never started" at
    # load 12-15): the request's time limit was 120 s and the wait for cbc
    # 120 s, and the limit counts from the worker's start of the request, so
    # a slow enough start-up (imports, fork server, table, model, writing
    # the MPS file) either outlasted the wait or left the solver no time at
    # all (the backend then reports "time limit" without starting cbc).
    # Now the limit is the largest a request may have, the wait ends on
    # events (cbc appears below the batch, or the batch exits), and after
    # the signal the test waits for the workers themselves to be gone
    # before it looks for leftovers (the pool gives a worker 5 s to end,
    # then the parent exits anyway; under load the worker may still be
    # cleaning up then).
    tmp = short_tmp
    requests = tmp_path / "requests.jsonl"
    line = '{"id": "p%d", "person": {"age": 35, "sex": "female"}, "solver": "cbc", '
    line += '"max_foods": 6, "time_limit": 3600}\n'
    requests.write_text("".join(line % i for i in range(2)))  # one worker each
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "mealplan", "batch", str(requests), "-o", str(out)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=_env(tmp),
        start_new_session=True,
    )
    solvers: list[int] = []
    workers: list[int] = []
    try:
        end = time.monotonic() + HANG
        while time.monotonic() < end and proc.poll() is None and not solvers:
            # Workers are the fork server's children: cbc is a descendant of
            # the batch, and names this test's TMPDIR on its command line.
            solvers = [
                p
                for p in _descendants(proc.pid)
                if _name(p) == "cbc" and str(tmp) in _cmdline(p)
            ]
            time.sleep(0.05)
        ended = proc.poll()
        if not solvers:
            _, err = proc.communicate(timeout=60) if ended is not None else (b"", b"")
            shown = out.read_text()[:500] if out.exists() else "no output file"
            pytest.fail(
                f"cbc never started (batch exit code {ended}; stderr "
                f"{err.decode()[-500:]!r}; output {shown!r})"
            )
        workers = [w for w in (_parent(p) for p in solvers) if w is not None]
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=HANG)
        # The parent may exit before a worker has finished ending its cbc.
        end = time.monotonic() + HANG
        while time.monotonic() < end and any(_alive(p) for p in workers + solvers):
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            proc.kill()
        left = [p for p in solvers if _alive(p)]
        for pid in left:  # never leave an hour-long cbc on a shared machine
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        # Close the pipes on every path: one left open is reported as an
        # unraisable ResourceWarning in whichever later test collects it.
        proc.communicate()
    assert proc.returncode == 130, stderr
    assert not left, "the cbc process was left running"
    assert list(tmp.iterdir()) == [], "temporary files left"


def _importing(pid: int) -> bool:
    """Whether the process is importing the command line: pydantic-core is mapped.

    The models import it early on; numpy, the table code and the rest of the
    command line follow, which take longer than this poll's step.
    """
    try:
        return "pydantic_core" in Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_cli_interrupt_during_start_up(tmp_path: Path, sig: signal.Signals) -> None:
    # Signalled mid-import (a marker seen from outside, not a sleep): the
    # import takes hundreds of milliseconds, seconds under load. Without the
    # entry point's own handler, SIGINT there printed a KeyboardInterrupt
    # traceback from inside an import and SIGTERM killed the process.
    proc = subprocess.Popen(
        [sys.executable, "-m", "mealplan", "plan", "--age", "35", "--sex", "female"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_env(tmp_path),
        start_new_session=True,
    )
    try:
        end = time.monotonic() + START
        while (
            time.monotonic() < end and proc.poll() is None and not _importing(proc.pid)
        ):
            time.sleep(0.002)
        assert proc.poll() is None, "the command ended before it could be interrupted"
        os.killpg(proc.pid, sig)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, stderr
    assert stderr.decode().splitlines() == [
        f"mealplan: interrupted ({sig.name}); nothing was written."
    ]
    assert stdout == b""


def test_start_up_line_is_the_cli_line() -> None:
    from mealplan._entry import _line
    from mealplan._interrupt import message

    for sig in (signal.SIGINT, signal.SIGTERM):
        assert _line(sig) == message(sig)
