"""The default's own AI floor (choline in pregnancy) never costs a plan (issue 12).

The default ``auto`` plans choline's AI in pregnancy. A floor the caller did
not ask for must not turn a day that has a plan without it into no plan: a
first plan with the floor is asked for first, in a share of the time; none,
and the floor is lifted with a note; the usual search with it failing keeps
that first plan. The searches are made to fail here on purpose, so these
verdicts do not depend on the machine's speed.
"""

from __future__ import annotations

from typing import Any

import pytest

import mealplan
from mealplan import _ai_floors, _day_seed, _plan_search, _planner
from mealplan._ai_floors import auto_minimums, default_floors, rda_reserve
from mealplan._panel import MATERNAL_NOTE
from mealplan._planner import resolve_targets
from tests.checks import check_plan

PREGNANT = {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2}
REQUEST = {"person": PREGNANT, "diet": "vegan", "time_limit": 60.0}


def _choline(plan: mealplan.MealPlan) -> mealplan.NutrientTotal:
    return next(t for t in plan.days[0].totals if t.nutrient == "choline_mg")


def _failing(monkeypatch: pytest.MonkeyPatch, fails: Any) -> None:
    """Make ``_plan_search.search`` raise SolverError when ``fails(req, targets)``."""
    real = _plan_search.search

    def search(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        if fails(req, targets):
            msg = "no plan in time (test)"
            raise mealplan.SolverError(msg, status="Time limit")
        return real(req, targets, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "search", search)


def _floored(targets: mealplan.NutrientTargets) -> bool:
    bound = targets.get("choline_mg")
    return bound is not None and bound.minimum is not None


def test_the_floor_is_lifted_with_a_note_when_no_plan_meets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing(monkeypatch, lambda req, targets: _floored(targets))
    plan = mealplan.plan(REQUEST)
    assert plan.status.value in {"optimal", "feasible"}
    assert _choline(plan).minimum is None
    assert MATERNAL_NOTE not in plan.notes
    assert any(
        n.startswith("choline AI of 450 mg/day not planned: no plan meeting it")
        for n in plan.notes
    ), plan.notes
    check_plan(plan, mealplan.load_foods())


def test_the_first_plan_stands_when_the_search_after_it_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing(monkeypatch, lambda req, targets: req.mip_gap != 1.0)
    plan = mealplan.plan(REQUEST)
    assert plan.status.value == "feasible"  # a first plan, never called optimal
    assert plan.request.mip_gap is None  # the caller's request, as sent
    total = _choline(plan)
    assert total.minimum == 450.0
    assert total.amount >= 450.0 * (1 - 1e-6)
    assert MATERNAL_NOTE in plan.notes
    check_plan(plan, mealplan.load_foods())


def test_only_the_defaults_floor_is_lifted_never_the_callers() -> None:
    table = mealplan.load_foods()
    req = mealplan.PlanRequest.model_validate(REQUEST)
    assert default_floors(req, resolve_targets(req, table)) == {"choline_mg"}
    nursing = mealplan.PlanRequest(
        person={"age": 30, "sex": "female", "lactation": True}
    )
    assert default_floors(nursing, resolve_targets(nursing, table)) == {"choline_mg"}
    own = req.model_copy(
        update={"bounds": {"choline_mg": mealplan.BoundOverride(minimum=450.0)}}
    )
    assert default_floors(own, resolve_targets(own, table)) == set()
    for other in (
        req.model_copy(update={"panel": mealplan.PanelMode.FULL}),
        mealplan.PlanRequest(person={"age": 30, "sex": "female"}),
    ):
        assert default_floors(other, resolve_targets(other, table)) == set()


def test_a_longer_plan_lifts_the_floor_when_no_plan_meets_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The lactating vegan's default week had no plan in 10 s with the floor."""
    _failing(monkeypatch, lambda req, targets: _floored(targets))
    request = {
        "person": {"age": 32, "sex": "female", "lactation": True},
        "diet": "vegetarian",
        "days": 2,
        # The first plan of each search: a 2-day plan otherwise improves
        # until its time limit; a limit this long is never what ends it.
        "mip_gap": 1.0,
        "time_limit": 60.0,
    }
    plan = mealplan.plan(request)
    assert len(plan.days) == 2
    assert all(
        t.minimum is None
        for d in plan.days
        for t in d.totals
        if t.nutrient == "choline_mg"
    )
    assert any(
        n.startswith("choline AI of 550 mg/day not planned: no plan meeting it")
        for n in plan.notes
    ), plan.notes
    check_plan(plan, mealplan.load_foods())


WOMAN = {"age": 35, "sex": "female"}


def test_under_a_budget_the_panel_rdas_are_the_defaults_floors() -> None:
    """Every panel RDA (not the focus four, protein or energy), never the caller's."""
    table = mealplan.load_foods()
    for extra in ({"budget_per_day": 4.0}, {"objective": "cost"}):
        req = mealplan.PlanRequest(person=WOMAN, **extra)
        names = default_floors(req, resolve_targets(req, table))
        assert {"iron_mg", "zinc_mg", "folate_dfe_ug", "vitamin_c_mg"} <= names
        assert not names & {
            "magnesium_mg",
            "calcium_mg",
            "vitamin_d_ug",
            "vitamin_b12_ug",
            "protein_g",
            "energy_kcal",
            "choline_mg",  # an AI: reported for a woman who is not pregnant
        }
        own = req.model_copy(
            update={"bounds": {"iron_mg": mealplan.BoundOverride(minimum=18.0)}}
        )
        assert "iron_mg" not in default_floors(own, resolve_targets(own, table))
    # A toddler's: every panel RDA too, but not the AIs 'auto' plans from age 4.
    toddler = mealplan.PlanRequest(person={"age": 2, "sex": "male"}, budget_per_day=3.0)
    names = default_floors(toddler, resolve_targets(toddler, table))
    assert {"iron_mg", "zinc_mg", "vitamin_e_mg", "folate_dfe_ug"} <= names
    assert not names & {"manganese_mg", "linoleic_acid_g", "choline_mg"}
    mother = mealplan.PlanRequest(person=PREGNANT, budget_per_day=6.0)
    assert {"choline_mg", "iron_mg"} <= default_floors(
        mother, resolve_targets(mother, table)
    )
    unbudgeted = mealplan.PlanRequest(person=WOMAN)
    assert default_floors(unbudgeted, resolve_targets(unbudgeted, table)) == set()


def test_a_budgeted_day_meets_the_rdas() -> None:
    """A woman of 35 at $4 a day: every panel RDA met (held by tests/checks.py)."""
    foods = mealplan.load_foods()
    plan = mealplan.plan(
        {"person": WOMAN, "budget_per_day": 4.0, "mip_gap": 1.0, "time_limit": 60.0},
        foods,
    )
    assert not [n for n in plan.notes if " not planned: " in n and "RDA of" in n]
    iron = next(t for t in plan.days[0].totals if t.nutrient == "iron_mg")
    assert iron.minimum == 18.0
    assert iron.amount >= 18.0 * (1 - 1e-6)
    check_plan(plan, foods)


def test_a_budget_that_cannot_buy_the_rdas_lifts_only_what_a_plan_misses() -> None:
    """Proven infeasible with the RDAs (no food has vitamin C here), so some are
    lifted, never a diagnosis: not all at once, only those a plan within the
    budget misses; the rest stay planned and are met (checks.py holds every
    minimum of the plan's targets)."""
    frame = mealplan.load_foods().frame.reset_index()
    frame["vitamin_c_mg"] = 0.0
    foods = mealplan.FoodTable.from_dataframe(frame)
    plan = mealplan.plan(
        {"person": WOMAN, "budget_per_day": 6.0, "mip_gap": 1.0, "time_limit": 60.0},
        foods,
    )
    (note,) = [n for n in plan.notes if " not planned: " in n]
    assert "vitamin C RDA of 75 mg/day" in note
    assert "no plan within the other bounds (the budget among them)" in note
    assert "such minimums, which that plan met, stay planned" in note
    assert "raise the budget" in note
    vitamin_c = plan.targets.get("vitamin_c_mg")
    assert vitamin_c is None or vitamin_c.minimum is None
    # Iron, which food within $6 gives, is still a planned minimum.
    assert "iron RDA" not in note
    iron = plan.targets.get("iron_mg")
    assert iron is not None
    assert iron.minimum == 18.0
    check_plan(plan, foods)


def test_budgeted_rdas_are_lifted_when_no_plan_meets_them_in_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def floored(req: Any, targets: mealplan.NutrientTargets) -> bool:
        bound = targets.get("iron_mg")
        return bound is not None and bound.minimum is not None

    _failing(monkeypatch, floored)
    foods = mealplan.load_foods()
    plan = mealplan.plan(
        {"person": WOMAN, "budget_per_day": 5.0, "mip_gap": 1.0, "time_limit": 60.0},
        foods,
    )
    # (Vitamin K's AI, checked on the plan, has its own note if it is lifted.)
    (note,) = [
        n
        for n in plan.notes
        if " not planned: " in n and not n.startswith("vitamin K AI")
    ]
    assert note.startswith("iron RDA of 18 mg/day, zinc RDA of 8 mg/day, ")
    assert "no plan meeting them all was found within" in note
    assert all(
        b.minimum is None
        for b in plan.targets.bounds
        if b.nutrient in {"iron_mg", "zinc_mg", "folate_dfe_ug"}
    )
    check_plan(plan, foods)


def _iron_floored(req: Any, targets: mealplan.NutrientTargets) -> bool:
    bound = targets.get("iron_mg")
    return bound is not None and bound.minimum is not None


def _all_floored(req: Any, targets: mealplan.NutrientTargets) -> bool:
    """Whether ``targets`` hold every floor the default adds (as first resolved)."""
    every = auto_minimums(req, resolve_targets(req, mealplan.load_foods()))
    return bool(every) and auto_minimums(req, targets) == every


def _assert_kept_or_named(plan: mealplan.MealPlan, foods: mealplan.FoodTable) -> str:
    """Each floor the default adds is either still planned (and met: the
    checker) or named by the one lift note, which counts the ones kept."""
    req = plan.request
    names = auto_minimums(req, resolve_targets(req, foods))
    (note,) = [
        n
        for n in plan.notes
        if " not planned: no plan meeting" in n
        and not n.startswith(("choline", "vitamin K AI"))
    ]
    named = note.split(" not planned: ")[0]
    kept = set()
    for name in names:
        label = mealplan.Nutrient(name).label
        bound = plan.targets.get(name)
        planned = bound is not None and bound.minimum is not None
        assert planned != (named.startswith(f"{label} ") or f", {label} " in named)
        if planned:
            kept.add(name)
    if kept:
        assert f"the other {len(kept)} such minimums, which the plan meets" in note
    assert "was found within" in note
    check_plan(plan, foods)
    return note


def test_a_day_out_of_time_with_the_rdas_is_planned_without_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A lactating vegan of 14 had no plan in 10 s under the RDAs (exit 3):
    # the default's RDAs never cost a day its plan for want of time; those
    # its first plan without them meets stay planned (session 17).
    _failing(monkeypatch, _all_floored)
    foods = mealplan.load_foods()
    plan = mealplan.plan({"person": WOMAN, "time_limit": 20.0}, foods)
    _assert_kept_or_named(plan, foods)
    # The rest of the default still holds.
    magnesium = plan.targets.get("magnesium_mg")
    assert magnesium is not None
    assert magnesium.minimum == 320.0


def test_a_lifted_day_keeps_no_floor_its_first_plan_misses(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Every search with iron floored fails: the first plan without the floors
    # is all there is for iron, so iron is kept only if that plan meets it,
    # and the note names every floor not kept.
    _failing(monkeypatch, _iron_floored)
    foods = mealplan.load_foods()
    plan = mealplan.plan({"person": WOMAN, "time_limit": 20.0}, foods)
    _assert_kept_or_named(plan, foods)


def test_the_maternal_floor_and_then_the_rdas_are_lifted_in_turn(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _failing(monkeypatch, _all_floored)
    foods = mealplan.load_foods()
    plan = mealplan.plan({**REQUEST, "time_limit": 20.0}, foods)
    lifted = [n for n in plan.notes if " not planned: " in n]
    assert len(lifted) == 2, plan.notes
    assert lifted[0].startswith("choline AI of 450 mg/day not planned")
    _assert_kept_or_named(plan, foods)


def test_a_caller_rda_is_never_lifted_for_time(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing(monkeypatch, _iron_floored)
    request = {
        "person": WOMAN,
        "time_limit": 20.0,
        "bounds": {"iron_mg": {"minimum": 18.0}},
    }
    with pytest.raises(mealplan.SolverError):
        mealplan.plan(request, mealplan.load_foods())


def test_an_explicit_rda_panel_is_never_lifted(monkeypatch: pytest.MonkeyPatch) -> None:
    _failing(monkeypatch, _iron_floored)
    request = {"person": WOMAN, "time_limit": 20.0, "panel": "rda"}
    with pytest.raises(mealplan.SolverError):
        mealplan.plan(request, mealplan.load_foods())


def _assert_two_days_plan_without_the_rdas() -> None:
    """A woman's two days plan, their RDAs lifted with the note, and pass the checker."""
    foods = mealplan.load_foods()
    plan = mealplan.plan(
        {"person": WOMAN, "days": 2, "time_limit": 30.0, "mip_gap": 1.0}, foods
    )
    _assert_kept_or_named(plan, foods)


def test_a_longer_plan_whose_seed_is_late_with_the_rdas_is_planned_without_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The vegan boy of 16's default week had no plan in 10 s (exit 3): its
    # seed under the RDAs takes 7.5 s; only the seed is bounded, by a share.
    _failing(monkeypatch, _all_floored)
    _assert_two_days_plan_without_the_rdas()


def test_a_longer_plan_without_a_seed_under_the_rdas_lifts_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The pescatarian girl of 5's week: no seed under the RDAs (not for want
    # of time), then no plan from nothing in 10 s. Without a seed the RDAs
    # are lifted and the week is seeded without them.
    real = _day_seed.first_plan_widened  # what _plan_search imported

    def seed(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        if _all_floored(req, targets):
            return None, dict(kwargs.get("wider") or {}), []
        return real(req, targets, *args, **kwargs)

    monkeypatch.setattr(_plan_search, "first_plan_widened", seed)
    _assert_two_days_plan_without_the_rdas()


def _no_ala() -> mealplan.FoodTable:
    frame = mealplan.load_foods().frame.reset_index()
    frame["alpha_linolenic_acid_g"] = 0.0
    return mealplan.FoodTable.from_dataframe(frame)


def test_an_ai_the_foods_cannot_reach_is_lifted_alone() -> None:
    """'auto' plans alpha-linolenic acid's AI from age 4; on foods with none it is
    out of the LP's reach, so it alone is lifted with its reach, the other AIs
    and the RDAs stay planned (never a diagnosis)."""
    foods = _no_ala()
    plan = mealplan.plan({"person": WOMAN, "mip_gap": 1.0, "time_limit": 60.0}, foods)
    (note,) = [n for n in plan.notes if " not planned: " in n and " AI of " in n]
    assert note.startswith(
        "alpha-linolenic acid AI of 1.1 g/day not planned: it cannot be met"
    )
    assert plan.targets.get("alpha_linolenic_acid_g") is None
    for kept, value in (("linoleic_acid_g", 12.0), ("iron_mg", 18.0)):
        bound = plan.targets.get(kept)
        assert bound is not None
        assert bound.minimum == value
    check_plan(plan, foods)


def test_the_defaults_ais_are_lifted_when_no_plan_meets_them_together(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When every AI floor is within the LP's reach but no plan meets them (made
    so here: the reach step is told nothing is out of reach), the AIs 'auto'
    adds are lifted with one note and the RDAs stay hard."""
    monkeypatch.setattr(_planner, "floors_out_of_reach", lambda *a, **k: None)
    foods = _no_ala()
    plan = mealplan.plan({"person": WOMAN, "mip_gap": 1.0, "time_limit": 60.0}, foods)
    (note,) = [n for n in plan.notes if " not planned: " in n]
    assert note.startswith("manganese AI of 1.8 mg/day, pantothenic acid AI of 5 ")
    assert "alpha-linolenic acid AI of 1.1 g/day" in note
    assert "no plan within the other bounds meets every such minimum at once" in note
    assert "iron RDA" not in note
    for lifted in ("alpha_linolenic_acid_g", "linoleic_acid_g", "manganese_mg"):
        bound = plan.targets.get(lifted)
        assert bound is None or bound.minimum is None
    iron = plan.targets.get("iron_mg")
    assert iron is not None
    assert iron.minimum == 18.0
    check_plan(plan, foods)


def test_a_callers_ai_is_never_lifted() -> None:
    """The caller's own alpha-linolenic acid minimum on foods without any: a
    diagnosis, never a lift."""
    foods = _no_ala()
    with pytest.raises(mealplan.InfeasiblePlanError):
        mealplan.plan(
            {
                "person": WOMAN,
                "mip_gap": 1.0,
                "time_limit": 60.0,
                "bounds": {"alpha_linolenic_acid_g": {"minimum": 1.1}},
            },
            foods,
        )


def test_a_search_its_own_box_ends_is_not_said_to_hit_the_time_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The search after the first plan with the default's floors runs in a
    # box of DEFAULT_FLOOR_SEARCH_SECONDS of wall time; when that box ends it
    # (made to here: the search's result says its deadline stopped it), the
    # plan's note names the box, not "the time limit (120 s)", which a
    # loaded machine read on a lactating woman's day (session 18).
    from dataclasses import replace

    from mealplan._optimiser import SolveStatus

    real = _plan_search.search
    firsts: list[Any] = []

    def search(req: Any, targets: Any, *args: Any, **kwargs: Any) -> Any:
        found = real(req, targets, *args, **kwargs)
        if not _floored(targets):
            return found
        if req.mip_gap == 1.0:
            firsts.append(found[1])
            return found
        solution = found[1]
        best = min(solution.objective, firsts[-1].objective)
        stopped = replace(
            solution, status=SolveStatus.FEASIBLE, time_limited=True, objective=best
        )
        return (found[0], stopped, found[2])

    monkeypatch.setattr(_plan_search, "search", search)
    # Vitamin K's checked floor is out of this test: when the plan the search
    # chose is short of it, the day is planned again (no box's search), and
    # that plan's note stands; whether it is short hangs on the solver's path.
    monkeypatch.setattr(_planner, "_meets", lambda plan, bounds: True)
    plan = mealplan.plan({**REQUEST, "diet": "omnivore", "time_limit": 120.0})
    assert firsts
    assert _choline(plan).minimum == 450
    assert not any("The time limit (" in n for n in plan.notes), plan.notes
    seconds = _ai_floors.DEFAULT_FLOOR_SEARCH_SECONDS
    assert any(
        f"stopped at its time box ({seconds:g} s after the first plan that meets "
        "the default's own floors)" in n
        for n in plan.notes
    ), plan.notes


@pytest.mark.parametrize(
    ("left", "kept"),
    [(10.0, 3.0), (30.0, 4.5), (100.0, 15.0), (4.0, 2.0), (1.0, 0.5), (0.0, 0.0)],
)
def test_the_time_kept_back_from_the_rdas(left: float, kept: float) -> None:
    # 0.15 of the time left, at least 3 s, never more than half of it: at the
    # default 10 s, 1.5 s was too little to plan a 3-year-old without the
    # RDAs from scratch (1.3-1.7 s), and he got no plan at all.
    assert rda_reserve(left) == pytest.approx(kept)
    assert 0.0 <= rda_reserve(left) <= max(left / 2, 0.15 * left)
