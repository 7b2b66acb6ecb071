"""render_html, MealPlan._repr_html_ and ``mealplan plan --format html``."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

import mealplan
from mealplan._cli import main


@pytest.fixture(scope="module")
def day() -> mealplan.MealPlan:
    return mealplan.plan({"person": {"age": 35, "sex": "female"}})


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Collect:
    p = _Collect()
    p.feed(html)
    p.close()
    return p


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
        reference = total.minimum or total.maximum
        if reference:
            expected[total.nutrient] = total.amount / reference * 100
    assert set(bars) == set(expected)
    for nutrient, percent in expected.items():
        assert bars[nutrient] == pytest.approx(percent, abs=0.06)
    uls = [a for t, a in doc.tags if t == "line" and a.get("class") == "mp-ul"]
    with_limit = [
        t for t in day.average if t.minimum and t.maximum is not None
    ]  # calcium and vitamin D (ULs), energy (the EER range)
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
