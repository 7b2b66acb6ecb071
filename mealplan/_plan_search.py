"""The search for a plan: a first plan, a better one, and the whole-plan solve.

:func:`search` builds a request's problem (with the variety rule widened for
the sole sources it is given) and solves it: a day by the guided start and
the full MILP (:mod:`mealplan._optimiser`), a longer plan from a seed
(:func:`mealplan._day_seed.first_plan_widened`) by column generation
(:mod:`mealplan._weekly`) or the whole-plan MILP held to the no-repeat rule
(:func:`solve_plan`). :func:`first_plan` and :func:`then_best` are the two
steps the default floors' searches in :mod:`mealplan._planner` take: any
plan by one deadline, then a better one by another.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from mealplan._day_seed import first_plan_widened
from mealplan._diagnose import raise_infeasible
from mealplan._errors import SolverError
from mealplan._models import SolverName
from mealplan._norepeat import repeats, with_cuts
from mealplan._nutrients import PanelMode
from mealplan._optimiser import Solution, SolveStatus, solve
from mealplan._problem import Problem, Restrictions, build_problem, default_max_days
from mealplan._sources import widen_variety_for_sole_sources
from mealplan._structure import large_eater_scale
from mealplan._weekly import applies, column_generation
from mealplan._weekly_seed import NoRotation

if TYPE_CHECKING:
    from collections.abc import Callable

    from mealplan._catalog import FoodTable
    from mealplan._deadline import Deadline
    from mealplan._models import NutrientTargets, PlanRequest

__all__ = [
    "build_wider",
    "first_plan",
    "first_then_best",
    "foods_hint",
    "plan_gap",
    "reach_builder",
    "search",
    "solve_plan",
    "then_best",
    "variety_hint",
]


def first_then_best(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    first_by: Deadline,
    deadline: Deadline,
    wider: Mapping[str, int],
    *,
    search_seconds: float | None = None,
) -> tuple[Problem, Solution, list[str]]:
    """Find any plan by ``first_by``, then search for a better one by ``deadline``.

    The first plan (``mip_gap`` 1) stands when the search finds none or a
    worse one, or when no time is left for it. ``search_seconds`` boxes the
    search (counted from when it starts). A proven infeasible first search
    is returned as it is.

    Raises:
        SolverError: No first plan by ``first_by``.

    """
    first = first_plan(req, targets, table, first_by, wider)
    if first[1].status is SolveStatus.INFEASIBLE:
        return first
    return then_best(
        req, targets, table, first, deadline, wider, search_seconds=search_seconds
    )


def first_plan(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    first_by: Deadline,
    wider: Mapping[str, int],
) -> tuple[Problem, Solution, list[str]]:
    """Find any plan (``mip_gap`` 1) by ``first_by``; SolverError when none."""
    first = search(
        req.model_copy(update={"mip_gap": 1.0}), targets, table, first_by, wider
    )
    sol = first[1]
    if sol.status is SolveStatus.OPTIMAL and (sol.gap or 0.0) > plan_gap(req):
        # Optimal only to the first plan's own gap of 1, not to the request's;
        # and within the absolute tolerance only if its bound says so (the gap
        # of 1 set it: a lactating woman's first plan, 1.26 servings above
        # its bound and 0.84 above a plan found before, read "within 0.3
        # servings of the best possible one" when no better one was found).
        close = (
            sol.objective is not None
            and sol.bound is not None
            and abs(sol.objective - sol.bound) <= sol.abs_gap + 1e-9
        )
        sol = replace(sol, status=SolveStatus.FEASIBLE, within_abs_gap=close)
        first = (first[0], sol, first[2])
    return first


def then_best(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    first: tuple[Problem, Solution, list[str]],
    deadline: Deadline,
    wider: Mapping[str, int],
    *,
    search_seconds: float | None = None,
) -> tuple[Problem, Solution, list[str]]:
    """Search for a plan better than ``first`` (which meets ``targets``) by ``deadline``.

    ``first`` stands when the search finds none or a worse one, or when no
    time is left for it. ``search_seconds`` boxes the search.
    """
    if deadline.expired or req.first_plan_only:
        # Out of time, or the caller asked for the first plan (mip_gap 1):
        # the search after it would only solve the same model again.
        return first
    box = deadline if search_seconds is None else deadline.part(search_seconds)
    # A longer plan searches from its first plan rather than a new seed (which
    # may take the time left: a week's seed under more floors is slower).
    start = first[1].units if req.days > 1 and first[1].units else None
    try:
        best = search(req, targets, table, box, wider, start=start)
    except SolverError:
        return first
    if search_seconds is not None and best[1].time_limited and not deadline.expired:
        # Its own box ended the search, not the request's limit: the note
        # says so (under two loaded test workers a lactating woman's 120 s
        # day read "the time limit (120 s) stopped the solver" after 3 s).
        best = (
            best[0],
            replace(
                best[1],
                time_limited=False,
                boxed=True,
                box_cpu_seconds=None,
                floor_box_seconds=search_seconds,
            ),
            best[2],
        )
    if start is not None:
        best = (best[0], best[1], first[2])  # the first plan's widening notes
    if best[1].status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
        return first  # (``first`` meets the targets: a tolerance's verdict)
    a, b = first[1].objective, best[1].objective
    return first if a is not None and b is not None and a < b else best


def search(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    *,
    seed_by: Deadline | None = None,
    start: Mapping[tuple[int, int, int], float] | None = None,
    gap_tests_cpu: float | None = None,
) -> tuple[Problem, Solution, list[str]]:
    """Build the request's problem and solve it (a first plan for several days).

    Also returns the notes of a base no day does without, for which the
    default variety rule widened (:func:`first_plan_widened`). ``seed_by``:
    the deadline of a longer plan's first plan (its seed); none by then (or
    none at all), and SolverError at once instead of a whole-plan search
    from nothing. ``start``: a longer plan's first plan already in hand,
    which meets every rule of this problem (``wider`` included), searched
    from instead of a new seed. ``gap_tests_cpu``: the guided start's
    gap tests' CPU budget (see :func:`mealplan._optimiser.solve`).
    """
    problem = build_wider(req, targets, table, wider)
    seed = None if start is None else dict(start)
    solution = None
    needed_notes: list[str] = []
    if req.days > 1 and req.solver is SolverName.HIGHS and not problem.impossible:
        if seed is None:
            problem, seed, needed_notes = _seed(
                req, targets, table, deadline, wider, problem, seed_by
            )
        if seed is not None and applies(req, problem) and not deadline.expired:
            # Days as columns; the whole-plan MILP below makes no progress.
            # (Not once the seed has used the time: setting up the master
            # costs 0.3-0.6 s of 28 days at load 12 before its first check.)
            solution = column_generation(
                req, targets, table, problem, seed, deadline, plan_gap(req)
            )
    if solution is None:
        solution = solve_plan(
            problem, req, deadline, start=seed, gap_tests_cpu=gap_tests_cpu
        )
    if solution.status is SolveStatus.NO_SOLUTION and seed:
        # The day-by-day plan meets every rule of the whole plan by
        # construction (variety by bans, no repeated meal by must-differ), so
        # it stands when the MILP had no time left to confirm it.
        solution = Solution(
            SolveStatus.FEASIBLE, units=dict(seed), gap=None, time_limited=True
        )
    return problem, solution, needed_notes


def _seed(
    req: PlanRequest,
    targets: NutrientTargets,
    table: FoodTable,
    deadline: Deadline,
    wider: Mapping[str, int],
    problem: Problem,
    seed_by: Deadline | None,
) -> tuple[Problem, dict[tuple[int, int, int], float] | None, list[str]]:
    """Return a longer plan's problem (widened if need be), its seed and notes."""
    try:
        # With a seed deadline the caller has a wider rule to try (or the
        # RDAs to lift) when no seed comes: it gets the day-by-day seed's time.
        seed, widened, needed_notes = first_plan_widened(
            req,
            targets,
            table,
            seed_by or deadline,
            wider=wider,
            after_contest=seed_by is None,
        )
    except NoRotation as proof:
        # Proven (mealplan._weekly_seed): a base no day can do without
        # is allowed on fewer days than the plan has, by the caller's own
        # max_days_per_food; a diagnosis at once instead of a search to
        # the time limit, started from why no day does without it.
        raise_infeasible(req, targets, table, deadline, needed=proof.forms)
    if seed is None and seed_by is not None:
        # No seed in its share, or none at all: the caller lifts what
        # made it hard (the default's RDAs) rather than search the whole
        # plan from nothing (the pescatarian girl of 5's week: no seed in
        # 2.6-4.5 s, then no plan from nothing in the 10 s; session 16).
        msg = (
            # The request's limit, as the user set it: the share's own
            # elapsed time read "within 0.0 s" for a 0.01 s limit.
            f"The solver found no first plan within the time limit of "
            f"{req.time_limit:g} s; "
            "raise time_limit or simplify the request"
            f"{variety_hint(req) or foods_hint(problem)}."
        )
        raise SolverError(msg, status="Time limit reached")
    if needed_notes:
        problem = build_wider(req, targets, table, widened)
    return problem, seed, needed_notes


