"""Absorbable calcium (Weaver, Proulx & Heaney 1999) and vitamin D forms."""

from __future__ import annotations

import pytest

import mealplan
from mealplan._absorption import DEFAULT_FRACTION, calcium_fraction, vitamin_d_form
from mealplan._catalog import load_foods
from mealplan._report import render_text


@pytest.mark.parametrize(
    ("food", "fraction"),
    [
        ("milk-whole", 0.321),
        ("spinach-cooked", 0.051),
        ("kale-cooked", 0.493),
        ("broccoli-cooked", 0.613),
        ("bok-choy-cooked", 0.538),
        ("pinto-beans-cooked", 0.267),
        ("white-beans-cooked", 0.218),
        ("tofu-firm-calcium", 0.310),
        ("almonds", 0.212),
        ("banana", DEFAULT_FRACTION),
    ],
)
def test_published_fractions(food: str, fraction: float) -> None:
    assert calcium_fraction(load_foods(), food)[0] == pytest.approx(fraction)


@pytest.mark.parametrize(
    ("food", "form"),
    [
        ("mushrooms-uv-white-raw", "D2"),
        ("salmon-sockeye-cooked", "D3"),
        ("egg-hard-boiled", "D3"),
        ("soy-milk-fortified", "D2 or D3"),
        ("banana", None),
    ],
)
def test_vitamin_d_forms(food: str, form: str | None) -> None:
    assert vitamin_d_form(load_foods(), food) == form


def test_report_shows_both_calcium_totals_when_asked() -> None:
    foods = load_foods()
    request = {"person": {"age": 40, "sex": "female"}, "time_limit": 5}
    plain = mealplan.plan(request, foods)
    assert "Absorbable calcium" not in render_text(plain, foods)
    asked = mealplan.plan({**request, "absorbable_calcium": True}, foods)
    text = render_text(asked, foods)
    assert "Absorbable calcium: about" in text
    assert "Weaver, Proulx & Heaney" in text
