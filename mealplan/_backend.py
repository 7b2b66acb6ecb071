"""The protocol every solver backend implements, and its result.

A backend loads a :class:`~mealplan._formulation.Model` (arrays), optionally
takes a starting point, solves under a :class:`~mealplan._deadline.Deadline`
and returns a :class:`BackendResult` of plain numpy values. The highspy
backend (:mod:`mealplan._backend_highs`) is the default; the PuLP backend
(:mod:`mealplan._backend_pulp`) reaches every solver PuLP drives by name.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    import numpy as np
    from numpy.typing import NDArray

    from mealplan._deadline import Deadline
    from mealplan._formulation import Model

__all__ = ["Backend", "BackendResult", "BackendStatus", "SolveOptions"]


class BackendStatus(Enum):
    """How a solve ended."""

    OPTIMAL = "optimal"
    """Proven within the requested gap."""
    FEASIBLE = "feasible"
    """A solution, stopped by a limit before the gap was proven."""
    INFEASIBLE = "infeasible"
    NO_SOLUTION = "no_solution"
    """Stopped by a limit with no solution."""
    UNBOUNDED = "unbounded"
    INTERRUPTED = "interrupted"
    """Stopped by the user (Ctrl-C); any solution is in ``x``."""


@dataclass(frozen=True)
class SolveOptions:
    """Settings one solve runs with."""

    mip_gap: float = 1e-4
    abs_gap: float = 0.0
    presolve: bool = True
    heuristics: bool = True
    interruptible: bool = True
    """Whether the solve is expected to take long. HiGHS on the main thread
    now always runs in its solver thread, so Ctrl-C stops any solve within
    about a second (about 1 ms per solve); kept for callers and backends."""
    node_limit: int | None = None
    """Stop a MILP after this many branch-and-bound nodes (HiGHS): an effort
    limit that, unlike a time limit, gives the same answer at any load."""
    cutoff: float | None = None
    """Only plans whose objective is at most this (at least, maximising) are
    wanted: the solver prunes every branch whose bound is worse, and a model
    with no such plan ends infeasible. None: no cutoff."""
    stop: Callable[[float, float], bool] | None = None
    """Stop a MILP early once ``stop(best plan, best bound)`` says so (HiGHS),
    e.g. once the floor is proven to the cent."""
    cuts: bool = True
    """False: keep no pool of cutting planes (HiGHS ``mip_pool_soft_limit``
    1). A feasibility question has a zero objective, so cuts cannot raise its
    bound; its root separation made hundreds of them and took most of the
    time of the advice's and the diagnosis's small witness MILPs (0.4x CPU
    without)."""
    sub_mips: bool = True
    """False: no RINS or RENS sub-MIP heuristics (HiGHS). A widened restriction
    under the gap test's cutoff spent most of a failing answer's 1-4 s of CPU
    in them at its root; see ``mealplan._guided_start._SUB_MIPS_ON_WIDENINGS``."""
    feasibility_jump: bool = True
    """False: no feasibility-jump heuristic (HiGHS). On the LP support's
    restriction under the gap test's cutoff it found no plan the later
    heuristics did not, at 0.85x the CPU without it (median of 53); see
    ``mealplan._guided_start._JUMP_ON_SUPPORT``."""


@dataclass
class BackendResult:
    """What a solve found, as plain values."""

    status: BackendStatus
    x: NDArray[np.float64] | None = None
    objective: float | None = None
    bound: float | None = None
    """The best proven bound on the objective (the LP value for an LP)."""
    row_duals: NDArray[np.float64] | None = None
    """Row duals of an LP (None for a MILP or a backend that has none)."""
    col_duals: NDArray[np.float64] | None = None
    """Reduced costs of an LP."""
    solver_status: str = ""
    time_limited: bool = False
    """Whether the time limit stopped the solve."""
    seconds: float = 0.0

    @property
    def gap(self) -> float | None:
        """The real relative gap ``|objective - bound| / max(|objective|, 1e-9)``."""
        if self.objective is None or self.bound is None:
            return None
        return abs(self.objective - self.bound) / max(abs(self.objective), 1e-9)


class Backend(Protocol):
    """A solver behind the arrays; see the module docstring."""

    name: str

    def load(self, model: Model) -> None:
        """Take the model (replaces any earlier one)."""

    def set_start(self, x: NDArray[np.float64]) -> None:
        """Offer a starting point (NaN: let the solver complete that column)."""

    def solve(self, deadline: Deadline, options: SolveOptions) -> BackendResult:
        """Solve within ``deadline`` and return what was found."""