def reach_builder(
    req: PlanRequest, table: FoodTable
) -> Callable[[NutrientTargets], Problem]:
    """How :func:`floors_out_of_reach` builds the request's day for given targets.

    The same problem ``plan()`` solves (the sole-source variety widening
    included), so ``regenerate()`` recomputes the same verdict.
    """

    def build(targets: NutrientTargets) -> Problem:
        wider, _ = widen_variety_for_sole_sources(req, targets, table)
        return build_wider(req, targets, table, wider)

    return build


def build_wider(
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


def variety_hint(req: PlanRequest) -> str:
    """Return the end of a time-limit message when the caller's variety rule is stricter.

    A ``max_days_per_food`` below the default often leaves a week without any
    plan at all, not just without one in time: the README's vegetarian woman
    of 35 needs UV mushrooms for vitamin D on most days, and at 3 days of 7
    her week has no plan in 10 s nor in 30 s, where the default 4 plans in
    about 10 s. Empty otherwise.
    """
    default = default_max_days(req.days)
    limit = req.max_days_per_food
    if req.days < 2 or limit is None or limit >= default:
        return ""
    return (
        f", or allow each food on more days (max_days_per_food {limit}; the "
        f"default for {req.days} days is {default})"
    )


def foods_hint(problem: Problem) -> str:
    """Return the end of a time-limit message for a large eater's food count.

    Past 3,000 kcal a day the servings grow (mealplan._structure.LARGE_EATER_KCAL)
    but ``max_foods`` does not: a very active vegan boy of 17 (3,792-4,634
    kcal) sits at the 10 s edge with 12 foods a day (no plan in 10 s nor in
    30 s in one run, a plan in another) and plans in about 8 s with 16.
    Empty for a smaller day or no food count.
    """
    low = [
        b.value
        for b in problem.bounds
        if b.nutrient == "energy_kcal" and b.sense == ">="
    ]
    high = [
        b.value
        for b in problem.bounds
        if b.nutrient == "energy_kcal" and b.sense == "<="
    ]
    least = max(low, default=None)
    scale = large_eater_scale(least, min(high, default=None))
    if problem.max_foods is None or scale <= 1.0 or least is None:
        return ""
    return (
        f", or allow more foods a day (max_foods {problem.max_foods}, for a "
        f"day of at least {least:,.0f} kcal)"
    )


def plan_gap(req: PlanRequest) -> float:
    # A single day is proven optimal; a multi-day plan stops within 1 % of
    # the best bound, since proving more costs minutes for no visible gain.
    if req.mip_gap is not None:
        return req.mip_gap
    return 1e-4 if req.days == 1 else 0.01


def solve_plan(
    problem: Problem,
    req: PlanRequest,
    deadline: Deadline,
    *,
    start: dict[tuple[int, int, int], float] | None = None,
    gap_tests_cpu: float | None = None,
) -> Solution:
    solution = solve(
        problem,
        solver=req.solver,
        mip_gap=plan_gap(req),
        start=start,
        deadline=deadline,
        gap_tests_cpu=gap_tests_cpu,
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
            mip_gap=plan_gap(req),
            start=start,
            deadline=deadline,
            gap_tests_cpu=gap_tests_cpu,
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
        # The solver's own status stays on the error (``status``): ours stops
        # HiGHS at the deadline, which HiGHS calls "Interrupted by user".
        msg = (
            f"The solver found no plan within the time limit of {req.time_limit:g} s; "
            "raise time_limit or simplify the request"
            f"{hint or variety_hint(req) or foods_hint(problem)}."
        )
        raise SolverError(msg, status=solution.solver_status)
    return solution
