"""Over 50, how much of the plan's B12 is added B12 (the review of session 34).

The plan's B12 from fortified foods is recomputed from ``foods/foods.csv``
with the csv module: SR28's B12 fortification mark, or a fortified plant
food (plants have no B12 of their own), independently of the planner.
"""

from __future__ import annotations

import csv
import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan._life_stage_advice import fortified_b12_note
from mealplan._models import Person
from tests.checks import check_plan
from tests.requesting import plan_off_the_clock
from tests.strategies import persons

FOODS_CSV = Path(__file__).resolve().parents[1] / "foods" / "foods.csv"


@functools.cache
def _added_b12_per_100g() -> dict[str, float]:
    with FOODS_CSV.open(encoding="utf-8", newline="") as fh:
        out = {}
        for r in csv.DictReader(fh):
            marks = set(r["fortified"].split(";"))
            plant = r["vegan"] == "true" and "fortified" in r["name"].lower()
            if marks & {"vitamin_b12_ug", "vitamin_b_12_added"} or plant:
                out[r["id"]] = float(r["vitamin_b12_ug"] or 0.0)
        return out


@settings(max_examples=80, deadline=None)
@given(
    person=persons(st.floats(1, 100)),
    days=st.lists(
        st.lists(
            st.tuples(st.sampled_from(["A", "B"]), st.floats(0, 5), st.booleans()),
            max_size=5,
        ),
        min_size=1,
        max_size=7,
    ),
)
def test_the_note_says_the_leanest_days_added_b12(
    person: dict[str, Any], days: list[list[tuple[str, float, bool]]]
) -> None:
    p = Person.model_validate(person)
    notes = fortified_b12_note(p, days, 2.4)
    if p.age <= 50:
        assert notes == []
        return
    assert len(notes) == 1
    least = min(sum(b for _, b, f in day if f) for day in days)
    assert f"{least:.2g} µg" in notes[0]
    assert ("under half the RDA" in notes[0]) == (least < 1.2)
    assert "not medical advice" in notes[0]


@pytest.mark.parametrize(
    "person", [{"age": 80, "sex": "male"}, {"age": 55, "sex": "female"}]
)
def test_an_older_adults_plan_counts_only_added_b12(person: dict[str, Any]) -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock({"person": person, "diet": "vegetarian"}, table)
    check_plan(plan, table)
    added = _added_b12_per_100g()
    least = min(
        sum(added.get(i.food_id, 0.0) * i.grams / 100 for i in day.items)
        for day in plan.days
    )
    (note,) = [n for n in plan.notes if n.startswith("over 50: ") and "µg" in n]
    assert f"{least:.2g} µg" in note, (note, least)
    assert ("under half the RDA" in note) == (least < 1.2)
