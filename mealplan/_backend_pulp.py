"""The portable backend: any solver PuLP drives, by name. The one importer of pulp.

``solver="cbc"`` is PuLP's bundled CBC; ``"glpk"``, ``"gurobi"``,
``"cplex"``, ``"scip"``, ``"xpress"``, ``"mosek"``, ``"copt"`` and
``"highs_pulp"`` are the solvers PuLP knows under those names, used where the
user has them installed. pulp is imported when such a solver is first used, so
``import mealplan`` does not import it. Only PuLP's public API is used.
Command-line solvers write their files in a private directory that is removed
however the solve ends; an interrupted solve also kills the solver process.

The model's arrays become one PuLP variable per column and one constraint per
row side (PuLP has no ranged rows), built from (variable, coefficient) pairs,
which is several times faster than ``lpSum`` (PERFORMANCE.md).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
import warnings
from typing import TYPE_CHECKING, Any

import numpy as np

from mealplan._backend import BackendResult, BackendStatus, SolveOptions
from mealplan._errors import SolverError
from mealplan._interrupt import kill_children, solver_scratch

if TYPE_CHECKING:
    from collections.abc import Iterator

    from numpy.typing import NDArray

    from mealplan._deadline import Deadline
    from mealplan._formulation import Model

__all__ = ["PULP_SOLVERS", "PulpBackend", "available"]

PULP_SOLVERS: dict[str, tuple[str, ...]] = {
    "cbc": ("PULP_CBC_CMD", "COIN_CMD"),
    "glpk": ("GLPK_CMD", "PYGLPK"),
    "gurobi": ("GUROBI", "GUROBI_CMD"),
    "cplex": ("CPLEX_PY", "CPLEX_CMD"),
    "scip": ("SCIP_PY", "SCIP_CMD"),
    "xpress": ("XPRESS_PY", "XPRESS"),
    "mosek": ("MOSEK",),
    "copt": ("COPT", "COPT_CMD"),
    "highs_pulp": ("HiGHS", "HiGHS_CMD"),
}
"""Our solver names and the PuLP solver classes tried for each, in order."""

# Solvers whose PuLP class accepts gapRel/gapAbs keyword arguments.
_GAP_KWARGS = {
    "PULP_CBC_CMD",
    "COIN_CMD",
    "GUROBI",
    "GUROBI_CMD",
    "CPLEX_PY",
    "CPLEX_CMD",
    "SCIP_CMD",
    "SCIP_PY",
    "HiGHS",
    "HiGHS_CMD",
    "COPT",
    "XPRESS",
    "XPRESS_PY",
    "MOSEK",
}


_KILL_AFTER = 0.5
"""Seconds past the request's deadline a solver process may still run."""


