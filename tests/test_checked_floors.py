"""Vitamin K's AI, planned by the default by checking the plan (issue 12).

``auto`` from age 4 plans the day without it, checks the plan, and plans
again with it only when the plan is short (mealplan._checked_floors). Every
plan returned meets it, or says in a note that it was lifted and why. The
searches are made to fail (or the plan made short) on purpose here, so the
verdicts do not depend on the machine's speed.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
from mealplan import _plan_search, _planner
from mealplan._checked_floors import checked_floors
from mealplan._planner import parse_request, resolve_targets
from tests.checks import check_plan

WOMAN = {"age": 35, "sex": "female"}
K = "vitamin_k_ug"
CHOLINE = "choline_mg"
# Far above any of these days' plans at CI's load: under two busy workers a
# vegetarian woman's default 10 s day lifted its RDAs for want of time
# (session 18), which would take another path than the one checked here.
LIMIT = 120.0


@pytest.fixture(scope="module")
def foods() -> mealplan.FoodTable:
    return mealplan.load_foods()


def _floored(targets: mealplan.NutrientTargets) -> bool:
    bound = targets.get(K)
    return bound is not None and bound.minimum is not None


def _searches(
    monkeypatch: pytest.MonkeyPatch,
    fails: bool = False,
    gap_tests: list[float | None] | None = None,
) -> list[bool]:
    """Record, per search, whether it carried vitamin K's floor; ``fails``: those do.

    ``gap_tests``: also record there, per search, its guided start's gap
    tests' CPU budget (None: the default's).
    """
    real = _plan_search.search
    seen: list[bool] = []

    def search(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(_floored(targets))
        if gap_tests is not None:
            gap_tests.append(kwargs.get("gap_tests_cpu"))
        if fails and _floored(targets):
            msg = "no plan in time (test)"
            raise mealplan.SolverError(msg, status="Time limit")
        return real(req, targets, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "search", search)
    return seen


def _short_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the check find the plan short of the floors it checks."""
    monkeypatch.setattr(_planner, "_meets", lambda plan, bounds: False)


