"""AI floors of the full panel: planned where the allowed foods can meet them.

Issue 12: "the sodium AI as a floor where it can be met", every bound
overridable and switchable off. A floor the allowed foods cannot reach is
reported (a note with the reach, the compact panel's shortfall), not a
refusal; a caller's own minimum stays hard.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import pytest

import mealplan
from mealplan import BoundKind, FoodTable
from mealplan._ai_floors import ai_floors
from mealplan._catalog import load_foods
from mealplan._oracle import oracle_mode
from mealplan._planner import resolve_targets
from tests.checks import check_plan
from tests.plans import PlanCache

# Far above the ~1 s these plans take, so the verdict is not the machine's load.
LIMIT = 60.0


@cache
def _low_sodium() -> FoodTable:
    """The bundled foods with 5 % of their sodium: no day reaches 1,500 mg."""
    frame = load_foods(dishes=False).frame.reset_index()
    frame["sodium_mg"] = frame["sodium_mg"] * 0.05
    for col in frame.columns:
        frame[col] = [";".join(v) if isinstance(v, tuple) else v for v in frame[col]]
    return FoodTable.from_dataframe(frame)


def _request(**extra: Any) -> dict[str, Any]:
    return {
        "person": {"age": 35, "sex": "female"},
        "panel": "full",
        "time_limit": LIMIT,
        "mip_gap": 1.0,  # any plan will do: the floors are the question
        **extra,
    }


def test_a_floor_out_of_reach_is_reported_not_refused(plans: PlanCache) -> None:
    foods = _low_sodium()
    plan = plans.plan(_request(), foods)
    sodium = plan.targets.get("sodium_mg")
    assert sodium is not None
    assert sodium.minimum is None  # not planned ...
    assert sodium.maximum == 2300  # ... while the CDRR still caps it
    (note,) = [n for n in plan.notes if n.startswith("sodium AI of 1500 mg/day")]
    assert "cannot be met on the allowed foods" in note
    reach = float(note.split("at most ")[1].split(" mg")[0])
    day = {t.nutrient: t.amount for t in plan.days[0].totals}
    assert day["sodium_mg"] <= reach + 1e-6 < 1500  # the reach bounds the plan
    # Every other floor of the panel is still planned and met (check_plan reads
    # dri_full.csv itself; it exempts only a floor the plan says is out of reach).
    planned = {b.nutrient for b in ai_floors(plan.targets)}
    assert {"choline_mg", "vitamin_k_ug", "linoleic_acid_g"} <= planned
    check_plan(plan, foods)
    # The shortfall is reported against the AI in the compact panel.
    text = mealplan.render_text(plan, foods)
    panel = text[text.index("The rest of the DRI panel") :]
    short = next(x for x in panel.splitlines() if "Short of the RDA/AI" in x)
    assert "sodium" in short
    assert "1,500 mg AI" in short


def test_the_reach_is_a_proof_a_hard_floor_has_no_plan() -> None:
    """Independently of the reach's LP: the same floor as a caller's is infeasible."""
    foods = _low_sodium()
    request = _request(bounds={"sodium_mg": {"minimum": 1500}})
    # The verdict only (oracle mode skips the diagnosis, which is not tested here).
    with oracle_mode(), pytest.raises(mealplan.InfeasiblePlanError):
        mealplan.plan(request, foods)


@pytest.mark.parametrize(
    ("extra", "minimum", "kind"),
    [
        ({"bounds": {"sodium_mg": {"minimum": 0}}}, 0.0, BoundKind.USER),
        ({"bounds": {"sodium_mg": {"minimum": 1000}}}, 1000.0, BoundKind.USER),
        ({"panel": "rda"}, None, None),
        ({"panel": "limits"}, None, None),
        ({}, 1500.0, BoundKind.AI),
    ],
    ids=["off-by-override", "caller-floor", "rda", "limits", "full"],
)
def test_the_sodium_floor_is_overridable_and_switchable_off(
    extra: dict[str, Any], minimum: float | None, kind: BoundKind | None
) -> None:
    """Only the panel's own AI floor may be dropped as out of reach, never a caller's."""
    request = mealplan.parse_request(_request(**extra))
    targets = resolve_targets(request, _low_sodium())
    sodium = targets.get("sodium_mg")
    assert sodium is not None
    assert sodium.minimum == minimum
    assert sodium.minimum_kind == kind
    assert ("sodium_mg" in {b.nutrient for b in ai_floors(targets)}) == (
        kind is BoundKind.AI
    )


def test_an_override_of_an_unreachable_floor_plans_without_a_note() -> None:
    foods = _low_sodium()
    plan = mealplan.plan(_request(bounds={"sodium_mg": {"minimum": 0}}), foods)
    assert not [n for n in plan.notes if "cannot be met" in n]
    check_plan(plan, foods)


def test_a_plan_without_an_unreachable_floor_can_be_regenerated(
    plans: PlanCache,
) -> None:
    """regenerate() checks the saved targets against the request's: the same
    reach check gives the same targets, so the plan is not taken as tampered."""
    foods = _low_sodium()
    plan = plans.plan(_request(), foods)
    again = mealplan.regenerate(plan, day=1, meal="breakfast", foods=foods)
    assert again.targets == plan.targets
    check_plan(again, foods)
    # A saved plan whose floor was lifted without cause still fails the check.
    tampered = plan.model_copy(
        update={
            "targets": plan.targets.model_copy(
                update={
                    "bounds": [
                        b.model_copy(update={"minimum": None, "minimum_kind": None})
                        if b.nutrient == "choline_mg"
                        else b
                        for b in plan.targets.bounds
                    ]
                }
            )
        }
    )
    with pytest.raises(mealplan.RequestError, match="choline_mg"):
        mealplan.regenerate(tampered, day=1, meal="breakfast", foods=foods)


def test_several_days_plan_without_an_unreachable_floor() -> None:
    foods = _low_sodium()
    plan = mealplan.plan(_request(days=2), foods)
    assert plan.targets.get("sodium_mg") is not None
    assert [n for n in plan.notes if n.startswith("sodium AI of 1500 mg/day")]
    check_plan(plan, foods)


@pytest.mark.parametrize(("panel", "hinted"), [("full", True), ("rda", False)])
def test_no_plan_in_time_under_full_names_the_ai_floors(
    monkeypatch: pytest.MonkeyPatch, panel: str, hinted: bool
) -> None:
    """The solver's "no plan in time" is faked, so the verdict is time-free."""
    from mealplan import _plan_search
    from mealplan._optimiser import Solution, SolveStatus

    def no_plan(*_args: Any, **_kwargs: Any) -> Solution:
        return Solution(SolveStatus.NO_SOLUTION, solver_status="Time limit reached")

    monkeypatch.setattr(_plan_search, "solve", no_plan)
    with pytest.raises(mealplan.SolverError) as caught:
        mealplan.plan(_request(panel=panel), _low_sodium())
    message = str(caught.value)
    assert message.startswith("The solver found no plan within the time limit")
    assert ("panel 'rda', which reports the AI floors" in message) == hinted


def test_a_lifted_floor_is_listed_and_said_in_the_summary(plans: PlanCache) -> None:
    # An app reads which minimums the plan was not held to from the plan
    # itself, and the report's first lines say so (a breastfeeding woman's
    # plan read "Status: feasible." over a vitamin A of 19 % of her RDA).
    foods = _low_sodium()
    plan = plans.plan(_request(), foods)
    assert plan.unplanned_minimums == ["sodium_mg"]
    summary = mealplan.render_text(plan, foods).splitlines()[2]
    assert summary.startswith("Status:"), summary
    assert "Minimums not planned: sodium" in summary, summary
    assert "Minimums not planned" in mealplan.render_html(plan, foods)
    # A plan held to every minimum lists none, and its summary says nothing.
    held = mealplan.plan(_request(panel="rda"), foods)
    assert held.unplanned_minimums == []
    assert "Minimums not planned" not in mealplan.render_text(held, foods)
