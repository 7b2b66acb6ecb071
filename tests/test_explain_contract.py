"""The explanation as part of the JSON contract, checked against the food table."""

from __future__ import annotations

import math

import pytest

import mealplan
from mealplan import FoodTable
from mealplan._cli import main
from mealplan._explain import explain
from mealplan._planner import resolve_targets
from mealplan._sources import widen_variety_for_sole_sources
from tests.strategies import small_table

ADULT = {"age": 35, "sex": "female"}


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return small_table()


@pytest.fixture(scope="module")
def day(table: FoodTable) -> mealplan.MealPlan:
    return mealplan.plan({"person": ADULT, "meals": None, "time_limit": 60}, table)


def test_contributions_add_up_to_each_total(
    day: mealplan.MealPlan, table: FoodTable
) -> None:
    e = explain(day, table, marginal=False)
    grams = {i.food_id: i.grams for i in day.items}
    by_nutrient = {n.nutrient: n for n in e.nutrients}
    assert set(by_nutrient) == {t.nutrient for t in day.average}
    frame = table.frame
    for total in day.average:
        n = by_nutrient[total.nutrient]
        assert n.total == total.amount
        assert n.lower_bound == total.lower_bound
        # Recomputed from the table, independently of explain().
        for c in n.contributions:
            value = frame.at[c.food_id, total.nutrient]
            if c.amount is None:
                assert value is None or math.isnan(value)
            else:
                assert c.amount == pytest.approx(value * grams[c.food_id] / 100)
        known = sum(c.amount or 0.0 for c in n.contributions)
        assert known == pytest.approx(total.amount, rel=1e-6, abs=1e-6)
        amounts = [c.amount for c in n.contributions if c.amount is not None]
        assert amounts == sorted(amounts, reverse=True)


def test_every_food_has_its_article_citations_and_gaps(
    day: mealplan.MealPlan, table: FoodTable
) -> None:
    e = explain(day, table, marginal=False)
    assert {f.food_id for f in e.foods} == {i.food_id for i in day.items}
    for f in e.foods:
        mentions = table.mentions(f.food_id)
        assert [(c.section, c.words) for c in f.citations] == [
            (m.section, m.words) for m in mentions
        ]
    gaps = [t for t in day.average if t.lower_bound and t.minimum is not None]
    for t in gaps:
        assert any(t.foods_missing_data[0] in g for g in e.data_gaps)
    assert "servings" in e.objective


def test_marginal_cost_is_in_the_objective_units_and_in_words(
    day: mealplan.MealPlan, table: FoodTable
) -> None:
    e = explain(day, table)
    for m in e.marginal:
        assert m.measure == "objective"
        if m.feasible and m.change is not None and abs(m.change) >= 0.005:
            assert "servings a day" in m.text
            assert f"{abs(m.change):.2f}" in m.text
    assert mealplan.Explanation.model_validate_json(e.model_dump_json()) == e


def test_cli_explain_json_carries_the_explanation(
    table: FoodTable,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("mealplan._cli.load_foods", lambda **_: table)
    argv = ["plan", "--age", "35", "--sex", "female", "--no-meals", "--explain"]
    assert main([*argv, "--format", "json", "--time-limit", "60"]) == 0
    plan = mealplan.MealPlan.model_validate_json(capsys.readouterr().out)
    assert plan.explanation is not None
    assert plan.explanation.nutrients
    assert plan.explanation.foods
    assert (
        main(
            [
                "plan",
                "--age",
                "35",
                "--sex",
                "female",
                "--format",
                "json",
                "--no-meals",
                "--time-limit",
                "60",
            ]
        )
        == 0
    )
    assert (
        mealplan.MealPlan.model_validate_json(capsys.readouterr().out).explanation
        is None
    )


# ------------------------------------------------------------- sole sources


def test_a_sole_source_widens_the_default_variety_rule() -> None:
    foods = mealplan.load_foods()
    for diet, widened in (("vegan", True), ("omnivore", False)):
        req = mealplan.parse_request({"person": ADULT, "diet": diet, "days": 7})
        new, notes = widen_variety_for_sole_sources(
            req, resolve_targets(req, foods), foods
        )
        if widened:
            assert new.max_days_per_food == 7
            assert "vitamin B12" in notes[0]
        else:
            assert new is req
            assert notes == []
    # A caller's own value is kept.
    req = mealplan.parse_request(
        {"person": ADULT, "diet": "vegan", "days": 7, "max_days_per_food": 4}
    )
    assert (
        widen_variety_for_sole_sources(req, resolve_targets(req, foods), foods)[0]
        is req
    )


def test_default_vegan_days_plan() -> None:
    # Three days: with the default rule (a food on 2 of 3 days) the one vegan
    # B12 source left a day without B12.
    result = mealplan.plan(
        {"person": ADULT, "diet": "vegan", "days": 3, "time_limit": 60}
    )
    assert any("vitamin B12" in n for n in result.notes)
    for d in result.days:
        assert d.total("vitamin_b12_ug").status is mealplan.NutrientStatus.MET
