"""The default backend: highspy, taking the model's arrays in bulk.

Columns go in with one ``addVars`` call, costs and integrality with one call
each, and the CSR rows with one ``addRows`` call: no per-variable Python
objects (PERFORMANCE.md: 0.075-0.14x of PuLP's build and transfer). A solve
runs in highspy's solver thread and this thread waits in short slices, so
Ctrl-C cancels it within about 0.1 s and the KeyboardInterrupt is re-raised
once HiGHS has stopped, or after a 1 s grace when HiGHS is inside a sub-MIP
heuristic that does not look at the cancel flag.

The same wait keeps the request's deadline: HiGHS checks its time limit only
between some of its steps (not inside presolve, the feasibility jump, or the
sub-MIP that completes a partial start: each was seen running 0.3-1.3 s past
a limit of 0.14-0.6 s at load 3), so a solve still running when its part of
the time is over is cancelled, and one still running
:data:`_ABANDON_AFTER` past the request's end is abandoned like a cancelled
Ctrl-C: it returns no plan, its thread stops on its own, and the caller
goes on with what it had (``benchmarks/deadline.py``).
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import math
import os
import sys
import threading
import time
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._backend import BackendResult, BackendStatus, SolveOptions

if TYPE_CHECKING:
    from numpy.typing import NDArray

    from mealplan._deadline import Deadline
    from mealplan._formulation import Model

__all__ = ["HighsBackend"]

_NO_NODE_LIMIT = 2**31 - 1
"""HiGHS's default ``mip_max_nodes`` (no limit)."""

_POOL = 10000
"""HiGHS's default ``mip_pool_soft_limit`` (cuts kept)."""


@functools.cache
def _silence_highs_banner() -> None:
    """Create the first Highs object with stdout closed.

    highspy prints a copyright banner to the C-level stdout the first time a
    ``Highs`` is created, whatever ``output_flag`` says; it would corrupt the
    JSON a diet app reads from ``mealplan plan --format json``.
    """
    import highspy

    try:
        sys.stdout.flush()
        fd = sys.__stdout__.fileno() if sys.__stdout__ else 1
        saved = os.dup(fd)
    except (OSError, ValueError, AttributeError):
        highspy.Highs()  # type: ignore[no-untyped-call]
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, fd)
        highspy.Highs()  # type: ignore[no-untyped-call]
    finally:
        os.dup2(saved, fd)
        os.close(saved)
        os.close(devnull)


_threads: int | None = None
"""HiGHS threads for every solve in this process; None: HiGHS's default.

Set by batch and server workers (:func:`set_solver_threads`): there the
workers are the parallelism. HiGHS keeps one scheduler per calling thread,
sized at that thread's first solve from the ``threads`` option of that
solve, so the option must be on every ``Highs`` object: a tiny solve with
``threads=1`` in one thread does not pin a solve in another (measured with
highspy 1.16 in a Dask worker's task thread, whose scheduler still started a
second, spinning thread)."""


def set_solver_threads(count: int | None) -> None:
    """Give every later solve in this process ``count`` HiGHS threads."""
    global _threads  # process-wide, like HiGHS's own schedulers
    _threads = count


_INTERRUPT_GRACE = 1.0
"""Seconds a cancelled solve gets to stop before Ctrl-C is raised anyway."""

_ABANDON_AFTER = 0.1
"""Seconds past the request's end a solve still running is abandoned
(HiGHS was cancelled at its own part's end and has not stopped)."""

_POLL = 0.1
"""Seconds between looks at Ctrl-C and the clock while HiGHS runs."""

_EXIT_WAIT = 10.0
"""Seconds the interpreter's exit waits for abandoned solves to stop (a HiGHS
thread still running at exit aborts the process)."""


