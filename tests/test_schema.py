"""The JSON contract: committed schemas match the models; models round-trip exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import mealplan
from mealplan._cli import SCHEMAS, schema_text

SCHEMA_DIR = Path(mealplan.__file__).parent / "schemas"
FILES = {
    "request": "plan-request.schema.json",
    "plan": "meal-plan.schema.json",
    "diagnosis": "diagnosis.schema.json",
    "explanation": "explanation.schema.json",
}


@pytest.mark.parametrize("name", sorted(FILES))
def test_committed_schema_matches_the_model(name: str) -> None:
    committed = (SCHEMA_DIR / FILES[name]).read_text(encoding="utf-8")
    model: type[BaseModel] = SCHEMAS[name]
    assert json.loads(committed) == model.model_json_schema(), (
        f"{FILES[name]} is stale; regenerate it with "
        f"'mealplan schema {name} > mealplan/schemas/{FILES[name]}' and review the diff"
    )
    assert committed == schema_text(name)


@pytest.mark.parametrize("name", sorted(FILES))
def test_every_contract_model_carries_schema_version(name: str) -> None:
    schema = SCHEMAS[name].model_json_schema()
    assert schema["properties"]["schema_version"]["const"] == mealplan.SCHEMA_VERSION


FULL_REQUEST = {
    "person": {
        "age": 29,
        "sex": "female",
        "pregnancy": True,
        "trimester": 2,
        "weight_kg": 61.5,
        "height_cm": 166,
        "activity": "active",
    },
    "diet": "pescatarian",
    "allergies": ["peanuts", "sesame"],
    "exclude": ["liver"],
    "include": ["almonds"],
    "allow_fortified": False,
    "kcal_min": 1900,
    "kcal_max": 2500.5,
    "budget_per_day": 12.5,
    "max_foods": 12,
    "objective": "cost",
    "portion_mode": "whole",
    "margin": 1.1,
    "bounds": {"sodium_mg": {"maximum": 2000}, "potassium_mg": {"remove": True}},
    "allow_shortfall": True,
    "days": 3,
    "meals": [
        {"name": "morning", "slot": "breakfast", "energy_share": [0.2, 0.5]},
        {"name": "evening", "slot": "dinner", "energy_share": [0.3, 0.8]},
    ],
    "nutrient_period": "average",
    "daily_floor": 0.8,
    "max_days_per_food": 2,
    "pins": [{"food": "almonds", "days": [1, 3], "meal": "morning"}],
    "bans": [{"food": "spinach-raw", "days": [2]}],
    "solver": "cbc",
    "time_limit": 30,
    "mip_gap": 0.001,
}


@pytest.mark.parametrize("data", [{"person": {"age": 35, "sex": "male"}}, FULL_REQUEST])
def test_request_round_trips(data: dict[str, object]) -> None:
    request = mealplan.parse_request(data)
    assert (
        mealplan.PlanRequest.model_validate_json(request.model_dump_json()) == request
    )
    assert mealplan.parse_request(json.dumps(data)) == request
    assert request.schema_version == "1"


@given(
    age=st.floats(min_value=1, max_value=120, allow_nan=False),
    sex=st.sampled_from(list(mealplan.Sex)),
    diet=st.sampled_from(list(mealplan.Diet)),
    allergies=st.lists(st.sampled_from(list(mealplan.Allergen)), unique=True),
    days=st.integers(1, 28),
    kcal=st.none() | st.floats(min_value=1, max_value=10000, allow_nan=False),
    budget=st.none() | st.floats(min_value=0.01, max_value=1000, allow_nan=False),
)
def test_any_valid_request_round_trips(
    age: float,
    sex: mealplan.Sex,
    diet: mealplan.Diet,
    allergies: list[mealplan.Allergen],
    days: int,
    kcal: float | None,
    budget: float | None,
) -> None:
    request = mealplan.PlanRequest(
        person=mealplan.Person(age=age, sex=sex),
        diet=diet,
        allergies=allergies,
        days=days,
        kcal_min=kcal,
        budget_per_day=budget,
    )
    assert (
        mealplan.PlanRequest.model_validate_json(request.model_dump_json()) == request
    )


@pytest.fixture(scope="module")
def daily() -> mealplan.MealPlan:
    return mealplan.plan({"person": {"age": 50, "sex": "male"}})


def test_plan_round_trips(daily: mealplan.MealPlan) -> None:
    assert daily.schema_version == "1"
    assert mealplan.MealPlan.model_validate_json(daily.model_dump_json()) == daily
    assert mealplan.MealPlan.model_validate(daily.model_dump(mode="json")) == daily


def test_diagnosis_round_trips() -> None:
    diagnosis = mealplan.Diagnosis(
        message="No day meets these constraints together.",
        conflicts=[
            mealplan.Conflict(
                constraint="diet", description="a vegan diet", relaxation="Relax it."
            )
        ],
        minimal=False,
    )
    text = diagnosis.model_dump_json()
    assert json.loads(text)["schema_version"] == "1"
    assert mealplan.Diagnosis.model_validate_json(text) == diagnosis


BAD_REQUESTS = [
    ({"person": {"age": 35, "sex": "female"}, "colour": "red"}, "colour"),
    ({"person": {"age": "old", "sex": "female"}}, "person.age"),
    ({"person": {"age": 35, "sex": "female"}, "days": 99}, "days"),
    ({"person": {"age": -1, "sex": "female"}}, "person.age"),
    ({"person": {"age": 35, "sex": "female"}, "diet": "paleo"}, "diet"),
    (
        {"person": {"age": 35, "sex": "female"}, "kcal_min": 2500, "kcal_max": 1800},
        "request",
    ),
    ({"person": {"age": 35, "sex": "female"}, "allergies": ["gluten"]}, "allergies.0"),
    ({"person": {"age": 35, "sex": "female"}, "budget_per_day": 0}, "budget_per_day"),
    ({"person": {"age": 35, "sex": "female"}, "schema_version": "2"}, "schema_version"),
]


@pytest.mark.parametrize(("data", "loc"), BAD_REQUESTS)
def test_bad_request_gives_machine_readable_errors(
    data: dict[str, object], loc: str
) -> None:
    with pytest.raises(mealplan.RequestError) as info:
        mealplan.parse_request(data)
    err = info.value
    assert err.errors
    assert all(set(e) == {"loc", "msg"} for e in err.errors)
    assert loc in [e["loc"] for e in err.errors]
    message = str(err)
    assert "\n" not in message
    assert message.endswith(".")
