"""Iron for vegetarians and vegans: 1.8 times the RDA where it fits under the UL.

The expected minimum is read from ``foods/dri_full.csv`` by this module's own
lookup (the RDA and UL rows of the person's age, sex and life stage), not
from the targets code.
"""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import load_foods
from mealplan._models import Person
from mealplan._planner import parse_request, resolve_targets
from tests.checks import _applies, _dri_rows
from tests.strategies import persons


def _dri(person: Person, kind: str) -> float | None:
    rows = [r for r in _dri_rows() if r["nutrient"] == "iron" and r["kind"] == kind]
    found = [float(r["value"]) for r in rows if _applies(r, person)]
    return found[0] if found else None


def _iron(data: dict[str, Any]) -> tuple[float | None, list[str]]:
    req = parse_request(data)
    targets = resolve_targets(req, load_foods())
    bound = next(b for b in targets.bounds if b.nutrient == "iron_mg")
    return bound.minimum, [n for n in targets.notes if n.startswith("Iron:")]


@settings(max_examples=40, deadline=None)
@given(
    person=persons(st.integers(1, 90)),
    diet=st.sampled_from(["omnivore", "pescatarian", "vegetarian", "vegan"]),
)
def test_the_iron_minimum_is_raised_for_plant_diets_only(
    person: dict[str, Any], diet: str
) -> None:
    minimum, notes = _iron({"person": person, "diet": diet})
    p = Person.model_validate(person)
    rda, ul = _dri(p, "RDA"), _dri(p, "UL")
    assert rda is not None
    if diet in ("omnivore", "pescatarian"):
        assert minimum == rda
        assert not notes
    elif p.age < 4:
        # At 1-3 the RDA stays (a vegan day at 3 had no plan), with a note.
        assert minimum == rda
        assert len(notes) == 1
        assert "ages 1-3" in notes[0]
    elif ul is not None and rda * 1.8 > 0.9 * ul:
        # Pregnancy: 48.6 mg over the 45 mg UL; the RDA stays, and the
        # note says so.
        assert minimum == rda
        assert len(notes) == 1
        assert "keeps the RDA" in notes[0]
    else:
        assert minimum is not None
        assert abs(minimum - round(rda * 1.8, 1)) < 1e-9
        assert len(notes) == 1


def test_a_callers_own_iron_bound_wins() -> None:
    data = {
        "person": {"age": 35, "sex": "female"},
        "diet": "vegan",
        "bounds": {"iron_mg": {"minimum": 18}},
    }
    minimum, _ = _iron(data)
    assert minimum == 18


def test_a_vegan_womans_day_holds_the_raised_iron() -> None:
    table = load_foods()
    plan = mealplan.plan(
        {"person": {"age": 35, "sex": "female"}, "diet": "vegan", "time_limit": 60},
        table,
    )
    # 18 mg x 1.8, recomputed from the table's own iron values (a missing
    # value counts as none: a lower bound).
    iron = sum(
        i.grams / 100 * (table.food(i.food_id).nutrients.get("iron_mg") or 0.0)
        for i in plan.days[0].items
        if i.food_id in table.ids
    )
    assert iron >= 32.4 - 1e-6
    assert any(
        n.startswith("Iron: the RDA for vegans is 1.8 times") for n in plan.notes
    )
