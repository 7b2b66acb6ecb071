"""The caffeine limit: published figures by life stage, planned and never raised.

The limits are checked against tests/checks.py's own figures (written out from
the sources, not read from foods/caffeine_limits.csv); every plan check_plan
sees is held to them by check_caffeine.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan import FoodTable, InfeasiblePlanError, UnsafeFoodError
from mealplan._caffeine import (
    CAFFEINE_FILE,
    caffeine_limit,
    read_caffeine_limits,
    unmeasured_caffeine,
)
from mealplan._catalog import load_foods
from mealplan._errors import FoodTableError
from mealplan._models import BoundKind, Person, PlanRequest
from mealplan._planner import parse_request, resolve_targets
from mealplan._resources import data_file
from mealplan._safety import safety_filter
from mealplan._targets import targets_for
from tests.checks import CAFFEINE_WORDS, caffeine_limit_mg, check_plan
from tests.strategies import persons

CAFFEINE = "caffeine_mg"


@settings(max_examples=200, deadline=None)
@given(
    person=persons(st.floats(1, 100, allow_nan=False)),
    weight=st.none() | st.floats(8, 150, allow_nan=False),
)
def test_every_persons_limit_is_the_published_figure(
    person: dict[str, Any], weight: float | None
) -> None:
    p = Person.model_validate({**person, "weight_kg": weight})
    targets = targets_for(p)
    bound = next(b for b in targets.bounds if b.nutrient == CAFFEINE)
    expected = caffeine_limit_mg(p)
    assert expected is not None
    assert bound.maximum == pytest.approx(expected, abs=0.05)
    assert bound.maximum_kind is BoundKind.LIMIT
    assert bound.minimum is None
    assert "not a DRI" in bound.source


@pytest.mark.parametrize(
    ("person", "mg"),
    [
        ({"age": 35, "sex": "male"}, 400),
        ({"age": 30, "sex": "female", "pregnancy": True}, 200),
        ({"age": 30, "sex": "female", "lactation": True}, 200),
        ({"age": 5, "sex": "female"}, 45),
        ({"age": 8, "sex": "male"}, 62.5),
        ({"age": 11, "sex": "male"}, 85),
        ({"age": 2, "sex": "male"}, 30),  # 2.5 mg/kg x 12 kg
        ({"age": 16, "sex": "female"}, 135),  # 2.5 mg/kg x 54 kg
        # 2.5 mg/kg x 90 kg is 225 mg: pregnancy's 200 mg is lower.
        ({"age": 16, "sex": "female", "weight_kg": 90.0, "pregnancy": True}, 200),
    ],
)
def test_named_limits(person: dict[str, Any], mg: float) -> None:
    limit = caffeine_limit(Person.model_validate(person))
    assert limit is not None
    assert limit[0] == pytest.approx(mg)


def test_every_caffeine_source_of_the_bundled_table_is_measured() -> None:
    # Foods and dishes: a food naming coffee, tea, cola, cocoa or chocolate
    # has a caffeine value (SR28 262, FNDDS), so the limit sees it.
    table = load_foods(dishes=True)
    values = table.numbers(CAFFEINE).tolist()
    texts = [
        " ".join(parts)
        for parts in zip(
            table.ids, table.texts("name"), table.texts("sr28_description"), strict=True
        )
    ]
    named = [
        (fid, v)
        for fid, text, v in zip(table.ids, texts, values, strict=True)
        if CAFFEINE_WORDS.search(text)
    ]
    assert len(named) >= 20
    assert all(not math.isnan(v) for _, v in named), [f for f, v in named if v != v]
    assert unmeasured_caffeine(table) == {}
    # The figures are the USDA ones (SR28 per 100 g).
    by_id = dict(zip(table.ids, values, strict=True))
    assert by_id["coffee-brewed"] == 40
    assert by_id["espresso"] == 212
    assert by_id["coffee-decaf"] == 1


def _without_coffee_caffeine() -> FoodTable:
    frame = load_foods().to_dataframe()
    frame.loc[frame["id"] == "coffee-brewed", CAFFEINE] = math.nan
    return FoodTable.from_dataframe(frame)


def test_a_caffeine_source_without_a_value_is_left_out_and_refused() -> None:
    table = _without_coffee_caffeine()
    assert unmeasured_caffeine(table) == {"coffee-brewed": "Coffee, brewed"}
    adult = PlanRequest.model_validate({"person": {"age": 40, "sex": "male"}})
    assert "coffee-brewed" in safety_filter(adult, table)
    # Explicit targets name no person, so no limit and no such rule.
    targets = targets_for(Person(age=40, sex="male"))
    anyone = PlanRequest(targets=targets)
    assert "coffee-brewed" not in safety_filter(anyone, table)
    with pytest.raises(UnsafeFoodError, match="no caffeine value") as info:
        mealplan.plan(
            {"person": {"age": 40, "sex": "male"}, "include": ["coffee-brewed"]},
            foods=table,
        )
    assert info.value.rule == "unmeasured_caffeine"


def test_a_child_pinned_more_caffeine_than_the_limit_is_diagnosed() -> None:
    # Espresso, black and green tea at their smallest portions hold more
    # than the 62.5 mg of ages 7-9 (cola, once the third, is no child's
    # drink): the limit is named in the conflict and never offered as the
    # change.
    request = {
        "person": {"age": 8, "sex": "male"},
        "pins": [
            {"food": "espresso", "meal": "breakfast"},
            {"food": "tea-black", "meal": "lunch"},
            {"food": "tea-green", "meal": "dinner"},
        ],
    }
    with pytest.raises(InfeasiblePlanError) as info:
        mealplan.plan(request)
    diagnosis = info.value.diagnosis
    assert diagnosis is not None
    names = {c.constraint for c in diagnosis.conflicts}
    assert "max:caffeine_mg" in names, names
    conflict = next(c for c in diagnosis.conflicts if c.constraint == "max:caffeine_mg")
    assert "never raised" in conflict.relaxation
    assert all("caffeine" not in (s.field or "") for s in diagnosis.suggestions)
    assert all(CAFFEINE not in str(s.patch) for s in diagnosis.suggestions)


def test_a_pregnant_coffee_lover_stays_under_200_mg() -> None:
    request = {
        "person": {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2},
        # The ULs and the caffeine limit, not the RDAs: what is tested here
        # holds in every panel mode, and 'limits' plans in a third the time.
        "panel": "limits",
        "likes": ["coffee-brewed", "tea-black", "cola"],
        "pins": [
            {"food": "coffee-brewed", "meal": "breakfast"},
            {"food": "tea-black", "meal": "lunch"},
            {"food": "cola", "meal": "dinner"},
        ],
    }
    plan = mealplan.plan(request)
    table = load_foods(dishes=True)
    check_plan(plan, table)
    total = next(t for t in plan.days[0].totals if t.nutrient == CAFFEINE)
    assert 0 < total.amount <= 200 + 1e-6
    assert total.maximum == 200


def test_a_callers_own_bound_replaces_the_limit() -> None:
    request = {
        "person": {"age": 30, "sex": "male"},
        "bounds": {CAFFEINE: {"maximum": 50}},
    }
    req = parse_request(request)
    targets = resolve_targets(req, load_foods(dishes=True))
    bound = next(b for b in targets.bounds if b.nutrient == CAFFEINE)
    assert bound.maximum == 50


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("adult,general,19,200,,,FDA,x", "exactly one"),
        ("adult,general,19,200,400,2.5,FDA,x", "exactly one"),
        ("adult,adults,19,200,400,,FDA,x", "life_stage"),
        ("adult,general,30,19,400,,FDA,x", "age band"),
        ("adult,general,19,200,-4,,FDA,x", "must be a number >= 0"),
        ("adult,general,19,200,400,,,x", "a source"),
    ],
)
def test_a_bad_limit_row_is_a_typed_error(
    tmp_path: Path, line: str, words: str
) -> None:
    header = data_file(CAFFEINE_FILE).read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "limits.csv"
    path.write_text(f"{header}\n{line}\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match=words):
        read_caffeine_limits(str(path))


def test_the_bundled_rows_cite_their_sources() -> None:
    rows = read_caffeine_limits(str(data_file(CAFFEINE_FILE)))
    assert {r.limit_id for r in rows} >= {"adult", "pregnancy", "lactation"}
    for row in rows:
        assert any(s in row.source for s in ("FDA", "EFSA", "ACOG", "Health Canada"))
