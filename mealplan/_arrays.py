"""The arrays a formulation builds: :class:`Model`, and the :class:`ModelBuilder` blocks append to.

Kept apart from the blocks themselves (:mod:`mealplan._formulation`), so a new
block only needs this small API: columns (:meth:`ModelBuilder.add_columns`),
rows as COO triplets (:meth:`ModelBuilder.add_rows`, :meth:`ModelBuilder.add_row`)
and objective terms (:meth:`ModelBuilder.add_cost`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

    from numpy.typing import ArrayLike, NDArray

    from mealplan._deadline import Deadline
    from mealplan._problem import ConstraintGroup, Problem

__all__ = ["FEASIBILITY", "INF", "Block", "Goal", "GoalKind", "Model", "ModelBuilder"]

INF = math.inf


class Block(Enum):
    """Which block of the formulation made a row."""

    LINK_UPPER = "link_upper"
    LINK_LOWER = "link_lower"
    ONE_MEAL = "one_meal"
    DAY_CAP = "day_cap"
    NUTRIENT = "nutrient"
    DAILY_FLOOR = "daily_floor"
    MACRO = "macro"
    MEAL_SHARE = "meal_share"
    CATEGORY = "category"
    MEAL_COUNT = "meal_count"
    MAX_FOODS = "max_foods"
    BUDGET = "budget"
    PIN = "pin"
    VARIETY = "variety"
    WEEK_GRAMS = "week_grams"
    SHARED = "shared"
    NO_REPEAT = "no_repeat"
    DIFFER = "differ"
    PATTERN = "pattern"
    MEAL_PART = "meal_part"
    COMPANION = "companion"
    MEAL_CAP = "meal_cap"
    ONE_FORM = "one_form"
    WHOLE_UNIT = "whole_unit"
    DAY_GROUP_CAP = "day_group_cap"
    WEEK_GROUP_CAP = "week_group_cap"
    COVER = "cover"
    SATURATED_FAT = "saturated_fat"
    SOFT_MINIMUM = "soft_minimum"
    MAIN_SERVING = "main_serving"


class GoalKind(Enum):
    """What a replacement objective optimises (the diagnosis's questions)."""

    NONE = "none"
    COST = "cost"
    FOODS = "foods"
    NUTRIENT = "nutrient"


@dataclass(frozen=True)
class Goal:
    """An objective that replaces the plan's own: feasibility, cost, a nutrient."""

    kind: GoalKind
    maximise: bool = False
    nutrient: str | None = None

    @classmethod
    def from_pair(cls, pair: tuple[str, str]) -> Goal:
        """Return the goal for ``("min"|"max", "none"|"cost"|"foods"|nutrient)``."""
        sense, what = pair
        maximise = sense == "max"
        if what in ("none", "cost", "foods"):
            return cls(GoalKind(what), maximise)
        return cls(GoalKind.NUTRIENT, maximise, what)


FEASIBILITY = Goal(GoalKind.NONE)


@dataclass(frozen=True)
class Model:
    """A MILP as arrays: ``min/max c.x`` s.t. ``row_lower <= A x <= row_upper``."""

    maximise: bool
    col_lower: NDArray[np.float64]
    col_upper: NDArray[np.float64]
    col_cost: NDArray[np.float64]
    integrality: NDArray[np.bool_]
    indptr: NDArray[np.int32]
    indices: NDArray[np.int32]
    data: NDArray[np.float64]
    row_lower: NDArray[np.float64]
    row_upper: NDArray[np.float64]
    row_block: tuple[Block, ...]
    row_group: tuple[ConstraintGroup | None, ...]
    keys: NDArray[np.int64]
    """(K, 3) array of (day, meal, food) per ``v`` column; ``v`` is column k."""
    y_cols: NDArray[np.int64]
    """The ``y`` column of each key, or -1."""
    slacks: dict[tuple[ConstraintGroup, int], int] = field(default_factory=dict)
    """(group, day or -1 for plan-wide) -> shortfall slack column."""
    seconds: float = 0.0
    """Time it took to formulate (reported in the plan's build time)."""

    @property
    def num_cols(self) -> int:
        """Number of columns."""
        return len(self.col_lower)

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return len(self.row_lower)

    @property
    def is_mip(self) -> bool:
        """Whether any column is integer."""
        return bool(self.integrality.any())

    def dense(self) -> NDArray[np.float64]:
        """Return the constraint matrix as a dense array (tests, small models)."""
        out = np.zeros((self.num_rows, self.num_cols))
        for r in range(self.num_rows):
            lo, hi = self.indptr[r], self.indptr[r + 1]
            out[r, self.indices[lo:hi]] = self.data[lo:hi]
        return out

    def activity(self, x: ArrayLike) -> NDArray[np.float64]:
        """Return ``A x`` for a column vector ``x``."""
        xs = np.asarray(x, dtype=float)
        rows = np.repeat(np.arange(self.num_rows), np.diff(self.indptr))
        out = np.zeros(self.num_rows)
        np.add.at(out, rows, self.data * xs[self.indices])
        return out

    def start_vector(
        self, units: dict[tuple[int, int, int], float]
    ) -> NDArray[np.float64]:
        """Return the ``v`` and ``y`` part of a start from (day, meal, food) -> units.

        Helper columns are NaN: the solver completes them.
        """
        x = np.full(self.num_cols, np.nan)
        for k, (d, m, f) in enumerate(self.keys.tolist()):
            amount = units.get((d, m, f), 0.0)
            x[k] = amount
            if self.y_cols[k] >= 0:
                x[self.y_cols[k]] = 1.0 if amount > 0 else 0.0
        return x


class ModelBuilder:
    """Collects columns, rows and costs from the blocks; :meth:`build` freezes them.

    Attributes a block reads: ``problem``, ``goal``, ``keys`` ((K, 3) day,
    meal, food of each ``v`` column, which is column k), ``y`` (the ``y``
    column of each key or -1), ``relax``.
    """

    def __init__(
        self,
        problem: Problem,
        goal: Goal | None,
        *,
        foods: Collection[int] | None = None,
        relax: bool = False,
    ) -> None:
        self.problem = problem
        self.goal = goal
        self.relax = relax
        self._lower: list[NDArray[np.float64]] = []
        self._upper: list[NDArray[np.float64]] = []
        self._integer: list[NDArray[np.bool_]] = []
        self._ncols = 0
        self._rows: list[NDArray[np.int64]] = []
        self._cols: list[NDArray[np.int64]] = []
        self._vals: list[NDArray[np.float64]] = []
        self._row_lower: list[NDArray[np.float64]] = []
        self._row_upper: list[NDArray[np.float64]] = []
        self._row_block: list[Block] = []
        self._row_group: list[ConstraintGroup | None] = []
        self._cost: list[tuple[NDArray[np.int64], NDArray[np.float64]]] = []
        self.slacks: dict[tuple[ConstraintGroup, int], int] = {}
        # day_mask's answers: the blocks ask for the same (day, meal) hundreds
        # of times on a structured day (read-only, so no block can spoil one).
        self._masks: dict[tuple[int, int | None], NDArray[np.bool_]] = {}
        self._columns(foods)

    # ------------------------------------------------------------------ columns

    def add_columns(
        self, lower: ArrayLike, upper: ArrayLike, *, integer: bool = False
    ) -> NDArray[np.int64]:
        """Append columns with these bounds; return their indices."""
        lo = np.atleast_1d(np.asarray(lower, dtype=float))
        hi = np.broadcast_to(np.asarray(upper, dtype=float), lo.shape).copy()
        self._lower.append(lo)
        self._upper.append(hi)
        self._integer.append(np.full(len(lo), integer and not self.relax))
        first = self._ncols
        self._ncols += len(lo)
        return np.arange(first, self._ncols, dtype=np.int64)

    def add_cost(self, cols: ArrayLike, values: ArrayLike) -> None:
        """Add objective coefficients (summed with earlier ones)."""
        c = np.atleast_1d(np.asarray(cols, dtype=np.int64))
        v = np.broadcast_to(np.asarray(values, dtype=float), c.shape)
        self._cost.append((c, v.copy()))

    def _columns(self, only: Collection[int] | None) -> None:
        p = self.problem
        allowed = None
        if only is not None:
            allowed = np.zeros(len(p.food_ids), dtype=bool)
            allowed[list(only)] = True
        banned = self._banned()
        keys: list[tuple[int, int, int]] = []
        lower: list[float] = []
        upper: list[float] = []
        fixed_key: list[bool] = []
        for d in range(p.days):
            for m, meal in enumerate(p.meals):
                if (d, m) in p.fixed_scopes:
                    for f in meal.foods:
                        units = p.fixed.get((d, m, f), 0.0)
                        if units:
                            keys.append((d, m, f))
                            lower.append(units)
                            upper.append(units)
                            fixed_key.append(True)
                    continue
                for f in meal.foods:
                    if (d, m, f) in banned or (allowed is not None and not allowed[f]):
                        continue
                    keys.append((d, m, f))
                    lower.append(0.0)
                    upper.append(float(p.max_units[f]))
                    fixed_key.append(False)
        self.keys = np.array(keys, dtype=np.int64).reshape(-1, 3)
        self.add_columns(lower, upper, integer=p.integer)
        need_y = (
            p.integer
            or p.max_foods is not None
            or len(p.meals) > 1
            or p.max_days_per_food is not None
            or bool(p.pins)
            or bool(p.must_differ)
            or bool(p.use_cost)
            or bool(p.not_same)
            # Whole tablets: a supplement's amount is its binary times a tablet.
            or bool(p.supplements)
        )
        self.need_y = need_y
        if need_y:
            fixed = np.array(fixed_key, dtype=bool)
            self.y = self.add_columns(fixed.astype(float), 1.0, integer=True)
            # A relaxation keeps the binaries of fixed scopes at one anyway.
        else:
            self.y = np.full(len(keys), -1, dtype=np.int64)
        self.v = np.arange(len(keys), dtype=np.int64)

    def _banned(self) -> set[tuple[int, int, int]]:
        p = self.problem
        out: set[tuple[int, int, int]] = set()
        for f, day, meal in p.bans:
            for d in range(p.days) if day is None else [day]:
                for m in range(len(p.meals)) if meal is None else [meal]:
                    out.add((d, m, f))
        return out

    # --------------------------------------------------------------------- rows

    def add_rows(
        self,
        rows: ArrayLike,
        cols: ArrayLike,
        vals: ArrayLike,
        lower: ArrayLike,
        upper: ArrayLike,
        block: Block,
        group: ConstraintGroup | None = None,
    ) -> None:
        """Append ``n`` rows given as COO triplets with local row numbers 0..n-1.

        ``lower`` and ``upper`` give one bound per row; ``vals`` may be a
        scalar for all entries.
        """
        lo = np.atleast_1d(np.asarray(lower, dtype=float))
        hi = np.broadcast_to(np.asarray(upper, dtype=float), lo.shape)
        n = len(lo)
        first = len(self._row_block)
        r = np.atleast_1d(np.asarray(rows, dtype=np.int64))
        self._rows.append(r + first)
        self._cols.append(np.atleast_1d(np.asarray(cols, dtype=np.int64)))
        self._vals.append(
            np.broadcast_to(np.asarray(vals, dtype=float), r.shape).astype(float)
        )
        self._row_lower.append(lo)
        self._row_upper.append(hi.copy())
        self._row_block.extend([block] * n)
        self._row_group.extend([group] * n)

    def add_row(
        self,
        cols: ArrayLike,
        vals: ArrayLike,
        lower: float,
        upper: float,
        block: Block,
        group: ConstraintGroup | None = None,
    ) -> None:
        """Append one row ``lower <= sum vals*x[cols] <= upper``."""
        # The common case, kept cheap: the default day adds hundreds of rows.
        c = np.asarray(cols, dtype=np.int64).reshape(-1)
        if isinstance(vals, float | int):
            v = np.full(len(c), float(vals))
        else:
            v = np.asarray(vals, dtype=float).reshape(-1)
        self._rows.append(np.full(len(c), len(self._row_block), dtype=np.int64))
        self._cols.append(c)
        self._vals.append(v)
        self._row_lower.append(np.array([lower], dtype=float))
        self._row_upper.append(np.array([upper], dtype=float))
        self._row_block.append(block)
        self._row_group.append(group)

    def bounded(
        self,
        cols: NDArray[np.int64],
        vals: NDArray[np.float64],
        sense: str,
        rhs: float,
        group: ConstraintGroup,
        day: int,
        block: Block = Block.NUTRIENT,
    ) -> None:
        """Append a bound row, with a penalised shortfall slack when asked."""
        if self.problem.shortfall:
            slack = self.add_columns([0.0], INF)
            self.slacks[(group, day)] = int(slack[0])
            cols = np.append(cols, slack)
            vals = np.append(vals, 1.0 if sense == ">=" else -1.0)
        if sense == ">=":
            self.add_row(cols, vals, rhs, INF, block, group)
        else:
            self.add_row(cols, vals, -INF, rhs, block, group)

    # -------------------------------------------------------------------- build

    def build(self, deadline: Deadline | None = None) -> Model:
        """Return the collected model as immutable arrays (CSR, duplicates summed).

        ``deadline`` is checked between the steps (each one pass over all
        entries: 1.4 M for all SR28 foods, 5 M for three days of them), and
        raises :class:`~mealplan._deadline.OutOfTime` once it has passed.
        """
        n = len(self._row_block)
        rows = np.concatenate(self._rows) if self._rows else np.zeros(0, np.int64)
        cols = np.concatenate(self._cols) if self._cols else np.zeros(0, np.int64)
        vals = np.concatenate(self._vals) if self._vals else np.zeros(0)
        keep = vals != 0.0
        rows, cols, vals = rows[keep], cols[keep], vals[keep]
        if deadline is not None:
            deadline.check()
        # Row-major order by one int64 key: the order np.lexsort((cols, rows))
        # gives, in a sixth of its time (all SR28 foods: 7-16 against 95 ms).
        flat = rows * max(self._ncols, 1) + cols
        order = np.argsort(flat, kind="stable")
        rows, cols, vals, flat = rows[order], cols[order], vals[order], flat[order]
        if deadline is not None:
            deadline.check()
        if len(rows):
            new = np.empty(len(flat), dtype=bool)
            new[0] = True
            new[1:] = flat[1:] != flat[:-1]
            starts = np.flatnonzero(new)
            vals = np.add.reduceat(vals, starts)
            rows, cols = rows[starts], cols[starts]
        indptr = np.zeros(n + 1, dtype=np.int32)
        np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
        cost = np.zeros(self._ncols)
        for c, v in self._cost:
            np.add.at(cost, c, v)

        def cat(parts: Sequence[NDArray[np.float64]]) -> NDArray[np.float64]:
            return np.concatenate(parts) if parts else np.zeros(0)

        return Model(
            maximise=self.goal is not None and self.goal.maximise,
            col_lower=cat(self._lower),
            col_upper=cat(self._upper),
            col_cost=cost,
            integrality=np.concatenate(self._integer)
            if self._integer
            else np.zeros(0, dtype=bool),
            indptr=indptr,
            indices=cols.astype(np.int32),
            data=vals,
            row_lower=cat(self._row_lower),
            row_upper=cat(self._row_upper),
            row_block=tuple(self._row_block),
            row_group=tuple(self._row_group),
            keys=self.keys,
            y_cols=self.y,
            slacks=dict(self.slacks),
        )

    # ------------------------------------------------------------------ helpers

    def day_mask(self, d: int, meal: int | None = None) -> NDArray[np.bool_]:
        """Return a mask of the keys of day ``d`` (and meal ``meal``); read-only."""
        mask = self._masks.get((d, meal))
        if mask is None:
            mask = self.keys[:, 0] == d
            if meal is not None:
                mask &= self.keys[:, 1] == meal
            mask.flags.writeable = False
            self._masks[(d, meal)] = mask
        return mask

    def weighted(
        self, mask: NDArray[np.bool_], weights: NDArray[np.float64]
    ) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Return the ``v`` columns of masked keys and their per-food weights."""
        ks = np.flatnonzero(mask)
        w = weights[self.keys[ks, 2]]
        nz = w != 0
        return self.v[ks[nz]], w[nz]
