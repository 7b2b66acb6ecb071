"""Plan, regenerate and diagnose: the public entry points of the planner.

:func:`plan` resolves a request's targets, builds the model as data
(:mod:`mealplan._problem`), solves it (:mod:`mealplan._optimiser`) and
returns a :class:`~mealplan.MealPlan` whose totals are recomputed from the
food table, not read back from the solver. When no plan exists it raises
:class:`~mealplan.InfeasiblePlanError` with a :class:`~mealplan.Diagnosis`
found by a deletion filter over the request's constraint groups.

Default objective (``typical``): among plans meeting every bound, the one
whose foods depart least from one default serving each (a food eaten in one
portion costs nothing, 2 portions or half a portion cost 1 or 0.5), with a
small bonus for the foods the source article recommends. It needs no prices,
and it favours days made of ordinary servings over the nutrient-dense oddities
(a spoon of dried egg, cod liver oil) that minimising grams or portions picks.
Ties are broken by fixed tiny per-food weights, so a request always gives the
same plan.
"""

from __future__ import annotations

import dataclasses
import math
import re
import time
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NoReturn

import numpy as np
from pydantic import ValidationError

from mealplan._absorption import (
    ABSORBABLE_CALCIUM,
    DEFAULT_FRACTION,
    absorbable_targets,
    milk_equivalents,
)
from mealplan._advice import with_advice
from mealplan._ai_floors import floors_out_of_reach
from mealplan._arguments import food_table
from mealplan._catalog import FoodTable
from mealplan._catalog_load import bundled_for, bundled_note
from mealplan._conflict_words import conflict_head, safety_conflicts, safety_sentence
from mealplan._cover import conflict_start, shortfalls
from mealplan._cover import relaxation as cover_relaxation
from mealplan._deadline import Deadline
from mealplan._errors import (
    InfeasiblePlanError,
    RequestError,
    SolverError,
    UnknownNutrientError,
)
from mealplan._exclusions import check_taste_words
from mealplan._fish_day_caps import fish_day_notes
from mealplan._hot_lp import HotRelaxation
from mealplan._life_stage_cap_rows import life_stage_cap_notes
from mealplan._meal_structure import attach_fats
from mealplan._models import (
    BoundKind,
    BoundOverride,
    Conflict,
    DayPlan,
    Diagnosis,
    MealPlan,
    NutrientPeriod,
    NutrientStatus,
    NutrientTargets,
    NutrientTotal,
    Objective,
    PlanItem,
    PlanRequest,
    PlanStatus,
    PortionMode,
    SolverName,
)
from mealplan._norepeat import is_ruled, repeats, with_cuts
from mealplan._nutrients import Diet, Nutrient, PanelMode
from mealplan._optimiser import DISH_BOX_SECONDS, Solution, SolveStatus, solve
from mealplan._panel import without_sparse_minimums
from mealplan._problem import (
    FILTER_GROUPS,
    ConstraintGroup,
    GroupKind,
    Problem,
    Restrictions,
    build_problem,
    default_max_days,
    row_only,
    without_rows,
)
from mealplan._report import nutrient_label
from mealplan._sources import (
    widen_for_needed,
    widen_variety_for_sole_sources,
)
from mealplan._strictjson import loc_text
from mealplan._structure_blocks import conflict_text
from mealplan._supplements import (
    SUPPLEMENT_CATEGORY,
    supplement_notes,
    supplement_targets,
    with_supplements,
)
from mealplan._targets import apply_overrides, targets_for
from mealplan._week_caps import allowance, day_amounts, week_cap_notes, week_limits
from mealplan._weekly import applies, column_generation
from mealplan._weekly_seed import NoRotation, rotation_seed, variety_keys

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Sequence

    from mealplan._life_stage_caps import LifeStageCap

__all__ = ["parse_request", "plan", "resolve_targets"]

_TOL = 1e-6
_MODE_WORDS = {"half": "half", "whole": "whole", "quarter": "quarter"}
"""The plan notes' word for each quantised portion mode."""


def _loc(err: Mapping[str, Any]) -> str:
    return loc_text(tuple(err.get("loc", ())))


def parse_request(data: PlanRequest | Mapping[str, Any] | str | bytes) -> PlanRequest:
    """Validate a request given as a model, a dict or JSON text.

    Raises:
        RequestError: The request is invalid; ``errors`` lists every problem
            as ``{"loc": "person.age", "msg": "..."}``.

    """
    if isinstance(data, PlanRequest):
        return data
    try:
        if isinstance(data, str | bytes):
            return PlanRequest.model_validate_json(data)
        return PlanRequest.model_validate(data)
    except ValidationError as exc:
        raise request_error(exc) from None


_BRANCH = re.compile(r"^[a-z-]+\[.*\]$|^bool$")
"""A pydantic union branch tag in an error's loc (``bool``, ``list[...]``)."""


def _union_branch_errors(errors: list[Any]) -> list[Any]:
    """Keep, of a union field's errors, those of the branch the input took.

    ``supplements`` is ``true`` or a list of ids: a list of 51 ids failed
    both branches and the first error said "should be a valid boolean".
    A list or object input is reported against its own branch, and the
    branch tag leaves the field's path.
    """
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        tags = [
            k
            for k, part in enumerate(loc)
            if isinstance(part, str) and _BRANCH.match(part)
        ]
        if not tags:
            out.append(err)
            continue
        k = tags[0]
        if loc[k] == "bool" and isinstance(err.get("input"), list | dict):
            siblings = [
                e
                for e in errors
                if e is not err and tuple(e.get("loc", ()))[:k] == loc[:k]
            ]
            if siblings:
                continue
        out.append({**err, "loc": loc[:k] + loc[k + 1 :]})
    return out or errors


def _short_repr(value: Any) -> str:
    """Return ``repr(value)``, or "" for a value nested too deeply to show.

    A Python caller's list nested 100,000 deep is a validation error like
    any other; its repr raised RecursionError out of the error report.
    """
    try:
        return repr(value)
    except RecursionError:
        return ""


