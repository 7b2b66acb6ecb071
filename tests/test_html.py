"""render_html, MealPlan._repr_html_ and ``mealplan plan --format html``."""

from __future__ import annotations

import re

import pytest

import mealplan
from mealplan._cli import main
from tests.html_parse import parse


@pytest.fixture(scope="module")
def day() -> mealplan.MealPlan:
    return mealplan.plan({"person": {"age": 35, "sex": "female"}})


def test_the_report_is_self_contained(day: mealplan.MealPlan) -> None:
    html = mealplan.render_html(day)
    assert html.startswith("<!DOCTYPE html>")
    doc = parse(html)
    names = [t for t, _ in doc.tags]
    assert "script" not in names
    assert "link" not in names
    for _, attrs in doc.tags:
        for key in ("src", "href"):
            value = attrs.get(key)
            assert value is None or not re.match(r"(https?:)?//", value), value
    assert "svg" in names
    text = " ".join(doc.text)
    assert "not medical advice" in text
    assert "Grocery list" in text
    assert "where the article names" in text


def test_each_bounded_nutrient_is_a_bar_at_its_share_of_the_minimum(
    day: mealplan.MealPlan,
) -> None:
    doc = parse(mealplan.render_html(day))
    bars = {
        a["data-nutrient"]: float(a["data-percent"] or "nan")
        for t, a in doc.tags
        if t == "g" and a.get("class") == "mp-bar"
    }
    expected = {}
    for total in day.average:
        # The planned bound, else the person's DRI the plan reports (the
        # sodium AI: its bar against the AI, with the CDRR as its limit).
        reference = (
            total.minimum or total.dri_minimum or total.maximum or total.dri_maximum
        )
        if reference:
            expected[total.nutrient] = total.amount / reference * 100
    assert set(bars) == set(expected)
    for nutrient, percent in expected.items():
        assert bars[nutrient] == pytest.approx(percent, abs=0.06)
    uls = [a for t, a in doc.tags if t == "line" and a.get("class") == "mp-ul"]
    with_limit = [
        t
        for t in day.average
        if (t.minimum or t.dri_minimum)
        and (t.maximum is not None or t.dri_maximum is not None)
    ]  # calcium and vitamin D (ULs), energy (the EER range), sodium (CDRR)
    assert len(uls) == len(with_limit) >= 2
    kinds = {a["data-kind"] for a in uls}
    assert "UL" in kinds


def test_text_from_callers_is_escaped(day: mealplan.MealPlan) -> None:
    data = day.model_dump(mode="json")
    data["days"][0]["items"][0]["name"] = '<script>alert("x")</script>'
    hostile = mealplan.MealPlan.model_validate(data)
    html = mealplan.render_html(hostile)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_diagnosis_renders_too() -> None:
    diagnosis = mealplan.Diagnosis(
        message="No day meets <these> constraints together.",
        conflicts=[
            mealplan.Conflict(
                constraint="diet", description="a vegan diet", relaxation="Relax it."
            )
        ],
        minimal=True,
    )
    html = mealplan.render_html(diagnosis)
    assert "No plan meets this request" in html
    assert "&lt;these&gt;" in html
    assert "not medical advice" in html


def test_notebooks_show_the_report(day: mealplan.MealPlan) -> None:
    html = day._repr_html_()
    assert html.startswith("<style>")
    assert "mp-chart" in html
    assert "<html" not in html


def test_cli_html_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["plan", "--age", "35", "--sex", "female", "--format", "html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("<!DOCTYPE html>")
    assert "mp-chart" in out


def test_cli_html_format_is_for_plans_only(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["targets", "--age", "35", "--sex", "female", "--format", "html"]) == 2
    assert "--format html" in capsys.readouterr().err


def test_a_toddlers_reported_ais_are_shown_against_the_ai_not_as_no_bound() -> None:
    # At ages 1-3 the AIs are reported, not planned: the report's table and
    # chart showed a vegetarian boy of 3's linoleic acid (66 % of its AI)
    # with no bound at all. Built from the plan's own totals, no solve.
    plan = mealplan.plan(
        {"person": {"age": 3, "sex": "male"}, "diet": "vegetarian", "mip_gap": 1.0}
    )
    linoleic = next(t for t in plan.average if t.nutrient == "linoleic_acid_g")
    assert linoleic.minimum is None  # not planned
    assert (linoleic.dri_minimum, linoleic.dri_minimum_kind) == (7.0, "AI")
    data = linoleic.model_dump()
    data.update(amount=4.2, dri_status="short", lower_bound=False)
    short = mealplan.NutrientTotal.model_validate(data)
    faked = plan.model_copy(
        update={
            "average": [
                short if t.nutrient == "linoleic_acid_g" else t for t in plan.average
            ]
        }
    )
    doc = parse(mealplan.render_html(faked))
    bar = next(
        a
        for t, a in doc.tags
        if t == "g" and a.get("data-nutrient") == "linoleic_acid_g"
    )
    assert bar["data-status"] == "short"
    assert bar["data-planned"] == "false"
    assert float(bar["data-percent"] or "nan") == pytest.approx(60.0, abs=0.06)
    text = " ".join(doc.text)
    assert "7.00 g (AI, not planned)" in text
    assert "short (not planned)" in text
