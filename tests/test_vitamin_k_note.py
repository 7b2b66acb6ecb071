"""The warfarin note on a plan rich in vitamin K (the review of session 34).

The AI is read from ``foods/dri_full.csv`` by this module's own lookup;
each day's vitamin K is recomputed from the table, not taken from totals.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan._models import NutrientTotal, Person
from mealplan._vitamin_k_note import vitamin_k_note
from tests.checks import _applies, _dri_rows, check_plan
from tests.items import nutrient_total
from tests.requesting import plan_off_the_clock
from tests.strategies import persons


def _ai(person: Person) -> float:
    rows = [
        r
        for r in _dri_rows()
        if r["nutrient"] == "vitamin_k" and r["kind"] == "AI" and _applies(r, person)
    ]
    return float(rows[0]["value"])


def _total(value: float) -> NutrientTotal:
    return nutrient_total("vitamin_k_ug", value)


@settings(max_examples=60, deadline=None)
@given(
    person=persons(st.floats(1, 100)),
    times=st.lists(st.floats(0, 30), min_size=1, max_size=7),
)
def test_the_note_is_there_from_four_times_the_ai_for_adults(
    person: dict[str, Any], times: list[float]
) -> None:
    p = Person.model_validate(person)
    ai = _ai(p)
    days = [[_total(t * ai)] for t in times]
    notes = vitamin_k_note(p, days)
    if p.age < 19 or max(times) < 4:
        assert notes == []
        return
    assert len(notes) == 1
    assert "warfarin" in notes[0]
    assert "steady" in notes[0]
    assert "not medical advice" in notes[0]
    most = max(t * ai for t in times)  # the amounts the note was given
    assert f"{most / ai:.0f} times the AI" in notes[0]


def test_a_man_of_80s_day_says_it_when_his_greens_reach_it() -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock({"person": {"age": 80, "sex": "male"}}, table)
    check_plan(plan, table)
    vitamin_k = max(
        sum(
            i.grams / 100 * (table.food(i.food_id).nutrients.get("vitamin_k_ug") or 0.0)
            for i in day.items
            if i.food_id in table.ids
        )
        for day in plan.days
    )
    said = [n for n in plan.notes if "warfarin" in n]
    ai = _ai(Person.model_validate({"age": 80, "sex": "male"}))
    assert len(said) == (1 if vitamin_k >= 4 * ai else 0)
