"""The diagnosis's LP screen: one relaxation kept loaded, checks change row bounds.

The deletion filter of :func:`mealplan._diagnose.diagnose` asks dozens of
times whether the request with some constraint groups switched off has a
plan. Most of its answers are "no" from an infeasible LP relaxation (a proof
that does not depend on time); each used to build and formulate its own
model and solve that LP cold (the 3-foods day: 2,264 columns, 0.06-0.11 s
of HiGHS and about 0.05 s of Python apiece).

:class:`HotRelaxation` formulates the relaxation of one problem (every
group on) once, loads it into one HiGHS instance, and answers a check by
freeing the rows of the groups switched off (bounds -inf..inf) and solving
again: HiGHS keeps its basis across bound changes, so the dual simplex
restarts from the last check's basis (a hot start) instead of from
scratch. It is the same LP as the check's own (the rows of a group that
:func:`~mealplan._problem.without_rows` drops are exactly the rows that
group tagged; a model without ``y`` columns has the same projection on the
portions), so an infeasible screen is the check's verdict, and a feasible
one sends the check on to its MILPs as before.

Only row groups (:func:`~mealplan._problem.row_only`) are switched by
bounds; groups that change columns (diet, portion caps...) get their own
base problem and their own screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from mealplan._arrays import INF
from mealplan._backend import BackendStatus, SolveOptions
from mealplan._formulation import formulate
from mealplan._problem import row_only

if TYPE_CHECKING:
    from collections.abc import Collection

    from mealplan._deadline import Deadline
    from mealplan._problem import ConstraintGroup, Problem

__all__ = ["HotRelaxation"]


class HotRelaxation:
    """One problem's LP relaxation, loaded once; a check frees row groups."""

    def __init__(self, problem: Problem) -> None:
        from mealplan._backend_highs import HighsBackend

        # The plan's own objective, as the check's relaxation has
        # (mealplan._guided_start._guided): with no objective every reduced cost
        # is zero and the dual simplex stalls on ties (the 3-foods day's 15
        # checks: 0.95 s CPU against 0.55 s, and 0.8 s cold).
        model = formulate(problem, None, relax=True)
        self.backend = HighsBackend()
        self.backend.load(model)
        self._lower = model.row_lower.copy()
        self._upper = model.row_upper.copy()
        rows: dict[ConstraintGroup, list[int]] = {}
        for r, group in enumerate(model.row_group):
            if group is not None and row_only(group):
                rows.setdefault(group, []).append(r)
        self._rows = {g: np.array(r, dtype=np.int32) for g, r in rows.items()}
        self._off: frozenset[ConstraintGroup] = frozenset()
        self.solves = 0
        """LPs solved (tests count them)."""

    def _switch(self, off: frozenset[ConstraintGroup]) -> None:
        """Free the rows of ``off``, restore those of groups back on."""
        changed = [self._rows[g] for g in off ^ self._off if g in self._rows]
        self._off = off
        if not changed:
            return
        rows = np.concatenate(changed)
        freed = np.zeros(len(rows), dtype=bool)
        if off:
            freed = np.isin(rows, np.concatenate([self._rows[g] for g in off]))
        lower = np.where(freed, -INF, self._lower[rows])
        upper = np.where(freed, INF, self._upper[rows])
        self.backend.change_row_bounds(rows, lower, upper)

    def infeasible(
        self, disabled: Collection[ConstraintGroup], deadline: Deadline
    ) -> bool:
        """Whether the relaxation with ``disabled`` off is proven infeasible.

        False: feasible, or not settled (out of time, a numerical status):
        the check then runs its own solves, which decide.
        """
        off = frozenset(g for g in disabled if g in self._rows)
        self._switch(off)
        options = SolveOptions(presolve=False, interruptible=False)
        result = self.backend.solve(deadline, options)
        self.solves += 1
        if result.status is BackendStatus.NO_SOLUTION and not result.time_limited:
            # HiGHS's "Unknown" from the hot start (seen after freeing five
            # groups and restoring all but two): the same LP from scratch
            # settles it, in milliseconds, where a "not settled" answer
            # would send the check on to its own models.
            self.backend.forget_basis()
            result = self.backend.solve(deadline, options)
        return result.status is BackendStatus.INFEASIBLE
