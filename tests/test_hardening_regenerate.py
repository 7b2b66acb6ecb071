"""regenerate checks a saved plan against its table and its own request.

The model validation of a saved plan checks its fields and its shape; the
kept days were still trusted: a kept item's grams made ten times its
portions were kept (and the new plan's averages computed from them), as
were an edited name, cost or day total, targets with a bound removed, and a
food the plan's own request rules out was called "not in the food table".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

import mealplan
from mealplan import RequestError
from tests.plans import PlanCache

Edit = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="module")
def saved() -> dict[str, Any]:
    plan = mealplan.plan(
        {
            "person": {"age": 35, "sex": "female"},
            "days": 2,
            "time_limit": 60,
            "mip_gap": 1,  # the first plan: any plan serves
        }
    )
    data: dict[str, Any] = json.loads(plan.model_dump_json())
    return data


def _first(data: dict[str, Any]) -> dict[str, Any]:
    item: dict[str, Any] = data["days"][0]["items"][0]
    return item


def _scale(data: dict[str, Any]) -> None:
    item = _first(data)
    item["grams"] = item["grams"] * 10


def _both(data: dict[str, Any]) -> None:
    # Portions and grams doubled together: energy and cost give it away.
    item = _first(data)
    item["portions"] *= 2
    item["grams"] *= 2


def _excluded(data: dict[str, Any]) -> None:
    data["request"]["exclude"] = [_first(data)["food_id"]]


def _total(data: dict[str, Any]) -> None:
    total = data["days"][0]["totals"][0]
    total["amount"] = total["amount"] + 100


def _no_bound(data: dict[str, Any]) -> None:
    # The first bound (magnesium's), which no plan lifts: the last is now
    # vitamin K's AI, which a plan short of it lacks legitimately (its note
    # says so), and whose removal the day's totals then catch instead.
    data["targets"]["bounds"] = data["targets"]["bounds"][1:]


def _higher_max(data: dict[str, Any]) -> None:
    # A UL raised tenfold: the new day would be planned against it.
    bound = next(b for b in data["targets"]["bounds"] if b["maximum"])
    bound["maximum"] = bound["maximum"] * 10


EDITS: dict[str, tuple[Edit, str]] = {
    "grams": (_scale, "has grams"),
    "portions-and-grams": (_both, "where its food and portions give"),
    "name": (lambda d: _first(d).update(name="Something else"), "has name"),
    "energy": (lambda d: _first(d).update(energy_kcal=1.0), "has energy_kcal"),
    "ruled-out": (_excluded, "rules out (its exclude or dislikes)"),
    "day-total": (_total, "totals do not match its items"),
    "targets-bound": (_no_bound, "targets differ"),
    "targets-maximum": (_higher_max, "targets differ"),
}


@pytest.mark.parametrize("how", sorted(EDITS))
def test_a_tampered_kept_day_is_an_error_that_says_what(
    saved: dict[str, Any], how: str
) -> None:
    data = json.loads(json.dumps(saved))
    edit, words = EDITS[how]
    edit(data)
    previous = mealplan.MealPlan.model_validate(data)  # each field stays valid
    with pytest.raises(RequestError) as info:
        mealplan.regenerate(previous, day=2)
    message = str(info.value)
    assert words in message
    assert "the plan was edited" in message
    assert "\n" not in message
    assert message.endswith(".")


def test_the_untampered_plan_regenerates_and_keeps_day_one(
    saved: dict[str, Any],
) -> None:
    previous = mealplan.MealPlan.model_validate(saved)
    new = mealplan.regenerate(previous, day=2)
    assert new.days[0] == previous.days[0]


def test_an_unknown_item_of_the_plan_is_located_for_http(plans: PlanCache) -> None:
    # Over HTTP its loc was "food": the item that holds it is the field.
    import json

    from mealplan._pool import run_task

    plan = plans.plan({"person": {"age": 30, "sex": "female"}, "time_limit": 60})
    body = json.loads(plan.model_dump_json())
    body["days"][0]["items"][1]["food_id"] = "unicorn"
    outcome = run_task("regenerate", json.dumps({"plan": body, "day": 1}))
    assert outcome.kind == "bad_input"
    assert outcome.errors[0][0] == "plan.days.0.items.1.food_id"


def test_an_edited_plan_over_http_names_the_route_to_plan_again(
    plans: PlanCache,
) -> None:
    # The HTTP reply said "plan again with 'mealplan plan' (or plan())".
    import json

    from mealplan._pool import run_task

    plan = plans.plan({"person": {"age": 30, "sex": "female"}, "time_limit": 60})
    body = json.loads(plan.model_dump_json())
    body["days"][0]["items"][0]["grams"] *= 2
    outcome = run_task("regenerate", json.dumps({"plan": body, "day": 1}))
    assert outcome.kind == "bad_input"
    assert "POST /v1/plans" in outcome.body
    assert "mealplan plan" not in outcome.body