class _Running:
    """One HiGHS solve in a daemon thread, stoppable through its interrupt callbacks.

    Not highspy's ``startSolve``: its locks are class attributes shared by
    every ``Highs`` object, so a solve left running would block every later
    one (highspy 1.16).
    """

    def __init__(self, h: Any) -> None:
        self.h = h
        self.stop = False
        self.begun = threading.Event()
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._main, daemon=True)
        for name in ("cbSimplexInterrupt", "cbIpmInterrupt", "cbMipInterrupt"):
            getattr(h, name).subscribe(self._check)

    def start(self) -> None:
        """Start the solve (a Ctrl-C inside still leaves a thread to stop)."""
        self.thread.start()

    @property
    def running(self) -> bool:
        """Whether the thread may still be in HiGHS (or may yet start)."""
        return not self.done.is_set()

    def _check(self, event: Any) -> None:
        if self.stop:
            event.interrupt()

    def _main(self) -> None:
        self.begun.set()
        try:
            if not self.stop:
                self.h.run()
        finally:
            # As highspy's own solver thread does: end this thread's HiGHS
            # scheduler, whose worker threads would abort the process at exit.
            type(self.h).resetThreadScheduler(False)
            self.done.set()

    def detach(self) -> None:
        """Take the interrupt callbacks off (only once the solve has ended)."""
        h = self.h
        for name in ("cbSimplexInterrupt", "cbIpmInterrupt", "cbMipInterrupt"):
            getattr(h, name).unsubscribe(self._check)


_abandoned: list[_Running] = []
"""Solves still running when Ctrl-C was raised or the request's deadline
passed: held so no Highs object is destroyed while its thread runs (dropped
once the thread has ended)."""


def _keep(run: _Running) -> None:
    """Hold ``run`` while its thread runs; forget the ones that have ended."""
    run.stop = True
    _abandoned[:] = [r for r in _abandoned if r.running]
    _abandoned.append(run)


@atexit.register
def _wait_for_abandoned() -> None:
    end = time.monotonic() + _EXIT_WAIT
    for run in _abandoned:
        # A thread a Ctrl-C stopped inside Thread.start() may never begin.
        if run.begun.wait(min(0.1, max(end - time.monotonic(), 0.0))):
            run.done.wait(max(end - time.monotonic(), 0.0))


def _stop(run: _Running) -> None:
    """Cancel a solve and wait briefly for it to stop.

    HiGHS checks the cancel flag in its main MIP loop but not inside its
    sub-MIP heuristics, which on a 28-day plan run for many seconds (seen:
    over 60 s at load 14). Ctrl-C must stop the program within about a
    second, so past the grace the solve is left to finish in its daemon
    thread (it never returns a result to anyone) and the Highs object is
    kept alive. A second Ctrl-C during the grace ends the wait at once.
    """
    run.stop = True
    with contextlib.suppress(KeyboardInterrupt):
        run.done.wait(_INTERRUPT_GRACE)
    if run.running:
        _keep(run)
    else:
        run.detach()


