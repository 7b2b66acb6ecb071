"""Room under the folic acid UL for the 400 µg supplement pregnancy is advised.

The expected maximum is read from ``foods/dri_full.csv`` by this module's
own lookup (the UL row of the person's age, sex and life stage), not from
the targets code; the plan's folic acid is recomputed from the table.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mealplan import load_foods
from mealplan._models import Person
from mealplan._planner import parse_request, resolve_targets
from mealplan._target_models import BoundKind
from tests.checks import _applies, _dri_rows, check_plan
from tests.requesting import plan_off_the_clock
from tests.strategies import persons


def _folic_acid_ul(person: Person) -> float | None:
    rows = [
        r
        for r in _dri_rows()
        if r["nutrient"] == "folate_dfe" and r["kind"] == "UL" and _applies(r, person)
    ]
    return float(rows[0]["value"]) if rows else None


def _bound(data: dict[str, Any]) -> tuple[float | None, BoundKind | None, list[str]]:
    targets = resolve_targets(parse_request(data), load_foods())
    bound = next(b for b in targets.bounds if b.nutrient == "folic_acid_ug")
    notes = [n for n in targets.notes if n.startswith("Folic acid:")]
    return bound.maximum, bound.maximum_kind, notes


@settings(max_examples=40, deadline=None)
@given(person=persons(st.integers(14, 50)), pregnant=st.booleans())
def test_pregnancy_keeps_400_ug_under_the_ul(
    person: dict[str, Any], pregnant: bool
) -> None:
    if pregnant:
        person = {**person, "sex": "female", "pregnancy": True}
        person.pop("lactation", None)
    p = Person.model_validate(person)
    ul = _folic_acid_ul(p)
    assert ul is not None
    maximum, kind, notes = _bound({"person": person})
    if p.pregnancy:
        assert maximum == ul - 400
        assert kind is BoundKind.GUIDELINE
        assert len(notes) == 1
        assert f"{ul - 400:g} µg" in notes[0]
        # An 800 µg supplement reaches the teens' 800 µg UL by itself.
        assert ("by itself" in notes[0]) == (ul <= 800)
    else:
        assert maximum == ul
        assert kind is BoundKind.UL
        assert notes == []


def test_a_callers_own_folic_acid_bound_wins() -> None:
    maximum, _, _ = _bound(
        {
            "person": {"age": 30, "sex": "female", "pregnancy": True},
            "bounds": {"folic_acid_ug": {"maximum": 900}},
        }
    )
    assert maximum == 900


def test_a_pregnant_day_leaves_the_room() -> None:
    table = load_foods()
    plan = plan_off_the_clock(
        {"person": {"age": 30, "sex": "female", "pregnancy": True}}, table
    )
    check_plan(plan, table)
    for day in plan.days:
        folic = sum(
            i.grams
            / 100
            * (table.food(i.food_id).nutrients.get("folic_acid_ug") or 0.0)
            for i in day.items
            if i.food_id in table.ids
        )
        assert folic <= 600 + 1e-6
    assert any(n.startswith("Folic acid: in pregnancy") for n in plan.notes)
