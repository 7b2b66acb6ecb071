"""The default backend: highspy, taking the model's arrays in bulk.

Columns go in with one ``addVars`` call, costs and integrality with one call
each, and the CSR rows with one ``addRows`` call: no per-variable Python
objects (PERFORMANCE.md: 0.075-0.14x of PuLP's build and transfer). A solve
runs in highspy's solver thread and this thread waits in short slices, so
Ctrl-C cancels it within about 0.1 s and the KeyboardInterrupt is re-raised
once HiGHS has stopped, or after a 1 s grace when HiGHS is inside a sub-MIP
heuristic that does not look at the cancel flag.
"""

from __future__ import annotations

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

_abandoned: list[Any] = []
"""Highs objects whose cancelled solve was still running when Ctrl-C was
raised: held so none is destroyed while its solver thread runs."""


def _stop(h: Any, thread: threading.Thread) -> None:
    """Cancel ``h``'s solve and wait briefly for it to stop.

    HiGHS checks the cancel flag in its main MIP loop but not inside its
    sub-MIP heuristics, which on a 28-day plan run for many seconds (seen:
    over 60 s at load 14). Ctrl-C must stop the program within about a
    second, so past the grace the solve is left to finish in its daemon
    thread (it never returns a result to anyone) and the Highs object is
    kept alive. A second Ctrl-C during the grace ends the wait at once.
    """
    h.cancelSolve()
    with contextlib.suppress(KeyboardInterrupt):
        thread.join(_INTERRUPT_GRACE)
    if thread.is_alive():
        _abandoned.append(h)


class HighsBackend:
    """A :class:`~mealplan._backend.Backend` on highspy."""

    name = "highs"

    def __init__(self) -> None:
        import highspy

        _silence_highs_banner()
        self._hs = highspy
        self._h: Any = highspy.Highs()  # type: ignore[no-untyped-call]
        self._h.setOptionValue("output_flag", False)
        if _threads is not None:
            self._h.setOptionValue("threads", _threads)
        self._model: Model | None = None

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
        if self._run(options.interruptible):
            # HiGHS may still be stopping (see _stop): read nothing from it,
            # and leave its callback in place while it may still call it.
            raise KeyboardInterrupt
        if stop is not None:
            h.cbMipInterrupt -= check
        seconds = time.perf_counter() - began
        result = self._result(model, options, False)
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

    def _run(self, interruptible: bool) -> bool:
        """Run HiGHS; return whether Ctrl-C stopped it.

        On the main thread every solve runs in HiGHS's solver thread, short
        ones too (``interruptible`` only says a solve is expected to be
        short): a Ctrl-C during a blocking ``run()`` would wait for it, and a
        master or relaxation solve on a long plan can take seconds.
        """
        h = self._h
        if threading.current_thread() is not threading.main_thread():
            # Only the main thread receives KeyboardInterrupt.
            h.run()
            return False
        h.HandleUserInterrupt = True
        try:
            thread = h.startSolve()
            try:
                while not h.wait(0.1)[0]:
                    pass
                thread.join()
            except KeyboardInterrupt:
                _stop(h, thread)
                return True
            return False
        finally:
            h.HandleUserInterrupt = False

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