class HighsBackend:
    """A :class:`~mealplan._backend.Backend` on highspy."""

    name = "highs"

    def __init__(self) -> None:
        import highspy

        _silence_highs_banner()
        self._hs = highspy
        self._h: Any = self._new()
        self._model: Model | None = None
        self._cancelled = False
        """Whether the last solve was cancelled at its part's end."""
        self._reload = False
        """Whether the model must go to a new Highs (the last was abandoned)."""

    def _new(self) -> Any:
        h = self._hs.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        if _threads is not None:
            h.setOptionValue("threads", _threads)
        return h

    def load(self, model: Model) -> None:
        """Pass the model's arrays to HiGHS in bulk."""
        h = self._h
        h.clearModel()
        n = model.num_cols
        h.addVars(n, model.col_lower, model.col_upper)
        idx = np.arange(n, dtype=np.int32)
        if n:
            h.changeColsCost(n, idx, model.col_cost)
            if model.is_mip:
                h.changeColsIntegrality(n, idx, model.integrality.astype(np.uint8))
        m = model.num_rows
        if m:
            h.addRows(
                m,
                model.row_lower,
                model.row_upper,
                len(model.data),
                model.indptr[:-1].astype(np.int32),
                model.indices,
                model.data,
            )
        sense = (
            self._hs.ObjSense.kMaximize
            if model.maximise
            else self._hs.ObjSense.kMinimize
        )
        h.changeObjectiveSense(sense)
        self._model = model
        self._reload = False

    def change_row_bounds(
        self,
        rows: NDArray[np.int32],
        lower: NDArray[np.float64],
        upper: NDArray[np.float64],
    ) -> None:
        """Change some rows' bounds of the loaded model; HiGHS keeps its basis.

        The next solve of an LP starts from the last one's basis (a hot
        start): the diagnosis's LP screen (mealplan._hot_lp).
        """
        self._h.changeRowsBounds(
            len(rows),
            np.asarray(rows, dtype=np.int32),
            np.asarray(lower, dtype=np.float64),
            np.asarray(upper, dtype=np.float64),
        )

    def forget_basis(self) -> None:
        """Drop the last solve's basis: the next LP solve starts from scratch.

        A hot start from another bound set's basis now and then ends with
        HiGHS's "Unknown" status, where the same LP solved cold is proven
        (the diagnosis's LP screen, mealplan._hot_lp).
        """
        self._h.clearSolver()

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the loaded model to ``path`` (MPS or LP by its suffix)."""
        self._h.writeModel(os.fspath(path))

    def set_start(self, x: NDArray[np.float64]) -> None:
        """Hand HiGHS the known columns of a start; it completes the rest."""
        known = np.flatnonzero(~np.isnan(x)).astype(np.int32)
        if len(known):
            self._h.setSolution(len(known), known, x[known].astype(np.float64))

    def set_option(self, name: str, value: str | float | bool) -> None:
        """Set a HiGHS option that :class:`SolveOptions` does not cover."""
        self._h.setOptionValue(name, value)

    def solve(self, deadline: Deadline, options: SolveOptions) -> BackendResult:
        """Solve within ``deadline``; Ctrl-C cancels HiGHS and is re-raised."""
        assert self._model is not None, "load a model first"
        model = self._model
        if deadline.expired:
            # No new work once the time is up: even a 0.01 s limit costs
            # HiGHS its set-up and presolve (seen: 0.03-0.34 s at load 3).
            deadline.note_hit()
            return BackendResult(
                BackendStatus.NO_SOLUTION,
                solver_status="Time limit reached (not started)",
                time_limited=True,
            )
        if self._reload:
            self.load(model)
        h = self._h
        h.setOptionValue("time_limit", deadline.limit())
        h.setOptionValue("mip_rel_gap", options.mip_gap)
        h.setOptionValue("mip_abs_gap", min(max(options.abs_gap, 1e-9), 1e30))
        h.setOptionValue("presolve", "on" if options.presolve else "off")
        h.setOptionValue("mip_heuristic_effort", 0.05 if options.heuristics else 0.0)
        h.setOptionValue("mip_pool_soft_limit", _POOL if options.cuts else 1)
        h.setOptionValue("mip_heuristic_run_rins", options.sub_mips)
        h.setOptionValue("mip_heuristic_run_rens", options.sub_mips)
        h.setOptionValue("mip_heuristic_run_feasibility_jump", options.feasibility_jump)
        nodes = options.node_limit
        h.setOptionValue("mip_max_nodes", _NO_NODE_LIMIT if nodes is None else nodes)
        # objective_bound is HiGHS's cutoff: branches whose bound is above it
        # are pruned. It is applied to minimisations only (its sense for a
        # maximisation is HiGHS-internal); inf is HiGHS's default.
        cutoff = options.cutoff
        if cutoff is None or model.maximise or not model.is_mip:
            cutoff = math.inf
        h.setOptionValue("objective_bound", float(cutoff))
        began = time.perf_counter()
        stop = options.stop if model.is_mip else None

        def check(event: Any) -> None:
            assert stop is not None
            out = event.data_out
            if stop(float(out.mip_primal_bound), float(out.mip_dual_bound)):
                event.interrupt()

        if stop is not None:
            h.cbMipInterrupt += check
        ended = self._run(options.interruptible, deadline)
        if ended is not None:
            # HiGHS may still be stopping (see _stop): read nothing from it,
            # and leave its callback in place while it may still call it.
            self._h = self._new()
            self._reload = True
            if ended == "interrupt":
                raise KeyboardInterrupt
            deadline.note_hit()
            return BackendResult(
                BackendStatus.NO_SOLUTION,
                solver_status="Time limit reached (abandoned)",
                time_limited=True,
                seconds=time.perf_counter() - began,
            )
        if stop is not None:
            h.cbMipInterrupt -= check
        seconds = time.perf_counter() - began
        result = self._result(model, options, False)
        if self._cancelled and not result.time_limited:
            # Cancelled at its part's end: a time limit, as HiGHS's own is.
            result.time_limited = True
            if result.status is BackendStatus.OPTIMAL:
                result.status = BackendStatus.FEASIBLE
        if math.isfinite(cutoff) and result.objective is not None:
            # Branches at or above the cutoff were pruned, so HiGHS's own
            # bound does not hold for them: the cutoff does. A plan above it
            # is a heuristic's, not a proven optimum.
            if result.bound is not None:
                result.bound = min(result.bound, cutoff)
            if result.objective > cutoff and result.status is BackendStatus.OPTIMAL:
                result.status = BackendStatus.FEASIBLE
        result.seconds = seconds
        if result.time_limited:
            deadline.note_hit()
        return result

    def _run(self, interruptible: bool, deadline: Deadline) -> str | None:
        """Run HiGHS; return how it was left running, or None when it ended.

        ``"interrupt"``: Ctrl-C stopped it; ``"deadline"``: it was still
        running :data:`_ABANDON_AFTER` past the request's end (see the
        module docstring). On the main thread every solve runs in its own
        thread, short ones too (``interruptible`` only says a solve is
        expected to be short): a Ctrl-C during a blocking ``run()`` would
        wait for it, and a master or relaxation solve on a long plan can
        take seconds.
        """
        h = self._h
        self._cancelled = False
        if threading.current_thread() is not threading.main_thread():
            # Only the main thread receives KeyboardInterrupt.
            h.run()
            return None
        run = _Running(h)
        try:
            run.start()
            if not self._watch(run, deadline):
                _keep(run)
                return "deadline"
        except KeyboardInterrupt:
            _stop(run)
            return "interrupt"
        run.detach()
        return None

    def _watch(self, run: _Running, deadline: Deadline) -> bool:
        """Wait for HiGHS to end; False: abandoned past the request's end."""
        cancel_at = deadline.at
        abandon_at = deadline.end + _ABANDON_AFTER
        while True:
            now = deadline.clock()
            if now >= abandon_at:
                return not run.running
            if now >= cancel_at and not self._cancelled:
                self._cancelled = run.stop = True
            wake = abandon_at if self._cancelled else cancel_at
            if run.done.wait(max(min(_POLL, wake - now), 0.001)):
                return True

    def _result(
        self, model: Model, options: SolveOptions, interrupted: bool
    ) -> BackendResult:
        hs = self._hs
        h = self._h
        status = h.getModelStatus()
        info = h.getInfo()
        name = h.modelStatusToString(status)
        has_x = int(info.primal_solution_status) == 2
        s = hs.HighsModelStatus
        if status == s.kInfeasible or (
            status == s.kUnboundedOrInfeasible and model.is_mip
        ):
            # Our columns are bounded or costed from below, so a MILP that
            # presolve calls "unbounded or infeasible" is infeasible.
            return BackendResult(BackendStatus.INFEASIBLE, solver_status=name)
        if status in (s.kUnbounded, s.kUnboundedOrInfeasible):
            return BackendResult(BackendStatus.UNBOUNDED, solver_status=name)
        time_limited = status == s.kTimeLimit
        if not has_x:
            return BackendResult(
                BackendStatus.INTERRUPTED if interrupted else BackendStatus.NO_SOLUTION,
                solver_status=name,
                time_limited=time_limited,
            )
        solution = h.getSolution()
        x = np.asarray(solution.col_value, dtype=float)
        objective = float(info.objective_function_value)
        if model.is_mip:
            raw = float(info.mip_dual_bound)
            bound = raw if math.isfinite(raw) else None
            row_duals = col_duals = None
        else:
            bound = objective if status == s.kOptimal else None
            row_duals = np.asarray(solution.row_dual, dtype=float)
            col_duals = np.asarray(solution.col_dual, dtype=float)
        result = BackendResult(
            BackendStatus.FEASIBLE,
            x=x,
            objective=objective,
            bound=bound,
            row_duals=row_duals,
            col_duals=col_duals,
            solver_status=name,
            time_limited=time_limited,
        )
        gap = result.gap
        # Optimal only when the relative gap is proven within the tolerance:
        # HiGHS also stops on the absolute gap, which near a zero objective
        # can leave a large relative one.
        if status == s.kOptimal and gap is not None and gap <= options.mip_gap + 1e-9:
            result.status = BackendStatus.OPTIMAL
        elif interrupted:
            result.status = BackendStatus.INTERRUPTED
        return result