def test_a_day_that_meets_it_is_not_planned_again(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _searches(monkeypatch)
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    bound = plan.targets.get(K)
    assert bound is not None
    assert (bound.minimum, bound.minimum_kind) == (90.0, "AI")
    assert plan.days[0].total(K).amount >= 90.0
    # Checked, not a floor of any solve: no search carried it.
    assert seen
    assert not any(seen)
    assert not any("vitamin K AI of" in n for n in plan.notes)
    check_plan(plan, foods)


def test_a_day_short_of_it_is_planned_again_with_it(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    tested: list[float | None] = []
    seen = _searches(monkeypatch, gap_tests=tested)
    _short_first(monkeypatch)
    # The second search's wall-clock box (5 s at most) is the product's; on
    # a machine twice CI's load it ended before a plan (session 36), which
    # takes the path of the next test. Half of LIMIT here: the path checked
    # is planning again, not how long a box is.
    monkeypatch.setattr(_planner, "CHECKED_SECONDS", LIMIT)
    plan = mealplan.plan(
        {"person": WOMAN, "diet": "vegetarian", "time_limit": LIMIT}, foods
    )
    assert seen[-1]
    assert sum(seen) == 1
    # Planned again with the re-plan's own budget for the gap tests; the
    # first plan's search had the default's.
    assert tested[-1] == _planner.CHECKED_GAP_TESTS_CPU_SECONDS
    assert tested[-1] is not None
    assert all(t is None for t in tested[:-1])
    bound = plan.targets.get(K)
    assert bound is not None
    assert bound.minimum == 90.0
    assert plan.days[0].total(K).amount >= 90.0
    check_plan(plan, foods)


def test_no_plan_with_it_in_its_box_keeps_the_first_plan_with_a_note(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = _searches(monkeypatch, fails=True)
    _short_first(monkeypatch)
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    assert seen[-1]
    bound = plan.targets.get(K)
    assert bound is None or bound.minimum is None
    # Short of both checked floors (the check is made to fail), and no plan
    # with them: one note names both.
    assert any(
        n.startswith(
            "vitamin K AI of 90 µg/day, choline AI of 425 mg/day not planned: "
            "no plan meeting them all"
        )
        for n in plan.notes
    ), plan.notes
    check_plan(plan, foods)  # the note exempts it; every other bound holds


def test_the_cheapest_day_meets_it(foods: mealplan.FoodTable) -> None:
    # Planned without it, the cheapest day of a woman of 22 had 25 ug of
    # vitamin K (session 18): it is planned again with the floor, or it was
    # met, and either way the day holds it.
    plan = mealplan.plan(
        {
            "person": {"age": 22, "sex": "female"},
            "objective": "cost",
            "time_limit": LIMIT,
        },
        foods,
    )
    lifted = any("vitamin K AI of" in n for n in plan.notes)
    assert lifted or plan.days[0].total(K).amount >= 90.0
    check_plan(plan, foods)


@pytest.mark.parametrize(
    "body",
    [
        {"person": WOMAN, "panel": "rda"},
        {"person": WOMAN, "panel": "limits"},
        {"person": {"age": 2, "sex": "female"}},
        {
            "person": WOMAN,
            "bounds": {K: {"minimum": 10}, CHOLINE: {"maximum": 3000}},
        },
    ],
)
def test_only_auto_from_age_4_checks_it(
    foods: mealplan.FoodTable, body: dict[str, Any]
) -> None:
    req = parse_request(body)
    assert checked_floors(req, resolve_targets(req, foods), foods) == []


def test_auto_from_age_4_checks_the_dri_value(foods: mealplan.FoodTable) -> None:
    for person, k, choline in (
        ({"age": 35, "sex": "male"}, 120.0, 550.0),
        (WOMAN, 90.0, 425.0),
        ({"age": 6, "sex": "male"}, 55.0, 250.0),
    ):
        req = parse_request({"person": person})
        bounds = checked_floors(req, resolve_targets(req, foods), foods)
        assert [(b.nutrient, b.minimum, b.minimum_kind) for b in bounds] == [
            (K, k, "AI"),
            (CHOLINE, choline, "AI"),
        ]


@pytest.mark.parametrize(
    "person", [{**WOMAN, "pregnancy": True}, {**WOMAN, "lactation": True}]
)
def test_a_mothers_choline_is_not_checked_but_planned(
    foods: mealplan.FoodTable, person: dict[str, Any]
) -> None:
    # A floor from the start there (lifted with its own note when no plan
    # meets it in its share of the time), so never planned again as a check.
    req = parse_request({"person": person})
    targets = resolve_targets(req, foods)
    bound = targets.get(CHOLINE)
    assert bound is not None
    assert bound.minimum is not None
    lifted = targets.model_copy(
        update={
            "bounds": [
                b.model_copy(update={"minimum": None, "minimum_kind": None})
                if b.nutrient == CHOLINE
                else b
                for b in targets.bounds
            ]
        }
    )
    assert [b.nutrient for b in checked_floors(req, lifted, foods)] == [K]


def test_a_callers_own_bound_on_one_leaves_the_other_checked(
    foods: mealplan.FoodTable,
) -> None:
    for own, other in ((K, CHOLINE), (CHOLINE, K)):
        req = parse_request({"person": WOMAN, "bounds": {own: {"maximum": 3000}}})
        found = checked_floors(req, resolve_targets(req, foods), foods)
        assert [b.nutrient for b in found] == [other]


def _short_of(
    monkeypatch: pytest.MonkeyPatch, first: set[str], again: set[str]
) -> None:
    """The first plan is short of the floors of ``first``; a plan made again, of ``again``."""
    calls: list[int] = []
    real = _planner._meets

    def meets(plan: mealplan.MealPlan, bounds: list[Any]) -> bool:
        names = {b.nutrient for b in bounds}
        if len(names) > 1:  # the whole check, of the first plan
            calls.append(0)
            return False
        short = first if len(calls) < 3 else again
        calls.append(0)
        return not (names & short) and real(plan, bounds)

    monkeypatch.setattr(_planner, "_meets", meets)


def test_only_the_floors_it_is_short_of_are_planned_again(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    carried: list[set[str]] = []
    real = _plan_search.search

    def search(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        carried.append(
            {
                b.nutrient
                for b in targets.bounds
                if b.nutrient in (K, CHOLINE) and b.minimum is not None
            }
        )
        return real(req, targets, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "search", search)
    monkeypatch.setattr(_planner, "CHECKED_SECONDS", LIMIT)
    # Short of choline alone on the first check; the plan made again meets
    # vitamin K's floor (really: the real check is asked for it).
    _short_of(monkeypatch, {CHOLINE}, set())
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    assert carried[-1] == {CHOLINE}
    for name, amount in ((K, 90.0), (CHOLINE, 425.0)):
        bound = plan.targets.get(name)
        assert bound is not None, name
        assert bound.minimum == amount, name
        assert plan.days[0].total(name).amount >= amount
    check_plan(plan, foods)


def test_a_floor_the_plan_made_again_loses_is_said(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_planner, "CHECKED_SECONDS", LIMIT)
    _short_of(monkeypatch, {CHOLINE}, {K})
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    bound = plan.targets.get(K)
    assert bound is None or bound.minimum is None
    choline = plan.targets.get(CHOLINE)
    assert choline is not None
    assert choline.minimum == 425.0
    assert any(
        n.startswith(
            "vitamin K AI of 90 µg/day not planned: the first plan met it but fell "
            "short of choline AI of 425 mg/day"
        )
        for n in plan.notes
    ), plan.notes
    check_plan(plan, foods)


def test_no_time_left_to_plan_again_is_said_as_such(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A week's search runs to its time limit, so a week short of vitamin K on
    # a day has no time left to plan again: made so here (any time left is
    # too little), the note says no plan meeting it was sought, not that one
    # was sought and not found.
    seen = _searches(monkeypatch)
    _short_first(monkeypatch)
    monkeypatch.setattr(_planner, "CHECKED_LEAST_SECONDS", 1e9)
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    assert not any(seen)
    (note,) = [n for n in plan.notes if n.startswith("vitamin K AI of 90 µg/day")]
    assert "no plan meeting it was sought: the time limit ran out" in note
    check_plan(plan, foods)


def test_the_check_reads_every_day_of_the_plan(foods: mealplan.FoodTable) -> None:
    plan = mealplan.plan(
        {"person": WOMAN, "days": 2, "time_limit": LIMIT, "mip_gap": 1.0}, foods
    )
    amounts = [d.total(K).amount for d in plan.days]
    bound = plan.targets.get(K)
    assert bound is not None
    below = bound.model_copy(update={"minimum": min(amounts)})
    above = bound.model_copy(update={"minimum": min(amounts) + 1e-6})
    assert _planner._meets(plan, [below])
    assert not _planner._meets(plan, [above])


def test_a_regenerated_day_short_of_it_says_so(
    foods: mealplan.FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regenerating solves the day without the checked floor, as plan() does,
    # and checks it: made short here, the new day keeps the plan and says so.
    from mealplan import _regenerate

    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    assert plan.targets.get(K) is not None
    monkeypatch.setattr(_regenerate, "_meets", lambda plan, bounds: False)
    new = mealplan.regenerate(plan, day=1, meal="lunch", foods=foods)
    bound = new.targets.get(K)
    assert bound is None or bound.minimum is None
    (note,) = [n for n in new.notes if n.startswith("vitamin K AI of 90 µg/day")]
    assert "the regenerated day, made without it as the plan was" in note
    check_plan(new, foods)


def test_a_regenerated_day_keeps_it(foods: mealplan.FoodTable) -> None:
    plan = mealplan.plan({"person": WOMAN, "time_limit": LIMIT}, foods)
    new = mealplan.regenerate(plan, day=1, meal="dinner", foods=foods)
    lifted = any(n.startswith("vitamin K AI of") for n in new.notes)
    assert lifted or new.days[0].total(K).amount >= 90.0
    assert lifted or new.targets == plan.targets
    check_plan(new, foods)