@contextlib.contextmanager
def _killed_after(at: float, marker: str, killed: threading.Event) -> Iterator[None]:
    """Kill solver processes naming ``marker`` still running at ``at`` (monotonic)."""
    done = threading.Event()

    def enforce() -> None:
        if done.wait(max(at - time.monotonic(), 0.0)):
            return
        # Past the deadline: kill the solver now, and any started later.
        while not done.is_set():
            if kill_children(marker, wait=0.2):
                killed.set()
            done.wait(0.05)

    watcher = threading.Thread(target=enforce, name="mealplan-deadline", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join()


def _pulp() -> Any:
    import pulp

    return pulp


def available(name: str) -> str | None:
    """Return the PuLP class that would run solver ``name`` here, or None."""
    pulp = _pulp()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        present = set(pulp.listSolvers(onlyAvailable=True))
    return next((c for c in PULP_SOLVERS.get(name, ()) if c in present), None)


class PulpBackend:
    """A :class:`~mealplan._backend.Backend` on a solver PuLP drives."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name not in PULP_SOLVERS:
            msg = (
                f"Unknown solver {name!r}; use 'highs' or one of "
                f"{sorted(PULP_SOLVERS)}."
            )
            raise SolverError(msg, status="unknown_solver")
        cls = available(name)
        if cls is None:
            how = (
                "apt-get install glpk-utils"
                if name == "glpk"
                else "its own package and licence"
            )
            msg = (
                f"The {name} solver is not installed where PuLP can find it; install "
                f"it ({how}) or use solver='highs' or 'cbc'."
            )
            raise SolverError(msg, status="not_available")
        self._class = cls
        self._pulp = _pulp()
        self._model: Model | None = None
        self._prob: Any = None
        self._vars: list[Any] = []
        self._rows: list[list[Any]] = []
        self._start: NDArray[np.float64] | None = None

    def load(self, model: Model) -> None:
        """Take the model; the PuLP problem is built by :meth:`solve`, under its deadline."""
        self._model, self._prob, self._vars, self._rows = model, None, [], []

    def _build(self, model: Model, deadline: Deadline) -> bool:
        """Build the PuLP problem from the arrays; False if the deadline passes first.

        Building is pure Python and takes seconds for a week (PERFORMANCE.md),
        so it checks the request's deadline as it goes.
        """
        pulp = self._pulp
        prob = pulp.LpProblem(
            "mealplan", pulp.LpMaximize if model.maximise else pulp.LpMinimize
        )
        xs = []
        for j in range(model.num_cols):
            lo = float(model.col_lower[j])
            hi = float(model.col_upper[j])
            xs.append(
                prob.add_variable(
                    f"x{j}",
                    lo if math.isfinite(lo) else None,
                    hi if math.isfinite(hi) else None,
                    "Integer" if model.integrality[j] else "Continuous",
                )
            )
        rows: list[list[Any]] = []
        for r in range(model.num_rows):
            if r % 256 == 0 and deadline.expired:
                return False
            a, b = int(model.indptr[r]), int(model.indptr[r + 1])
            expr = pulp.LpAffineExpression(
                [
                    (xs[j], float(c))
                    for j, c in zip(model.indices[a:b], model.data[a:b], strict=True)
                ]
            )
            lo = float(model.row_lower[r])
            hi = float(model.row_upper[r])
            made = []
            if lo == hi:
                made.append(pulp.LpConstraint(expr, pulp.LpConstraintEQ, f"r{r}", lo))
            else:
                if math.isfinite(lo):
                    made.append(
                        pulp.LpConstraint(expr, pulp.LpConstraintGE, f"r{r}l", lo)
                    )
                if math.isfinite(hi):
                    made.append(
                        pulp.LpConstraint(expr, pulp.LpConstraintLE, f"r{r}u", hi)
                    )
            for c in made:
                prob += c
            rows.append(made)
        cost = np.flatnonzero(model.col_cost)
        prob += pulp.LpAffineExpression(
            [(xs[j], float(model.col_cost[j])) for j in cost]
        )
        self._prob, self._vars, self._rows = prob, xs, rows
        return True

    def set_start(self, x: NDArray[np.float64]) -> None:
        """Remember a start; solvers that take warm starts get it."""
        self._start = x

    def _out_of_time(self, deadline: Deadline, began: float) -> BackendResult:
        deadline.note_hit()
        return BackendResult(
            BackendStatus.NO_SOLUTION,
            solver_status="Time limit reached",
            time_limited=True,
            seconds=time.perf_counter() - began,
        )

    def _solver(
        self, deadline: Deadline, options: SolveOptions, mip: bool, reserve: float
    ) -> Any:
        limit = max(deadline.left() - reserve, 0.01)
        kwargs: dict[str, Any] = {"msg": False, "timeLimit": limit}
        if self._class == "GLPK_CMD":
            # glpsol takes whole seconds only.
            kwargs["timeLimit"] = max(1, math.floor(limit))
        if self._class in _GAP_KWARGS:
            kwargs["gapRel"] = options.mip_gap
            if options.abs_gap > 0:
                kwargs["gapAbs"] = options.abs_gap
        if self._class in ("PULP_CBC_CMD", "COIN_CMD", "GLPK_CMD", "HiGHS_CMD"):
            kwargs["mip"] = mip
        if self._start is not None and self._class in (
            "PULP_CBC_CMD",
            "COIN_CMD",
            "GUROBI",
            "GUROBI_CMD",
            "CPLEX_PY",
            "CPLEX_CMD",
        ):
            kwargs["warmStart"] = True
        if self._class == "GLPK_CMD" and mip:
            kwargs["options"] = ["--mipgap", repr(options.mip_gap)]
        with warnings.catch_warnings():
            # PuLP 3.3 warns that the bundled CBC goes away in PuLP 4.
            warnings.simplefilter("ignore", DeprecationWarning)
            return self._pulp.getSolver(self._class, **kwargs)

    def solve(self, deadline: Deadline, options: SolveOptions) -> BackendResult:
        """Solve with the PuLP solver; PuLP reports no bound, so no gap.

        The limit holds from outside too: the solver gets what is left after
        building, less a reserve for PuLP to write the model file and for the
        solver to read it, and a
        solver process still running :data:`_KILL_AFTER` seconds past the
        deadline is killed (CBC can spend seconds reading a model before it
        looks at its clock); the result is then "no solution, time limited".
        """
        assert self._model is not None, "load a model first"
        pulp = self._pulp
        model = self._model
        began = time.perf_counter()
        if self._prob is None and not self._build(model, deadline):
            return self._out_of_time(deadline, began)
        built = time.perf_counter() - began
        # PuLP then writes the model file (measured: 1-1.6x the build time)
        # and the solver reads it and writes its solution (about 0.5 s under
        # load): all of that must fit before the deadline.
        reserve = 2.0 * built + 0.5
        if deadline.left() < reserve + 0.1:
            return self._out_of_time(deadline, began)
        if self._start is not None:
            for var, value in zip(self._vars, self._start, strict=True):
                if not math.isnan(value):
                    var.setInitialValue(float(value))
        solver = self._solver(deadline, options, model.is_mip, reserve=reserve)
        killed = threading.Event()
        try:
            # A private directory for a CMD solver's files (PuLP documents
            # ``tmpDir``): removed however the solve ends, and on Ctrl-C the
            # solver process PuLP was waiting on is killed (_interrupt.py).
            with (
                solver_scratch() as scratch,
                _killed_after(deadline.at + _KILL_AFTER, str(scratch), killed),
                warnings.catch_warnings(),
            ):
                if hasattr(solver, "tmpDir"):
                    solver.tmpDir = str(scratch)
                warnings.simplefilter("ignore")
                status = self._prob.solve(solver)
        except pulp.PulpSolverError as exc:
            if killed.is_set():
                return self._out_of_time(deadline, began)
            msg = f"The {self.name} solver failed ({exc}); retry with solver='highs' or 'cbc'."
            raise SolverError(msg, status="error") from exc
        seconds = time.perf_counter() - began
        time_limited = seconds >= deadline.limit() * 0.98 and deadline.left() <= 0.05
        if time_limited:
            deadline.note_hit()
        name = str(pulp.LpStatus.get(status, status))
        if status == pulp.LpStatusInfeasible:
            return BackendResult(
                BackendStatus.INFEASIBLE, solver_status=name, seconds=seconds
            )
        if status == pulp.LpStatusUnbounded:
            return BackendResult(
                BackendStatus.UNBOUNDED, solver_status=name, seconds=seconds
            )
        sol_status = self._prob.sol_status
        if sol_status not in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible):
            return BackendResult(
                BackendStatus.NO_SOLUTION,
                solver_status=name,
                time_limited=time_limited,
                seconds=seconds,
            )
        x = np.array([v.value() if v.value() is not None else 0.0 for v in self._vars])
        objective = float(pulp.value(self._prob.objective) or 0.0)
        optimal = sol_status == pulp.LpSolutionOptimal
        row_duals = None
        if not model.is_mip and optimal:
            row_duals = np.array(
                [sum(float(c.pi or 0.0) for c in made) for made in self._rows]
            )
        return BackendResult(
            # PuLP says "optimal" when the solver stopped within its gap; it
            # exposes no bound, so the gap is the requested one at most.
            BackendStatus.OPTIMAL if optimal else BackendStatus.FEASIBLE,
            x=x,
            objective=objective,
            bound=None,
            row_duals=row_duals,
            solver_status=name,
            time_limited=time_limited,
            seconds=seconds,
        )
