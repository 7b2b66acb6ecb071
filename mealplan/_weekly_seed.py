"""A fast first plan for a multi-day request: a few day-plans in rotation.

The day-by-day seed (``mealplan._day_seed._day_by_day``) solves one daily
model per day in sequence: 7 solves for a week (2.65 s at load 10, against a
goal of 1 s for the first plan). The variety rule (a base food on at most
``max_days_per_food`` days, by default half the days) and the no-repeat rule
(no meal as the day before) are both met by ``k >= ceil(days / limit)``
day-plans eaten in rotation (day ``d`` eats plan ``d mod k``): two for the
default limit up to 8 days, one per 4 days beyond (so that plans can share
bases). So the seed is ``k`` daily solves:

- plan ``i`` is eaten on ``n_i`` days; a base (or, without the meal
  structure, a food) already in earlier plans on ``u`` days is banned from
  plan ``i`` when ``u + n_i`` would pass its limit (a sole source's wider
  limit included, pinned and included foods exempt);
- each meal of plan ``i`` drops at least one food of that meal in plan
  ``i - 1`` (every meal that has foods, snacks too), so consecutive days never
  share a whole meal; with three plans or more the rotation wraps (plan
  ``k - 1`` before plan ``0``), which is checked after the fact;
- planned greedily, an early plan can take a base a later one cannot do
  without (a 2-day vegetarian plan with a fish allergy: the first day took
  the UV mushrooms, and the second had no vitamin D left). A plan with no
  plan under its bans is planned again with them as a steep charge; the
  banned bases it still takes are reserved for it (earlier plans leave
  them) and the rotation starts again, a few times at most.

The optimum of a week mostly rotates two or three day-plans too
(PERFORMANCE.md, "Weeks"), and the column generation that follows starts from
these day-plans. Returns None when the rotation does not apply (pins or bans
that differ by day, grams per week) or a plan cannot be found; the caller
then falls back to the day-by-day seed. A rotation that ended on a key its
repairs could not settle returns :class:`Contested`: the day-by-day seed
under the same rule found no plan after one either (0 of 15 such seeds of
the default weeks and the toddlers' 3-day plans, session 39), so a caller
with a wider rule to try next goes to it at once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mealplan._day_plans import remembered
from mealplan._deadline import Deadline
from mealplan._meal_structure import base_of
from mealplan._models import NutrientPeriod
from mealplan._norepeat import is_ruled
from mealplan._optimiser import SolveStatus, solve
from mealplan._problem import Restrictions, build_problem, default_max_days
from mealplan._supplements import SUPPLEMENT_CATEGORY
from mealplan._week_caps import day_amounts, rotation_allowance, week_limits

if TYPE_CHECKING:
    from collections.abc import Mapping

    from mealplan._catalog import FoodTable
    from mealplan._models import NutrientTargets, PlanRequest
    from mealplan._optimiser import Solution
    from mealplan._problem import Problem

__all__ = ["Contested", "NoRotation", "VarietyKeys", "rotation_seed", "variety_keys"]

Key = tuple[int, int, int]

# The share of the seed's time the rotation may take (the rest is the
# day-by-day seed's, and what the rotation leaves improves the plan). Under
# the default panel a week's seed has a deadline of its own (half the time,
# then a share with foods allowed on every day; mealplan._floor_search), so
# the search after it is not in this share. At 0.6 a toddler's day-plan
# (1.3-4 s under the RDAs) did not fit: with foods allowed on every day a
# pescatarian boy of 2's seed takes 2.7 s, and 0.6 of its 3 s share gave the
# first day-plan 1.4 s; his 3 days had no plan in 10 s (session 38,
# benchmarks/weeks_widened_ab_latest.md).
_SEED_SHARE = 0.9
# The first day-plan's share of the seed's time, as a multiple of a fair
# share (the others share the rest). It is planned with no bans, so its first
# plan is a plain day's, which under the whole RDA panel takes 1.2-1.5 s of
# wall time for the omnivore boy of 12 and the vegan man of 40, while the
# plans after it, under its bans, took 0.2 s: at the fair share (1.5 s of the
# 5 s seed share at 10 s) the first ran out at its edge and the week's RDAs
# were lifted. With 1.6 both weeks met every RDA (benchmarks/weeks_default.py,
# session 38; a seed share of 0.9 instead of 0.6 gave the same 14 outcomes).
_FIRST_PLAN_WEIGHT = 1.6
# A day-plan of the seed is eaten on at most this many days.
_DAYS_PER_PLAN = 4
# The share of a plan's time its solve under bans gets before the bans are
# looked at as charges instead.
_HARD_SHARE = 0.25
# Seconds a proof that a day cannot do without a key may take.
_PROOF_SECONDS = 1.0
# ... or this share of the request's time limit, when that is longer.
_PROOF_SHARE = 0.1
# Restarts of the rotation with the keys a later plan needs reserved for it.
_REPAIRS = 4
# The share of the request's time after which a rotation in conflict is not
# repaired again (the day-by-day seed then starts; see rotation_seed).
_REPAIR_SHARE = 0.25
# Per serving of a banned food, when a plan looks for the bans it cannot
# keep: far above a day's cost (a few dollars plus the taste terms), so the
# plan takes as few banned keys as it can.
_CONFLICT_CHARGE = 100.0


@dataclass(frozen=True, slots=True)
class Contested:
    """The rotation ended on keys its repairs could not settle in time.

    Two day-plans (or more) each need them, on more days together than the
    variety rule allows, and no proof came that a day cannot do without
    them (which would widen the rule for them: :class:`NoRotation`).
    """

    keys: frozenset[str]


@dataclass(frozen=True, slots=True)
class VarietyKeys:
    """What the variety rule counts, for the seeds that keep it by bans."""

    limit: int
    """Days a key may appear on (the request's, or the default for its days)."""
    base: dict[str, str]
    """Food id -> the key it counts as (its base under the meal structure)."""
    forms: dict[str, list[str]]
    """Key -> every food id that counts as it."""
    limits: dict[str, int]
    """Key -> its own limit where it differs from ``limit``."""

    def key(self, fid: str) -> str:
        """Return the key food ``fid`` counts as."""
        return self.base.get(fid, fid)

    def limit_of(self, key: str) -> int:
        """Return the days ``key`` may appear on."""
        return self.limits.get(key, self.limit)


def variety_keys(
    req: PlanRequest, table: FoodTable, wider: Mapping[str, int] | None
) -> VarietyKeys:
    """Return the variety rule's keys and limits for the seeds.

    Under the meal structure the rule counts bases (any form of egg); a sole
    source of a need gets its wider limit (``wider``); a supplement has no
    variety rule (it may be taken every day), as in the whole-plan MILP.
    """
    limit = req.max_days_per_food or default_max_days(req.days)
    base = base_of(table) if req.structure else {}
    forms: dict[str, list[str]] = {}
    for fid in table.ids:
        forms.setdefault(base.get(fid, fid), []).append(fid)
    limits: dict[str, int] = {}
    for fid, days in (wider or {}).items():
        b = base.get(fid, fid)
        limits[b] = max(limits.get(b, limit), days)
    if req.supplements:
        categories = table.texts("category")
        for fid, category in zip(table.ids, categories, strict=True):
            if category == SUPPLEMENT_CATEGORY:
                limits[base.get(fid, fid)] = req.days
    return VarietyKeys(limit, base, forms, limits)


def _uniform(req: PlanRequest) -> bool:
    """Return whether every day has the same pins and bans (one day type)."""
    return all(p.days is None for p in req.pins) and all(
        b.days is None for b in req.bans
    )


def rotation_seed(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    *,
    wider: Mapping[str, int] | None = None,
) -> dict[Key, float] | Contested | None:
    """Return a plan of ``k`` day-plans in rotation, Contested, or None (see the module)."""
    days = req.days
    if days < 2 or req.max_grams_per_week is not None or not _uniform(req):
        return None
    keys = variety_keys(req, table, wider)
    # At most _DAYS_PER_PLAN days a plan: over 28 days, two plans (14 days
    # each, no base in both) made a seed twice as costly as day by day
    # (22.6 against 11.5), which column generation did not recover from in
    # 60 s; seven plans of 4 days share bases as a week's two do not.
    k = max(2, math.ceil(days / keys.limit), math.ceil(days / _DAYS_PER_PLAN))
    if k > days:
        return None
    uses = [len(range(i, days, k)) for i in range(k)]
    pinned = {*req.include, *(p.food for p in req.pins)}
    day_req = req.model_copy(
        update={
            "days": 1,
            "nutrient_period": NutrientPeriod.DAILY,
            "allow_shortfall": False,
        }
    )
    # The seed's share leaves the rest to improve it; a request for the first
    # plan (mip_gap 1: the lifted floors' retry too) has nothing after it.
    # A vegan boy of 16's default week, his RDAs lifted after 5 s, had no
    # seed in the other 5 s on a slow machine (each day-plan its 1 s share).
    budget = deadline if req.first_plan_only else deadline.sub(_SEED_SHARE)
    repairs = deadline.sub(_REPAIR_SHARE)
    # Keys a later plan needs (key -> that plan): earlier plans leave them.
    reserved: dict[str, int] = {}
    # Keys a day was shown to have a plan without (or no verdict in time).
    not_needed: set[str] = set()
    contested: frozenset[str] = frozenset()
    for _ in range(_REPAIRS + 1):
        made = _rotation(
            day_req, targets, table, keys, uses, pinned, reserved, deadline, budget
        )
        if not isinstance(made, _Conflict):
            break
        if not made.keys or deadline.expired:
            return None  # the day itself has no plan: nothing to repair
        contested = made.keys
        # A key in conflict may be one no day does without: proven at its
        # first conflict, before any repair, so that the planner widens the
        # default rule for it (or diagnoses at once). Proving only a key
        # contested back and forth came too late: a vegetarian boy of 8 spent
        # the repairs' share on two rotations (3.8 s at load 4) and never
        # proved the UV mushrooms he needs every day (no plan in 10 s).
        for key in sorted(made.keys - not_needed):
            if keys.limit_of(key) < days:
                _prove_needed(req, day_req, targets, table, keys, key, pinned, deadline)
            not_needed.add(key)
        if repairs.expired:
            # Repairs past their share: the rest of the time is the caller's.
            # A vegetarian boy of 8 (the default 10 s week): four rotations
            # (1.7, 1.1, 1.3, 0.3 s) and their proofs took 6.4-7.8 s and
            # ended in a conflict, leaving the days 2-3.6 s where they need
            # 5.2 s: no plan at all. A rotation that works comes at once.
            return Contested(contested)
        for key in made.keys:
            reserved[key] = made.plan
    else:
        return Contested(contested)
    if made is None:
        return None
    plans, meals_of = made
    if k > 2 and days > k and _shares_a_meal(meals_of[-1], meals_of[0]):
        return None  # the wrap-around repeats a meal: the caller falls back
    return {(d, m, f): u for d in range(days) for (m, f), u in plans[d % k].items()}


def _shares_a_meal(
    a: Mapping[str, tuple[str, ...]], b: Mapping[str, tuple[str, ...]]
) -> bool:
    """Return whether two day-plans have an identical non-empty meal."""
    return any(foods and b.get(meal) == foods for meal, foods in a.items())


class NoRotation(Exception):  # noqa: N818 (a verdict, not a failure)
    """Proven: no plan of the request meets its variety rule.

    A key (a food, or a base) that no single day can do without is allowed
    on fewer days than the plan has. Raised by :func:`rotation_seed`; the
    planner answers with a diagnosis instead of searching to its limit.
    """

    def __init__(self, key: str, forms: tuple[str, ...] = ()) -> None:
        super().__init__(key)
        self.key = key
        self.forms = forms
        """The food ids of ``key`` (what no day does without)."""


def _prove_needed(
    req: PlanRequest,
    day_req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    keys: VarietyKeys,
    key: str,
    pinned: set[str],
    deadline: Deadline,
) -> None:
    """Raise :class:`NoRotation` if no day has a plan without ``key``.

    Valid only when every day of the plan is that day model (nutrients met
    each day, no shortfall allowed, the same pins and bans every day, which
    ``rotation_seed`` requires): then every day holds ``key``, on more days
    than its limit. Only a proven infeasibility counts (the LP's, or the
    MILP's); a day that runs out its second proves nothing.
    """
    if (
        req.nutrient_period is not NutrientPeriod.DAILY
        or req.allow_shortfall
        or any(fid in pinned for fid in keys.forms[key])
    ):
        return
    problem = build_problem(
        day_req,
        targets,
        table,
        restrictions=Restrictions(bans=tuple((None, None, f) for f in keys.forms[key])),
    )
    # Scaled with a longer request (a tenth of its limit, at least 1 s): on
    # a loaded machine the toddler's avocado proof (0.4 s of CPU) missed a
    # fixed second of wall time, and a 60 s request gave no proof at all.
    seconds = max(_PROOF_SECONDS, _PROOF_SHARE * req.time_limit)
    found = _first(problem, day_req, deadline.part(seconds))
    if found.status is SolveStatus.INFEASIBLE:
        raise NoRotation(key, tuple(keys.forms[key]))


@dataclass(frozen=True, slots=True)
class _Conflict:
    """Plan ``plan`` has no plan without ``keys``, which earlier plans took."""

    plan: int
    keys: frozenset[str]


_Rotation = tuple[list[dict[tuple[int, int], float]], list[dict[str, tuple[str, ...]]]]


def _rotation(
    day_req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    keys: VarietyKeys,
    uses: list[int],
    pinned: set[str],
    reserved: Mapping[str, int],
    deadline: Deadline,
    budget: Deadline,
) -> _Rotation | _Conflict | None:
    """Plan the rotation's day-plans in turn: them, a conflict, or None.

    Plan ``i`` may not use a key that earlier plans used on too many days,
    nor a key ``reserved`` for a later plan. When plan ``i`` has no plan
    under those bans, the same day is planned with the bans as a steep
    charge instead: the banned keys it still uses are the conflict, which
    the caller reserves for plan ``i`` before starting again (a 2-day
    vegetarian plan: the first day took the UV mushrooms, and the second had
    no vitamin D without them). An empty conflict: plan ``i`` has no plan
    even with every key allowed.
    """
    k = len(uses)
    days = sum(uses)
    # Weekly caps (FDA/EPA fish): each day-plan within what earlier ones left.
    limits = week_limits(day_req.model_copy(update={"days": days}), table)
    amounts: list[dict[str, float]] = []
    used: dict[str, int] = {}
    plans: list[dict[tuple[int, int], float]] = []
    meals_of: list[dict[str, tuple[str, ...]]] = []
    for i in range(k):
        if deadline.expired:
            return None
        banned = {b for b, n in used.items() if n + uses[i] > keys.limit_of(b)}
        banned |= {b for b, owner in reserved.items() if owner > i}
        previous = meals_of[-1] if meals_of else {}
        must_differ = tuple(((0, meal), fids) for meal, fids in previous.items())
        weight = _FIRST_PLAN_WEIGHT if i == 0 else 1.0
        share = min(max(weight * budget.left() / (k - i), 0.2), deadline.left())
        # A plan that leaves a key to a later plan needs the capped foods
        # (fish) in its place: it takes what the earlier plans left.
        leaves = any(owner > i for owner in reserved.values())
        week = rotation_allowance(limits, amounts, k, days, greedy=leaves)
        hard_rules = Restrictions(
            bans=tuple(
                (None, None, fid)
                for b in sorted(banned)
                for fid in keys.forms[b]
                if fid not in pinned
            ),
            must_differ=must_differ,
            week_allowance=week,
        )
        # Each plan a fair share of the seed's time; only a feasible, decent
        # plan is needed (abs_gap=inf: the guided start's first plan).
        # With bans, a quarter of the share (at least 1 s): a day that cannot
        # keep them may also run out its time unproven (a vegetarian girl of
        # 8: no verdict in 17 s, where the day took 0.2 s without the bans).
        hard = min(share, max(_HARD_SHARE * share, 1.0)) if banned else share
        problem, solution = _day_plan(
            day_req, targets, table, hard_rules, deadline.part(hard)
        )
        failed = solution.status in (SolveStatus.INFEASIBLE, SolveStatus.NO_SOLUTION)
        if failed and banned and not deadline.expired:
            soft_rules = Restrictions(
                penalty=tuple(
                    (fid, _CONFLICT_CHARGE)
                    for b in sorted(banned)
                    for fid in keys.forms[b]
                    if fid not in pinned
                ),
                must_differ=must_differ,
                week_allowance=week,
            )
            share = min(max(budget.left() / (k - i), 0.2), deadline.left())
            soft, found = _day_plan(
                day_req, targets, table, soft_rules, deadline.part(share)
            )
            if found.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
                return _Conflict(i, frozenset()) if not deadline.expired else None
            taken = {keys.key(soft.food_ids[f]) for _, _, f in found.units} & banned
            if taken:
                return _Conflict(i, frozenset(taken))
            # No banned key taken: the plan keeps every ban, so it stands.
            solution, problem = found, soft
        if solution.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return None
        plan = {(m, f): u for (_, m, f), u in solution.units.items()}
        meals: dict[str, list[str]] = {}
        for m, f in plan:
            if is_ruled(problem.meals[m]):
                meals.setdefault(problem.meals[m].name, []).append(problem.food_ids[f])
        plans.append(plan)
        amounts.append(
            {
                c: a
                for (c, _), a in day_amounts(problem.week_caps, solution.units).items()
            }
        )
        meals_of.append({name: tuple(sorted(f)) for name, f in meals.items()})
        for b in {keys.key(problem.food_ids[f]) for _, f in plan}:
            used[b] = used.get(b, 0) + uses[i]
    return plans, meals_of


def _day_plan(
    day_req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    restrictions: Restrictions,
    part: Deadline,
) -> tuple[Problem, Solution]:
    """Return a day-plan under ``restrictions`` (one this request found before, if any)."""

    def planned() -> tuple[Problem, Solution]:
        problem = build_problem(day_req, targets, table, restrictions=restrictions)
        return problem, _first(problem, day_req, part)

    return remembered(day_req, targets, table, restrictions, planned)


def _first(problem: Problem, day_req: PlanRequest, part: Deadline) -> Solution:
    """Return the guided start's first plan of one day (see ``rotation_seed``)."""
    return solve(
        problem,
        solver=day_req.solver,
        mip_gap=0.1,
        deadline=part,
        abs_gap=math.inf,
        seed=True,
    )