def request_error(exc: ValidationError) -> RequestError:
    """Turn a pydantic ValidationError into a one-sentence RequestError."""
    errors = []
    for err in _union_branch_errors(exc.errors(include_url=False)):
        msg = str(err.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; check its spelling against the schema"
        elif err.get("type") != "value_error" and "input" in err:
            # Name the offending value, as every message of ours does; model-level
            # checks (type value_error) already quote theirs.
            shown = _short_repr(err["input"])
            if shown and len(shown) <= 60:
                msg = f"{msg.rstrip('.')} (got {shown})"
        errors.append({"loc": _loc(err), "msg": msg})
    first = errors[0]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    message = f"Invalid plan request: {first['loc']}: {first['msg']}{more}."
    return RequestError(message, errors)


def resolve_targets(request: PlanRequest, table: FoodTable) -> NutrientTargets:
    """Return the daily targets a request implies, overrides applied."""
    overrides: dict[str, BoundOverride] = dict(request.bounds)
    if request.targets is not None:
        targets = request.targets
        if request.kcal_min is not None or request.kcal_max is not None:
            overrides.setdefault(
                Nutrient.ENERGY.value,
                BoundOverride(minimum=request.kcal_min, maximum=request.kcal_max),
            )
    else:
        assert request.person is not None  # guaranteed by PlanRequest
        targets = targets_for(
            request.person,
            kcal_min=request.kcal_min,
            kcal_max=request.kcal_max,
            margin=request.margin,
            panel=request.panel,
            budgeted=request.budget_per_day is not None
            or request.objective is Objective.COST,
        )
    if overrides:
        targets = apply_overrides(targets, overrides, known_nutrients=table.nutrients)
    if request.absorbable_calcium:
        targets = absorbable_targets(targets)
    # Missing data is judged on the foods this eater may have (diet, allergies).
    allowed = (
        table.allowed(diet=request.diet, allergies=request.allergies)
        if request.diet is not Diet.OMNIVORE or request.allergies
        else None
    )
    targets = without_sparse_minimums(targets, table, allowed)
    if request.supplements and table.has_column("magnesium_supplemental_mg"):
        targets = supplement_targets(targets, request)
    for bound in targets.bounds:
        if bound.nutrient not in table.nutrients:
            msg = (
                f"Target on {bound.nutrient!r} names no column of the food table; "
                f"use one of {sorted(table.nutrients)} or add the column."
            )
            raise UnknownNutrientError(msg, bound.nutrient)
    return targets


def plan(
    request: PlanRequest | Mapping[str, Any] | str,
    foods: FoodTable | None = None,
) -> MealPlan:
    """Plan meals that meet every constraint of ``request``.

    Args:
        request: A :class:`PlanRequest`, or its dict / JSON form.
        foods: The food table; the bundled one when None.

    Returns:
        The plan, with totals recomputed from the food table.

    Raises:
        RequestError: The request is invalid.
        UnknownFoodError: A food id in include, pins or bans is not in the table.
        InfeasiblePlanError: No plan meets every constraint; ``.diagnosis`` says why.
        SolverError: The solver failed or found no plan within the time limit.

    Examples:
        >>> import mealplan
        >>> p = mealplan.plan({"person": {"age": 35, "sex": "female"}})
        >>> p.status.value in {"optimal", "feasible"}
        True

    """
    # The request's clock starts now: loading the table and resolving the
    # targets count against its time limit too (wall time, as a caller sees it).
    began = time.monotonic()
    req = parse_request(request)
    table = food_table(foods, "plan")
    # No table given: the bundled one, with its dishes under HiGHS only.
    table_note = bundled_note(req.solver, table)
    table = table if table is not None else bundled_for(req.solver)
    # Optional supplements (off by default) join the table as their own rows.
    table = with_supplements(table, req)
    check_taste_words(table, req.likes, req.dislikes)
    targets = resolve_targets(req, table)
    # One clock for every solve of this request, the diagnosis included.
    deadline = Deadline(req.time_limit, started=began)
    # A need with only one or two sources widens the default variety rule
    # for those sources alone.
    wider, variety_notes = widen_variety_for_sole_sources(req, targets, table)
    problem, solution, needed_notes = _search(req, targets, table, deadline, wider)
    floor_notes: list[str] = []
    if solution.status is SolveStatus.INFEASIBLE:
        # An AI floor the allowed foods cannot reach is reported, not a
        # refusal (issue 12: "the sodium AI as a floor where it can be met").
        reached = floors_out_of_reach(
            targets, _reach_builder(req, table), solver=req.solver, deadline=deadline
        )
        if reached is not None:
            targets, floor_notes = reached
            wider, variety_notes = widen_variety_for_sole_sources(req, targets, table)
            problem, solution, needed_notes = _search(
                req, targets, table, deadline, wider
            )
    if solution.status is SolveStatus.INFEASIBLE:
        _raise_infeasible(req, targets, table, deadline)
    return _assemble(
        req,
        targets,
        table,
        problem,
        solution,
        extra_notes=[
            *([table_note] if table_note else []),
            *variety_notes,
            *needed_notes,
            *supplement_notes(req, table),
            *floor_notes,
        ],
    )


def _search(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
) -> tuple[Problem, Solution, list[str]]:
    """Build the request's problem and solve it (a first plan for several days).

    Also returns the notes of a base no day does without, for which the
    default variety rule widened (:func:`first_plan_widened`).
    """
    problem = _build_wider(req, targets, table, wider)
    start = None
    solution = None
    needed_notes: list[str] = []
    if req.days > 1 and req.solver is SolverName.HIGHS and not problem.impossible:
        try:
            start, widened, needed_notes = first_plan_widened(
                req, targets, table, deadline, wider=wider
            )
        except NoRotation as proof:
            # Proven (mealplan._weekly_seed): a base no day can do without
            # is allowed on fewer days than the plan has, by the caller's own
            # max_days_per_food; a diagnosis at once instead of a search to
            # the time limit, started from why no day does without it.
            _raise_infeasible(req, targets, table, deadline, needed=proof.forms)
        if needed_notes:
            problem = _build_wider(req, targets, table, widened)
        if start is not None and applies(req, problem) and not deadline.expired:
            # Days as columns; the whole-plan MILP below makes no progress.
            # (Not once the seed has used the time: setting up the master
            # costs 0.3-0.6 s of 28 days at load 12 before its first check.)
            solution = column_generation(
                req, targets, table, problem, start, deadline, _gap(req)
            )
    if solution is None:
        solution = _solve(problem, req, deadline, start=start)
    if solution.status is SolveStatus.NO_SOLUTION and start:
        # The day-by-day plan meets every rule of the whole plan by
        # construction (variety by bans, no repeated meal by must-differ), so
        # it stands when the MILP had no time left to confirm it.
        solution = Solution(
            SolveStatus.FEASIBLE, units=dict(start), gap=None, time_limited=True
        )
    return problem, solution, needed_notes


def _reach_builder(
    req: PlanRequest, table: FoodTable
) -> Callable[[NutrientTargets], Problem]:
    """How :func:`floors_out_of_reach` builds the request's day for given targets.

    The same problem ``plan()`` solves (the sole-source variety widening
    included), so ``regenerate()`` recomputes the same verdict.
    """

    def build(targets: NutrientTargets) -> Problem:
        wider, _ = widen_variety_for_sole_sources(req, targets, table)
        return _build_wider(req, targets, table, wider)

    return build


def _build_wider(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    wider: Mapping[str, int],
) -> Problem:
    """Build the request's problem with ``wider`` variety limits, if any."""
    return build_problem(
        req,
        targets,
        table,
        restrictions=Restrictions(wider_days=tuple(sorted(wider.items())))
        if wider
        else None,
    )


def first_plan_widened(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    wider: Mapping[str, int],
) -> tuple[dict[tuple[int, int, int], float] | None, dict[str, int], list[str]]:
    """Return the first plan, the variety limits it kept, and why they widened.

    A base no day can do without (proven by the seed, NoRotation) makes a
    request infeasible by the default variety rule alone; issue 16 rules
    that out for a default request, so the default yields for that base
    (:func:`mealplan._sources.widen_for_needed`) and the seed starts again:
    a vegan 2-year-old's week needs avocado every day. Raises NoRotation
    when the limit is the caller's own ``max_days_per_food`` (or the base
    may already appear every day): then the proof stands.
    """
    wide = dict(wider)
    notes: list[str] = []
    while True:
        try:
            return _first_plan(req, targets, table, deadline, wider=wide), wide, notes
        except NoRotation as proof:
            more = widen_for_needed(req, proof.key, proof.forms, wide)
            if more is None or deadline.expired:
                raise
            wide, note = more
            notes.append(note)


def _first_plan(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    wider: Mapping[str, int] | None = None,
) -> dict[tuple[int, int, int], float] | None:
    """Return the first plan of a multi-day request (None: start cold).

    Day-plans in rotation (two daily solves for the default variety rule,
    :mod:`mealplan._weekly_seed`), else the day-by-day seed.
    """
    start = rotation_seed(req, targets, table, deadline, wider=wider)
    if start is None and not deadline.expired:
        start = _day_by_day(req, targets, table, deadline, wider=wider)
    return start


_SUPPLEMENTED = frozenset(
    ("vitamin_d_ug", "vitamin_b12_ug", "magnesium_mg", "calcium_mg")
)
"""Nutrients with a bundled supplement (foods/supplements.csv)."""

_REUSE_COST = 0.02
"""Per serving and per earlier day a food was eaten, in day-by-day planning."""


def _day_by_day(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline | None = None,
    *,
    wider: Mapping[str, int] | None = None,
) -> dict[tuple[int, int, int], float] | None:
    """Plan the days one at a time, as a starting point for the whole plan.

    ``wider`` gives sole sources of a need their wider variety limit.

    Each day is a small daily model: foods that already reached their
    max_days_per_food are banned, and each meal must drop a food of the day
    before, so the result meets the plan's variety rules. The whole-plan MILP
    then starts from this incumbent instead of searching for one: with
    interchangeable days its own search finds a first plan slowly. Returns
    None when a day cannot be planned this way (the MILP then starts cold).
    """
    if req.max_grams_per_week is not None:
        return None
    if deadline is None:
        deadline = Deadline(req.time_limit)
    start: dict[tuple[int, int, int], float] = {}
    days_used: dict[str, int] = {}
    previous: dict[str, list[str]] = {}
    # The variety rule's keys (bases under the meal structure), a sole
    # source's wider limit, no rule for a supplement.
    keys = variety_keys(req, table, wider)
    # Weekly caps (FDA/EPA fish): each day gets what its windows have left.
    limits = week_limits(req, table)
    planned: dict[tuple[str, int], float] = {}
    # Most of the time limit: this is the dependable source of a first plan;
    # the whole-plan MILP mostly tightens the bound on it.
    budget = deadline.sub(0.6)
    for d in range(req.days):
        if deadline.expired:
            # The request's time is up: no seed, so the request ends at its
            # limit (a typed time-limit error) instead of planning on.
            return None
        pins = [
            p.model_copy(update={"days": None})
            for p in req.pins
            if p.days is None or d + 1 in p.days
        ]
        bans = [
            b.model_copy(update={"days": None})
            for b in req.bans
            if b.days is None or d + 1 in b.days
        ]
        day_req = req.model_copy(
            update={
                "days": 1,
                "pins": pins,
                "bans": bans,
                "nutrient_period": NutrientPeriod.DAILY,
                "allow_shortfall": False,
            }
        )
        pinned = {*req.include, *(p.food for p in pins)}
        extra = Restrictions(
            bans=tuple(
                (None, None, fid)
                for b, n in days_used.items()
                if n >= keys.limit_of(b)
                for fid in keys.forms[b]
                if fid not in pinned
            ),
            # Charge foods by the days they were already eaten, so the plan
            # spreads them out instead of exhausting its favourites by day 5.
            penalty=tuple(
                (fid, _REUSE_COST * n)
                for b, n in days_used.items()
                for fid in keys.forms[b]
            ),
            # Every meal the day before held, snacks with min_foods 0 too
            # (the no-repeat rule covers them: mealplan._norepeat).
            must_differ=tuple(
                ((0, meal), tuple(fids)) for meal, fids in previous.items()
            ),
            week_allowance=allowance(limits, planned, d, req.days),
        )
        problem = build_problem(day_req, targets, table, restrictions=extra)
        # A fair share per remaining day (half as much again, as early days are
        # quick), so a hard day stops at a good plan rather than starving the
        # rest; and only a good start is needed: the whole-plan MILP proves the
        # gap. A day past the budget still gets a little time, never past the
        # request's own limit.
        left = budget.left()
        share = min(max(min(left, 1.5 * left / (req.days - d)), 0.2), deadline.left())
        # The guided start's first plan is enough here (abs_gap=inf): the
        # seed only has to be feasible and decent; what follows improves it.
        solution = solve(
            problem,
            solver=req.solver,
            mip_gap=0.1,
            deadline=deadline.part(share),
            abs_gap=math.inf,
        )
        if solution.status is SolveStatus.NO_SOLUTION and not deadline.expired:
            # A day under the meal structure can need more than its share:
            # once, give it what is left of the whole request.
            solution = solve(
                problem,
                solver=req.solver,
                mip_gap=0.1,
                deadline=deadline.part(deadline.left()),
            )
        if solution.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        previous = {}
        for (_, m, f), units in solution.units.items():
            start[d, m, f] = units
            meal = problem.meals[m]
            if is_ruled(meal):
                previous.setdefault(meal.name, []).append(problem.food_ids[f])
        for b in {keys.key(problem.food_ids[f]) for _, _, f in solution.units}:
            days_used[b] = days_used.get(b, 0) + 1
        for (cap_id, _), amount in day_amounts(
            problem.week_caps, solution.units
        ).items():
            planned[cap_id, d] = amount
    # The day model's food indices are the whole plan's: same filters, same table.
    return start


def _gap(req: PlanRequest) -> float:
    # A single day is proven optimal; a multi-day plan stops within 1 % of
    # the best bound, since proving more costs minutes for no visible gain.
    if req.mip_gap is not None:
        return req.mip_gap
    return 1e-4 if req.days == 1 else 0.01


def _solve(
    problem: Problem,
    req: PlanRequest,
    deadline: Deadline,
    *,
    start: dict[tuple[int, int, int], float] | None = None,
) -> Solution:
    solution = solve(
        problem,
        solver=req.solver,
        mip_gap=_gap(req),
        start=start,
        deadline=deadline,
    )
    # The whole-plan MILP leaves the no-repeat rule of meals that may be
    # empty to its plans (mealplan._norepeat): each repeat becomes a cut and
    # the MILP runs again; out of time, the start (which meets the rule) or
    # no plan at all (plan() then takes the start), never a plan that breaks
    # the rule.
    while cuts := repeats(problem, solution.units):
        cut = with_cuts(problem, cuts)
        # A repeat already cut (the solver's tolerance): no progress to make.
        stuck = len(cut.not_same) == len(problem.not_same)
        problem = cut
        if deadline.expired or stuck:
            solution = Solution(
                SolveStatus.NO_SOLUTION,
                solver_status="a repeated meal the cuts did not remove"
                if stuck
                else "Time limit reached",
                time_limited=not stuck,
            )
            break
        solution = solve(
            problem,
            solver=req.solver,
            mip_gap=_gap(req),
            start=start,
            deadline=deadline,
        )
    if solution.status is SolveStatus.NO_SOLUTION and start is None:
        # Under 'full' the AI floors are what most often leaves a day without
        # a plan in time (choline, the sodium AI: benchmarks/panel_full_latest.md).
        hint = (
            ", e.g. panel 'rda', which reports the AI floors (choline, the "
            "sodium AI) instead of planning them"
            if req.panel is PanelMode.FULL
            else ""
        )
        msg = (
            f"The solver found no plan within the time limit of {req.time_limit:g} s "
            f"({solution.solver_status}); raise time_limit or simplify the "
            f"request{hint}."
        )
        raise SolverError(msg, status=solution.solver_status)
    return solution


# --------------------------------------------------------------------------- results


def _food_values(table: FoodTable, rows: list[int], col: str) -> np.ndarray:
    if not table.has_column(col):
        return np.full(len(rows), np.nan)
    values: np.ndarray = table.numbers(col)[rows]
    return values


def _rows(table: FoodTable) -> dict[str, int]:
    """Return food id -> row of the table's array accessors."""
    return {fid: i for i, fid in enumerate(table.ids)}


def _totals(
    table: FoodTable,
    targets: NutrientTargets,
    grams: Mapping[str, float],
    *,
    scale: float = 1.0,
    names: Mapping[str, str] | None = None,
    absorbable: bool = False,
) -> list[NutrientTotal]:
    """Nutrient totals of ``grams`` (food id -> g), recomputed from the table.

    With ``absorbable`` the calcium minimum is judged on milk-equivalent
    calcium (see :func:`~mealplan._absorption.milk_equivalents`), as planned;
    the amount shown stays the total.
    """
    ids = list(grams)
    g = np.array([grams[i] for i in ids], dtype=float)
    where = _rows(table)
    rows = [where[i] for i in ids]
    cols = list(table.nutrients)
    for b in targets.bounds:
        if b.nutrient not in cols:
            cols.append(b.nutrient)
    out = []
    frame_names = names or {}
    for col in cols:
        values = _food_values(table, rows, col)
        missing = np.isnan(values) & (g > 0)
        amount = float(np.nansum(values * g) / 100.0) * scale
        bound = targets.get(col)
        lo = bound.minimum if bound else None
        hi = bound.maximum if bound else None
        judged = amount
        if absorbable and col == Nutrient.CALCIUM.value:
            weights = milk_equivalents(table, ids)
            judged = float(np.nansum(values * g * weights) / 100.0) * scale
        if bound is None:
            status = NutrientStatus.NO_BOUND
        elif lo is not None and judged < lo * (1 - _TOL) - _TOL:
            status = NutrientStatus.SHORT
        elif hi is not None and amount > hi * (1 + _TOL) + _TOL:
            status = NutrientStatus.OVER
        else:
            status = NutrientStatus.MET
        out.append(
            NutrientTotal(
                nutrient=col,
                unit=table.nutrients.get(col, col.rsplit("_", 1)[-1]),
                amount=round(amount, 6),
                minimum=lo,
                maximum=hi,
                status=status,
                percent_of_minimum=round(100 * judged / lo, 1) if lo else None,
                lower_bound=bool(missing.any()),
                foods_missing_data=sorted(
                    frame_names.get(i, i)
                    for i, m in zip(ids, missing, strict=True)
                    if m
                ),
                # Within the solver's tolerance a bound counts as met, and
                # then nothing is reported missing or in excess.
                shortfall=round(lo - judged, 6)
                if lo and status is NutrientStatus.SHORT
                else 0.0,
                excess=round(amount - hi, 6)
                if hi is not None and status is NutrientStatus.OVER
                else 0.0,
            )
        )
    return out


def _day_plan(
    day: int,
    items: list[PlanItem],
    table: FoodTable,
    targets: NutrientTargets,
    *,
    absorbable: bool = False,
) -> DayPlan:
    grams: dict[str, float] = {}
    for item in items:
        grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
    costs = [i.cost for i in items]
    cost = (
        None
        if any(c is None for c in costs)
        else round(sum(c or 0.0 for c in costs), 4)
    )
    names = {i.food_id: i.name for i in items}
    return DayPlan(
        day=day,
        items=items,
        totals=_totals(table, targets, grams, names=names, absorbable=absorbable),
        cost=cost,
    )


def _number(value: Any) -> float | None:
    """Return a float, or None for a missing (None/NaN) cell."""
    if value is None:
        return None
    number = float(value)
    return None if math.isnan(number) else number


def _item(
    columns: _ItemColumns, problem: Problem, d: int, m: int, f: int, units: float
) -> PlanItem:
    fid = problem.food_ids[f]
    r = columns.rows[fid]
    grams = round(units * float(problem.unit_grams[f]), 4)
    price_f = _number(columns.price[r])
    energy_f = _number(columns.energy[r])
    description, _ = columns.table.default_portion(fid)
    ndb = columns.ndb[r]
    pill = columns.category[r] == SUPPLEMENT_CATEGORY
    meal = problem.meals[m]
    return PlanItem(
        day=d + 1,
        meal=meal.name if meal.slot is not None or meal.kind == "supplements" else None,
        food_id=fid,
        name=columns.name[r],
        ndb_no=ndb or None,
        portions=round(units / problem.units_per_portion, 6),
        portion_description=description,
        grams=grams,
        cost=round(price_f * grams / 100.0, 4) if price_f is not None else None,
        energy_kcal=round(energy_f * grams / 100.0, 4)
        if energy_f is not None
        else None,
        kind="supplement" if pill else "food",
    )


class _ItemColumns:
    """The table columns a plan's items read, fetched once per plan."""

    def __init__(self, table: FoodTable) -> None:
        self.table = table
        self.rows = _rows(table)
        self.price = table.numbers("price_per_100g")
        self.energy = table.numbers(Nutrient.ENERGY.value)
        self.name = table.texts("name")
        self.ndb = table.texts("ndb_no")
        self.category = table.texts("category")


def _day_items(
    table: FoodTable | _ItemColumns, problem: Problem, solution: Solution, d: int
) -> list[PlanItem]:
    columns = table if isinstance(table, _ItemColumns) else _ItemColumns(table)
    keys = sorted(
        (k for k in solution.units if k[0] == d),
        key=lambda k: (k[1], problem.food_ids[k[2]]),
    )
    items = [_item(columns, problem, *k, solution.units[k]) for k in keys]
    # Without a minimum portion (continuous mode, no food limit) a solver may
    # add a trace of a food to meet a tiny bound; below the reported precision
    # it weighs 0 g, adds nothing to the totals and is no item to serve.
    items = [i for i in items if i.portions > 0 and i.grams > 0]
    # A cooking fat is shown with the item it is cooked with (issue 11).
    structured = problem.structure is not None and problem.structure.parts
    return attach_fats(items, columns.table) if structured else items


def _notes(
    req: PlanRequest,
    targets: NutrientTargets,
    problem: Problem,
    solution: Solution,
    caps: Sequence[LifeStageCap] | None = None,
) -> list[str]:
    notes = list(targets.notes)
    if problem.unpriced_left_out:
        notes.append(
            f"{problem.unpriced_left_out} foods without a known price were left out "
            "because the request sets a budget or a cost objective."
        )
    if solution.status is SolveStatus.FEASIBLE:
        gap = (
            f"gap {solution.gap * 100:.2f} %"
            if solution.gap is not None
            else "no bound was proven, so the gap is unknown"
        )
        if solution.boxed:
            box = (
                f"{DISH_BOX_SECONDS:g} s after the first plan, on a day with dishes"
                if solution.box_cpu_seconds is None
                else f"{solution.box_cpu_seconds:g} s of CPU after the first plan, "
                + ("on a one-day plan" if req.days == 1 else "on the re-planned day")
            )
            notes.append(
                f"The search for a better plan stopped at its time box ({box}) "
                f"before it proved this plan optimal; it may not be optimal "
                f"({gap}). A mip_gap below 1e-4 turns the box off (the search "
                "then runs on, up to time_limit)."
            )
        elif solution.time_limited:
            notes.append(
                f"The time limit ({req.time_limit:g} s) stopped the solver before it "
                f"proved this plan optimal; it may not be optimal ({gap})."
            )
        elif not solution.within_abs_gap:
            notes.append(
                "The solver stopped before it proved this plan optimal; it may not "
                f"be optimal ({gap})."
            )
        else:
            # Stopped by the absolute tolerance, not by time: say so rather
            # than calling a plan optimal whose relative gap is above mip_gap.
            notes.append(
                f"This plan is within {solution.abs_gap:g} servings of the best "
                "possible one in the objective, but not proven optimal to the "
                f"requested gap; it may not be optimal ({gap})."
            )
    if req.days > 1:
        if req.nutrient_period is NutrientPeriod.AVERAGE:
            notes.append(
                "Magnesium, calcium, vitamin D and vitamin B12 are met as an average "
                f"over the {req.days} days, with at least {req.daily_floor:.0%} of "
                "the target every day (DRIs are average intakes over time)."
            )
        else:
            notes.append(
                "Magnesium, calcium, vitamin D and vitamin B12 are met every day."
            )
    if req.portion_mode.value != "continuous":
        notes.append(
            f"Amounts are {_MODE_WORDS[req.portion_mode.value]} "
            "household portions from USDA SR28 measures."
        )
    if req.portion_mode is PortionMode.QUARTER:
        notes.append(
            "Quarter portions are the default at ages 1-3 (a toddler's serving "
            "is about a quarter of an adult's, AAP): countable foods over 50 g, "
            "such as a banana, in half pieces, an egg or a slice of bread whole; "
            "set portion_mode to choose."
        )
    if req.portion_limits:
        notes.extend(life_stage_cap_notes(req.person, caps))
    notes.extend(fish_day_notes(problem))
    notes.extend(week_cap_notes(problem))
    return notes


def _assemble(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    problem: Problem,
    solution: Solution,
    *,
    keep_days: Mapping[int, DayPlan] | None = None,
    keep_items: Mapping[int, list[PlanItem]] | None = None,
    extra_notes: Sequence[str] = (),
) -> MealPlan:
    days: list[DayPlan] = []
    columns = _ItemColumns(table)
    for d in range(req.days):
        if keep_days and d + 1 in keep_days:
            days.append(keep_days[d + 1])
            continue
        items = _day_items(columns, problem, solution, d)
        if keep_items and d + 1 in keep_items:
            order = {m.name: k for k, m in enumerate(problem.meals)}
            kept = keep_items[d + 1]
            new_meals = {i.meal for i in items} - {i.meal for i in kept}
            # A stable sort by meal keeps each meal's own order (a cooking
            # fat right after its item; otherwise by food id, as planned).
            items = sorted(
                [*kept, *(i for i in items if i.meal in new_meals)],
                key=lambda i: order.get(i.meal or "", 0),
            )
        days.append(
            _day_plan(d + 1, items, table, targets, absorbable=req.absorbable_calcium)
        )
    grams: dict[str, float] = {}
    names: dict[str, str] = {}
    for day in days:
        for item in day.items:
            grams[item.food_id] = grams.get(item.food_id, 0.0) + item.grams
            names[item.food_id] = item.name
    average = _totals(
        table,
        targets,
        grams,
        scale=1.0 / req.days,
        names=names,
        absorbable=req.absorbable_calcium,
    )
    costs = [d.cost for d in days]
    cost = (
        None
        if any(c is None for c in costs)
        else round(sum(c or 0.0 for c in costs) / req.days, 4)
    )
    shortfall = any(v > 1e-6 for v in solution.slacks.values())
    status = (
        PlanStatus.SHORTFALL
        if shortfall
        else PlanStatus.OPTIMAL
        if solution.status is SolveStatus.OPTIMAL
        else PlanStatus.FEASIBLE
    )
    notes = [
        *_notes(req, targets, problem, solution, table.life_stage_caps),
        *extra_notes,
    ]
    if shortfall:
        short = sorted(
            {
                t.nutrient
                for d in days
                for t in d.totals
                if t.status is not NutrientStatus.MET
                and t.status is not NutrientStatus.NO_BOUND
            }
        )
        notes.append(
            "allow_shortfall: no plan meets every bound; this is the closest one, "
            f"missing: {', '.join(short) or 'none after rounding'}."
        )
    if any(t.lower_bound for t in average if t.minimum is not None):
        notes.append(
            "Some chosen foods have no USDA value for a nutrient; those totals are "
            "lower bounds (see foods_missing_data)."
        )
    return MealPlan(
        request=req,
        targets=targets,
        status=status,
        gap=solution.gap
        if solution.gap is not None
        else (0.0 if status is PlanStatus.OPTIMAL else None),
        solve_seconds=round(
            solution.build_seconds + solution.solve_seconds + solution.extract_seconds,
            4,
        ),
        timings={
            "build": round(solution.build_seconds, 4),
            "solve": round(solution.solve_seconds, 4),
            "extract": round(solution.extract_seconds, 4),
        },
        objective_value=(
            round(solution.objective / req.days, 6)
            if solution.objective is not None
            else None
        ),
        days=days,
        average=average,
        cost_per_day=cost,
        unpriced_foods_left_out=problem.unpriced_left_out,
        notes=notes,
    )


# ----------------------------------------------------------------------- regenerate


def _raise_infeasible(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    restrictions: Restrictions | None = None,
    reject: Sequence[tuple[int | None, int | None, str]] = (),
    needed: Sequence[str] = (),
) -> NoReturn:
    advice = restrictions is None and not reject

    def conflicts() -> Diagnosis:
        # With advice to follow, the search ends early enough to leave the
        # advice its share of the request's own limit.
        # (A part of the request's deadline: its clock and its end.)
        search = deadline.sub(_SEARCH_SHARE) if advice else deadline
        return diagnose(
            req,
            targets,
            table,
            restrictions=restrictions,
            reject=reject,
            deadline=search,
            # The advice measures each change on the whole request; the
            # conflict-only optimum would only be overwritten.
            measure=not advice,
            needed=needed,
        )

    # The advice hook (mealplan._advice): one call. It re-plans the whole
    # request, so it applies to plan() only, not to a regenerated day.
    if advice:
        diagnosis = with_advice(req, table, conflicts, deadline=deadline)
    else:
        diagnosis = conflicts()
    raise InfeasiblePlanError(diagnosis.message, diagnosis)


def _solve_without(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    disabled: Collection[ConstraintGroup],
    restrictions: Restrictions | None,
    reject: Sequence[tuple[int | None, int | None, str]],
    goal: tuple[str, str],
    mip_gap: float,
    deadline: Deadline,
    node_limit: int | None = None,
    built: Callable[[Collection[ConstraintGroup]], Problem] | None = None,
) -> Solution:
    """Solve the request with some constraint groups switched off (diagnosis).

    ``built``: returns the hard problem with groups off (derived, not rebuilt).
    """
    if deadline.expired:
        # Before building: dozens of checks each building a model would
        # run the diagnosis seconds past the request's limit.
        return Solution(SolveStatus.NO_SOLUTION, solver_status="deadline")
    # The diagnosis asks about the hard constraints: no shortfall slacks.
    hard = dataclasses.replace(restrictions or Restrictions(), hard=True)
    problem = (
        built(disabled)
        if built is not None
        else build_problem(
            req, targets, table, disabled=disabled, reject=reject, restrictions=hard
        )
    )
    return solve(
        problem,
        solver=req.solver,
        mip_gap=mip_gap,
        goal=goal,
        deadline=deadline,
        node_limit=node_limit,
    )


def diagnose(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    *,
    restrictions: Restrictions | None = None,
    reject: Sequence[tuple[int | None, int | None, str]] = (),
    deadline: Deadline | None = None,
    measure: bool = True,
    needed: Sequence[str] = (),
) -> Diagnosis:
    """Find a smallest set of the request's constraint groups that conflict.

    ``needed``: the food ids of a base no day of a multi-day request has a
    plan without, allowed on fewer days than the plan has
    (:class:`~mealplan._weekly_seed.NoRotation`). Then why no day does
    without it is one day's conflict, found on the day's model with the base
    banned; with the variety rule it is a conflict of the whole plan (each
    day is that day, so each day holds the base), and the filter starts
    from it instead of from every group of the plan.

    With ``measure``, each conflict's relaxation says how far its bound can go
    with the other conflicting groups (one optimisation each); the advice
    does without, as it measures the change on the whole request.

    A deletion filter: every group is dropped in turn, and stays dropped if
    the rest is still infeasible. What remains is irreducible: removing any
    one of its groups makes the request feasible (each was checked), unless
    the deadline stopped a check; then ``minimal`` is false and the groups
    left unchecked are kept (their necessity assumed, not proven).
    """
    clock = deadline if deadline is not None else Deadline(req.time_limit)
    if restrictions is None and not reject and _separable(req):
        # A multi-day plan whose single day already has no plan: the day's
        # conflict is the plan's (every group but the variety rules acts on
        # each day alone, and the day has no variety rules), and it is found
        # on a model a seventh the size.
        day = req.model_copy(update={"days": 1})
        full = _solve_without(
            day, targets, table, (), None, (), ("min", "none"), 0.05, clock
        )
        if full.status is SolveStatus.INFEASIBLE:
            found = diagnose(day, targets, table, deadline=clock, measure=measure)
            return found.model_copy(update={"message": _message(found.conflicts, req)})

    hard = dataclasses.replace(restrictions or Restrictions(), hard=True)
    bases: dict[frozenset[ConstraintGroup], Problem] = {}
    screens: dict[frozenset[ConstraintGroup], HotRelaxation] = {}
    once: set[frozenset[ConstraintGroup]] = set()

    def columns(disabled: Collection[ConstraintGroup]) -> frozenset[ConstraintGroup]:
        return (
            frozenset(disabled)
            if hard.penalty
            else frozenset(g for g in disabled if not row_only(g))
        )

    def built(disabled: Collection[ConstraintGroup]) -> Problem:
        # One build per set of column groups off (a handful); each check's
        # nutrient bounds, AMDR shares, food cap and budget are dropped from
        # it (mealplan._problem.without_rows: the same problem, 10-40 ms
        # less per check). A seed's penalty charges would not be told apart.
        cols = columns(disabled)
        if cols not in bases:
            bases[cols] = build_problem(
                req, targets, table, disabled=cols, reject=reject, restrictions=hard
            )
        return without_rows(bases[cols], disabled)

    def screened(disabled: Collection[ConstraintGroup]) -> bool:
        """Whether the hot LP screen proves the check infeasible (mealplan._hot_lp)."""
        if hard.penalty or req.solver is not SolverName.HIGHS or clock.expired:
            return False
        problem = built(disabled)
        if problem.impossible or shortfalls(problem):
            return False  # solve() says so without a solver call
        cols = columns(disabled)
        if cols not in screens:
            # From a base's second check on: a base checked once (the woman
            # of 73's three, the vegan day's four, all LP-feasible) would pay
            # for its screen and then solve its LP again (CPU +10 %).
            if cols not in once:
                once.add(cols)
                return False
            screens[cols] = HotRelaxation(bases[cols])
        return screens[cols].infeasible(disabled, clock)

    share = [1.0]
    """Of the time left, what the next check may take (the deletion filter
    gives each group left an equal part, at least _CHECK_SHARE)."""

    timed = [False]
    """Whether the last check ran out of its time (not of its node limit)."""

    def check(disabled: Collection[ConstraintGroup]) -> SolveStatus:
        timed[0] = False
        if screened(disabled):
            return SolveStatus.INFEASIBLE
        solution = _solve_without(
            req,
            targets,
            table,
            disabled,
            restrictions,
            reject,
            ("min", "none"),
            0.05,
            # A check whose root alone outlasts its node limit (s00024's
            # 2-day checks: 11 s at the root of a 409-column restriction)
            # must not take the time of the checks after it: cut short, its
            # group is kept, assumed rather than proven.
            clock if share[0] >= 1.0 else clock.sub(share[0]),
            # An effort limit, not a time limit: a check left open is the
            # same one at any load (kept, its necessity assumed).
            _CHECK_NODES,
            built,
        )
        timed[0] = solution.time_limited
        return solution.status

    whole = built(())
    groups = whole.groups
    kept = sorted(groups, key=lambda g: g.order)
    minimal = True
    daily = (
        _needed_start(req, targets, table, groups, needed, clock)
        if needed and restrictions is None and not reject and _separable(req)
        else None
    )
    # Too few foods for a need (mealplan._cover): the filter starts from the
    # few groups that proof rests on, its checks mostly with no solve.
    cover = _cover_start(whole, groups, check) if daily is None else daily
    # First drop whole classes at once (all nutrient minimums, all AMDR
    # shares...): most are usually irrelevant, and one solve settles them.
    classes: dict[GroupKind, list[ConstraintGroup]] = {}
    for g in kept if cover is None else ():
        classes.setdefault(g.kind, []).append(g)
    kept = kept if cover is None else cover
    # A class's check takes a group's part: one left in place is checked
    # group by group below.
    share[0] = max(1.0 / (len(kept) + 1), _CHECK_SHARE)
    for members in classes.values():
        if len(members) > 1:
            trial = [g for g in kept if g not in members]
            if check(set(groups) - set(trial)) is SolveStatus.INFEASIBLE:
                kept = trial
    assumed: set[ConstraintGroup] = set()
    again: list[ConstraintGroup] = []
    order = list(kept)
    for k, group in enumerate(order):
        share[0] = max(1.0 / (len(order) - k), _CHECK_SHARE)
        trial = [g for g in kept if g != group]
        status = check(set(groups) - set(trial))
        if status is SolveStatus.INFEASIBLE:
            kept = trial
        elif status is SolveStatus.NO_SOLUTION:
            # Out of time: kept, its necessity assumed rather than proven.
            minimal = False
            assumed.add(group)
            if timed[0]:
                again.append(group)
    for group in again:
        # Cut short by its part of the time (not by its node limit, which
        # gives the same answer at any load): asked again with what the
        # quicker checks after it left (all of it, one at a time). Necessity
        # proven on the smaller set holds: dropping a group after others
        # were dropped with it in place only removes constraints.
        share[0] = 1.0
        if clock.expired:
            break
        trial = [g for g in kept if g != group]
        status = check(set(groups) - set(trial))
        if status is SolveStatus.INFEASIBLE:
            kept = trial
        if status is not SolveStatus.NO_SOLUTION:
            assumed.discard(group)
    minimal = not assumed
    conflict = _Found(
        req, targets, table, tuple(kept), tuple(groups), restrictions, reject
    )
    conflicts = [_conflict(g, conflict, clock, measure) for g in kept]
    conflicts = [
        c.model_copy(update={"proven": False}) if g in assumed else c
        for g, c in zip(kept, conflicts, strict=True)
    ]
    conflicts = _cover_words(conflicts, conflict, built(set(groups) - set(kept)))
    # A life-stage safety rule is no group the search may drop: name it when
    # its foods would let the conflict plan.
    safety = (
        safety_conflicts(req, targets, table, kept, groups, clock)
        if restrictions is None and not reject and kept
        else []
    )
    if daily is not None:
        # Say why the variety rule conflicts: every day needs one base.
        why = _needed_words(req, table, needed)
        conflicts = [
            c.model_copy(update={"description": f"{c.description} ({why})"})
            if c.constraint == "variety"
            else c
            for c in conflicts
        ]
    message = _message(conflicts, req)
    if safety:
        message += " " + safety_sentence(safety, table)
    return Diagnosis(
        message=message, conflicts=conflicts, minimal=minimal, safety=safety
    )


def _needed_start(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    groups: Sequence[ConstraintGroup],
    needed: Sequence[str],
    clock: Deadline,
) -> list[ConstraintGroup] | None:
    """Return a conflict of the plan from one day's: why no day does without ``needed``.

    One day with every form of the base banned has no plan (the seed proved
    it); the groups of that day's conflict keep every day from doing without
    the base, and the variety rule allows it on fewer days than the plan
    has: together they have no plan (a proof, with no solve of the plan's
    model). None: no such day conflict was found.
    """
    day = req.model_copy(update={"days": 1})
    within = diagnose(
        day,
        targets,
        table,
        reject=[(None, None, f) for f in needed],
        deadline=clock,
        measure=False,
    )
    names = {c.constraint for c in within.conflicts}
    by_name = {g.name: g for g in groups}
    variety = [g for g in groups if g.kind is GroupKind.VARIETY]
    if not names or not variety or not names <= set(by_name):
        return None
    return sorted({*(by_name[n] for n in names), *variety}, key=lambda g: g.order)


def _needed_words(req: PlanRequest, table: FoodTable, needed: Sequence[str]) -> str:
    """Say which food every day needs, against the days the variety rule allows."""
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    food = names.get(needed[0], needed[0]) if needed else "one food"
    limit = req.max_days_per_food or default_max_days(req.days)
    other = " (or another form of it)" if len(needed) > 1 else ""
    return (
        f"no single day has a plan without {food}{other}, which may be on "
        f"only {limit} of the {req.days} days"
    )


def _cover_start(
    whole: Problem,
    groups: Sequence[ConstraintGroup],
    check: Callable[[Collection[ConstraintGroup]], SolveStatus],
) -> list[ConstraintGroup] | None:
    """Return the groups of a too-few-foods proof (mealplan._cover), checked, or None.

    Else the groups the problem is impossible with before any solve, checked.

    ``whole``: the hard problem with every group on.
    """
    start = conflict_start(whole)
    if start is None and whole.impossible:
        # Groups impossible together before any solve (fish included past a
        # weekly cap: mealplan._week_caps.forced_conflicts), once checked.
        start = list(whole.impossible)
    if start is None or check(set(groups) - set(start)) is not SolveStatus.INFEASIBLE:
        return None
    return sorted(start, key=lambda g: g.order)


@dataclasses.dataclass(frozen=True)
class _Found:
    """A conflict the deletion filter found, and the request it was found in."""

    req: PlanRequest
    targets: NutrientTargets
    table: FoodTable
    kept: tuple[ConstraintGroup, ...]
    """The conflict's groups."""
    groups: tuple[ConstraintGroup, ...]
    """Every group of the request."""
    restrictions: Restrictions | None
    reject: Sequence[tuple[int | None, int | None, str]]


def _cover_words(
    conflicts: list[Conflict], found: _Found, problem: Problem
) -> list[Conflict]:
    """Say which need too few foods miss, when the conflict is that proof's.

    ``problem``: the hard problem with every group but the conflict's off.
    """
    table, kept = found.table, found.kept
    short = shortfalls(problem)
    named = {s.group.name: s for s in short if s.more_foods_help}
    if not short or not any(c.constraint in named for c in conflicts):
        return conflicts
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    out = []
    for c in conflicts:
        s = named.get(c.constraint)
        if s is not None and not c.relaxation.startswith("With the other"):
            text = cover_relaxation(
                s,
                _unit(table, s.nutrient),
                _label(s.nutrient),
                [names.get(f, f) for f in s.sources],
                [g.name for g in kept],
            )
            c = c.model_copy(update={"relaxation": text})
        out.append(c)
    return out


_CHECK_NODES = 2000
"""Branch-and-bound nodes a conflict check may take before its group is kept
unproven; LP-infeasible checks (most of them) need none."""

_CHECK_SHARE = 0.25
"""The least share of the time left one check may take: an equal part of
the groups left, but no less (with 1/30 each, the 3-foods day's checks were
cut short at load 13 and a need whose check was cut stayed in the conflict,
unproven, in place of vitamin D's)."""

_SEARCH_SHARE = 0.75
"""Share of the time left when the conflict search starts that it may use
before the advice (the rest is the advice's, within the request's limit).
s00024 (a woman of 88, 2 days, fish, shellfish and milk allergies, 30 s):
the search used it all and the advice ran past the limit (33-34 s)."""


def _separable(req: PlanRequest) -> bool:
    """Whether each day of ``req`` is one day's request (no day-specific rules)."""
    return (
        req.days > 1
        and req.nutrient_period is NutrientPeriod.DAILY
        and not any(p.days for p in req.pins)
        and not any(b.days for b in req.bans)
    )


def _unit(table: FoodTable, nutrient: str) -> str:
    unit = table.nutrients.get(nutrient, nutrient.rsplit("_", 1)[-1])
    return "µg" if unit == "ug" else unit  # column suffixes are ASCII; prose is not


def _label(nutrient: str) -> str:
    # Panel nutrients outside the enum read as words too ("iodine").
    return nutrient_label(nutrient)


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 100 else f"{x:.3g}"


def _conflict(
    typed: ConstraintGroup,
    found: _Found,
    deadline: Deadline,
    measure: bool = True,
) -> Conflict:
    group = typed.name
    req, targets, table = found.req, found.targets, found.table

    def best(goal: tuple[str, str]) -> float | None:
        if not measure:
            return None
        others = [g for g in found.kept if g != typed]
        disabled = set(found.groups) - set(others)
        sol = _solve_without(
            req,
            targets,
            table,
            disabled,
            found.restrictions,
            found.reject,
            goal,
            1e-3,
            deadline,
        )
        if (
            sol.status in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)
            and sol.objective is not None
        ):
            return sol.objective / max(req.days, 1)
        return None

    if typed.kind in (GroupKind.MIN, GroupKind.MAX):
        side = "min" if typed.kind is GroupKind.MIN else "max"
        nutrient = typed.nutrient or ""
        bound = targets.get(nutrient)
        assert bound is not None
        unit = _unit(table, nutrient)
        label = "energy" if nutrient == Nutrient.ENERGY.value else _label(nutrient)
        kind = bound.minimum_kind if side == "min" else bound.maximum_kind
        kind_s = f" ({kind.value})" if isinstance(kind, BoundKind) else ""
        if side == "min":
            value = bound.minimum or 0.0
            desc = f"at least {_fmt(value)} {unit} of {label} a day{kind_s}"
            absorbable = req.absorbable_calcium and nutrient == Nutrient.CALCIUM.value
            if absorbable:
                # The bound counts absorbable calcium (milk-equivalent mg).
                desc = (
                    f"at least {_fmt(value * DEFAULT_FRACTION)} mg of absorbable "
                    f"calcium a day ({_fmt(value)} mg at milk's 32.1 % absorption"
                    f"{kind_s.replace(' (', ', ').rstrip(')')})"
                )
            reach = best(("max", ABSORBABLE_CALCIUM if absorbable else nutrient))
            if reach is None:
                relax = (
                    f"Lower the {label} minimum or relax the other constraints listed."
                )
            elif reach <= 1e-9:
                relax = (
                    f"No allowed food contains any {label}; allow "
                    + ("fortified foods or " if not req.allow_fortified else "")
                    + f"other foods, or take a {label} supplement on a doctor's advice"
                    + (
                        " (supplements: true; --supplements)."
                        if not req.supplements and nutrient in _SUPPLEMENTED
                        else "."
                    )
                )
            else:
                relax = (
                    f"With the other constraints listed, at most {_fmt(reach)} {unit} "
                    f"is reachable; lower the minimum to {_fmt(reach)} {unit} or relax "
                    "one of the others."
                )
        else:
            value = bound.maximum or 0.0
            desc = f"at most {_fmt(value)} {unit} of {label} a day{kind_s}"
            need = best(("min", nutrient))
            relax = (
                f"With the other constraints listed, at least {_fmt(need)} {unit} is "
                f"needed; raise the maximum to {_fmt(need)} {unit} or relax one of the others."
                if need is not None
                else f"Raise the {label} maximum or relax the other constraints listed."
            )
        return Conflict(constraint=group, description=desc, relaxation=relax)
    if typed.kind is GroupKind.MACRO:
        nutrient = typed.nutrient or ""
        lo, hi = (targets.macro_shares or {}).get(nutrient, (0.0, 1.0))
        return Conflict(
            constraint=group,
            description=f"{_label(nutrient)} between {lo:.0%} and {hi:.0%} of energy (AMDR)",
            relaxation="Set macro_limits to false to drop the AMDR energy shares.",
        )
    texts = {
        "diet": (
            f"a {req.diet.value} diet",
            "Allow a less strict diet (vegetarian adds dairy and eggs; pescatarian adds fish).",
        ),
        "allergies": (
            f"no foods containing {', '.join(a.value for a in req.allergies)}",
            "Check with your doctor whether every listed allergy is needed.",
        ),
        "exclude": (
            f"excluding {', '.join(repr(e) for e in req.exclude)}",
            "Remove one of the exclusions.",
        ),
        "fortified": (
            "no fortified foods",
            "Allow fortified foods (allow_fortified=true) or a supplement.",
        ),
        "priced": (
            "only foods with a known price (needed for the budget or cost objective)",
            "Drop the budget and use the typical objective, or add prices to the food table.",
        ),
        "include": (
            f"including {', '.join(repr(i) for i in req.include)} every day",
            "Drop a food from include, or make sure the filters allow it.",
        ),
        "pins": (
            "the pinned foods",
            "Drop a pin, or make sure the filters and its meal allow the food.",
        ),
        "bans": ("the banned foods", "Lift one of the bans."),
        "meals": (
            "the meal structure (energy share and number of foods per meal)",
            "Widen the meals' energy shares or food counts, or set meals to null.",
        ),
        "variety": (
            f"each food on at most {req.max_days_per_food or default_max_days(req.days)} days, no meal repeated on consecutive days",
            "Raise max_days_per_food or allow more foods.",
        ),
        "portion_limits": (
            "realistic portion caps per food",
            "Set portion_limits to false to allow larger amounts.",
        ),
        "weekly_caps": (
            "the FDA/EPA weekly fish limit for the life stage, at most one "
            "serving of its Good Choices such as halibut or albacore among it "
            "(foods/life_stage_caps.csv, fda.gov/fishadvice)",
            "Include or pin less fish, or plan fewer days: the weekly fish "
            "limit is a safety rule and is never lifted.",
        ),
        "daily_fish_caps": (
            "the FDA/EPA fish limit a day for the life stage, at most one "
            "serving of fish and shellfish (1-4 oz by age for a child, 4 oz in "
            "pregnancy and lactation; "
            "foods/life_stage_caps.csv, fda.gov/fishadvice)",
            "Include or pin less fish, or meet the need from other foods: the "
            "daily fish limit is a safety rule and is never lifted.",
        ),
    }
    if group == "budget":
        cheapest = best(("min", "cost"))
        relax = (
            f"With the other constraints listed, the cheapest plan costs ${cheapest:.2f} a day; "
            f"raise budget_per_day to at least ${math.ceil(cheapest * 100) / 100:.2f}."
            if cheapest is not None
            else "Raise budget_per_day."
        )
        return Conflict(
            constraint=group,
            description=f"a budget of ${req.budget_per_day:.2f} a day",
            relaxation=relax,
        )
    if group == "max_foods":
        fewest = best(("min", "foods"))
        relax = (
            f"With the other constraints listed, at least {math.ceil(fewest - 1e-6)} foods a day are "
            f"needed; raise max_foods to {math.ceil(fewest - 1e-6)}."
            if fewest is not None
            else "Raise max_foods."
        )
        return Conflict(
            constraint=group,
            description=f"at most {req.max_foods} foods a day"
            ", not counting the cooking fat or dressing of an item",
            relaxation=relax,
        )
    if typed.kind is GroupKind.STRUCTURE:
        desc, relax = conflict_text(typed, req)
        return Conflict(constraint=group, description=desc, relaxation=relax)
    desc, relax = texts.get(group, (group, f"Relax {group}."))
    return Conflict(constraint=group, description=desc, relaxation=relax)


def _message(conflicts: Sequence[Conflict], req: PlanRequest) -> str:
    if not conflicts:
        return (
            "No plan meets the request, but no single group of its constraints could be "
            "named; raise time_limit or relax the request."
        )
    head = conflict_head(conflicts, req)
    if head is not None:
        need = next(c for c in conflicts if c.constraint.startswith("min:"))
        return f"{head} {need.relaxation}"
    filters = [c for c in conflicts if c.constraint in FILTER_GROUPS]
    others = [c for c in conflicts if c.constraint not in FILTER_GROUPS]
    span = "day" if req.days == 1 else f"{req.days}-day plan"
    if filters and len(others) == 1:
        c = others[0]
        who = " and ".join(f.description for f in filters)
        return f"A {span} with {who} cannot meet {c.description}: {c.relaxation}"
    parts = "; ".join(c.description for c in conflicts)
    return f"No {span} meets these constraints together: {parts}. {conflicts[0].relaxation}"
