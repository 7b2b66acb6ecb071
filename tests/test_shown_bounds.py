"""The text, markdown and HTML reports show a total against the same bounds.

A bound the plan was not held to (a toddler's AIs, the sodium AI without
added salt) is shown at the person's DRI, marked "not planned"; the sodium AI
that added salt reaches (from age 4, unless ``added_salt`` is false or the
request says no to salt: ``MealPlan.sodium_ai_by_salt``) is the plan's own
aim. Before, the text table showed a toddler's sodium with no
target and "met" (against its CDRR) while the panel below it called the same
total short of the AI.
"""

from __future__ import annotations

import re

import pytest

import mealplan
from mealplan._report_parts import amount as amount_text
from mealplan._report_parts import nutrient_label
from mealplan._shown_bounds import shown_bounds
from tests.html_parse import parse


@pytest.fixture(scope="module")
def toddler() -> mealplan.MealPlan:
    return mealplan.plan({"person": {"age": 2, "sex": "female"}, "mip_gap": 1.0})


def _with_sodium(
    plan: mealplan.MealPlan, amount: float, **fields: object
) -> mealplan.MealPlan:
    """The plan with its sodium total set to ``amount`` and ``fields`` (no solve)."""
    sodium = next(t for t in plan.average if t.nutrient == "sodium_mg")
    data = sodium.model_dump()
    data.update(fields)
    assert data["dri_minimum"] is not None
    data.update(
        amount=amount,
        dri_status="short" if amount < data["dri_minimum"] else "met",
        lower_bound=False,
    )
    new = mealplan.NutrientTotal.model_validate(data)
    totals = [new if t.nutrient == "sodium_mg" else t for t in plan.average]
    days = [d.model_copy(update={"totals": totals}) for d in plan.days]
    return plan.model_copy(update={"average": totals, "days": days})


def _as(plan: mealplan.MealPlan, **request: object) -> mealplan.MealPlan:
    """The plan as if asked by another request (the reports read only its fields).

    Its own ``sodium_ai_by_salt`` is dropped, as in a plan saved before that
    field: the request then says whether salt reached the sodium AI.
    """
    return plan.model_copy(
        update={
            "request": plan.request.model_copy(update=request),
            "sodium_ai_by_salt": None,
        }
    )


def _sodium_row(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip().startswith("Sodium"))


def test_a_toddlers_sodium_is_shown_against_its_ai_not_planned(
    toddler: mealplan.MealPlan,
) -> None:
    sodium = next(t for t in toddler.average if t.nutrient == "sodium_mg")
    assert sodium.minimum is None  # no salt is added for a toddler
    assert (sodium.dri_minimum, sodium.dri_minimum_kind) == (800.0, "AI")
    short = _with_sodium(toddler, 600.0)
    row = _sodium_row(mealplan.render_text(short))
    assert "800 mg (AI, not planned)" in row
    assert "1,200 mg (CDRR)" in row  # the plan's own maximum
    assert "75%" in row
    assert row.rstrip().endswith("short (not planned)")
    markdown = _sodium_row(
        "\n".join(
            line.strip("| ") for line in mealplan.render_markdown(short).splitlines()
        )
    )
    assert "800 mg (AI, not planned)" in markdown
    assert "short (not planned)" in markdown
    doc = parse(mealplan.render_html(short))
    bar = next(
        a for t, a in doc.tags if t == "g" and a.get("data-nutrient") == "sodium_mg"
    )
    assert (bar["data-status"], bar["data-planned"]) == ("short", "false")
    text = " ".join(doc.text)
    assert "800 mg (AI, not planned)" in text
    # Met: the row says so against the AI, still not planned.
    row = _sodium_row(mealplan.render_text(_with_sodium(toddler, 900.0)))
    assert "800 mg (AI, not planned)" in row
    assert row.rstrip().endswith("met")


def test_the_salted_sodium_ai_is_the_plans_own_aim(toddler: mealplan.MealPlan) -> None:
    # From age 4 salt is added to reach the AI (mealplan._salt): it is shown
    # as a target, not "not planned"; a shortfall still reads as one.
    adult = _as(toddler, person=mealplan.Person(age=35, sex="female"))
    woman = {"dri_minimum": 1500.0, "maximum": 2300.0}
    for amount, status in ((1600.0, "met"), (1400.0, "short")):
        plan = _with_sodium(adult, amount, **woman)
        row = _sodium_row(mealplan.render_text(plan))
        assert "1,500 mg (AI)" in row
        assert "not planned" not in row
        assert row.rstrip().endswith(status)
        (total,) = [t for t in plan.average if t.nutrient == "sodium_mg"]
        s = shown_bounds(plan, total)
        assert (s.planned, s.minimum_planned, s.status) == (True, True, status)
        bar = next(
            a
            for t, a in parse(mealplan.render_html(plan)).tags
            if t == "g" and a.get("data-nutrient") == "sodium_mg"
        )
        assert (bar["data-status"], bar["data-planned"]) == (status, "true")
    # Told to add no salt: the AI is reported, not planned, again.
    unsalted = _with_sodium(_as(adult, added_salt=False), 1400.0, **woman)
    row = _sodium_row(mealplan.render_text(unsalted))
    assert "(AI, not planned)" in row
    assert row.rstrip().endswith("short (not planned)")
    # A plan that says salt did not reach it (the request said no to salt,
    # or the table has no salt row) is read as not planned, whatever its
    # request's added_salt; one that says it did, as the plan's own aim.
    refused = _with_sodium(adult, 1400.0, **woman).model_copy(
        update={"sodium_ai_by_salt": False}
    )
    row = _sodium_row(mealplan.render_text(refused))
    assert "(AI, not planned)" in row
    assert row.rstrip().endswith("short (not planned)")
    salted = refused.model_copy(update={"sodium_ai_by_salt": True})
    assert "not planned" not in _sodium_row(mealplan.render_text(salted))


def test_every_text_row_shows_the_bounds_the_html_shows(
    toddler: mealplan.MealPlan,
) -> None:
    # One rule for both reports (mealplan._shown_bounds): each row's target
    # is the planned minimum, else the DRI marked not planned, else none.
    text = mealplan.render_text(toddler)
    for t in toddler.average:
        s = shown_bounds(toddler, t)
        if s.minimum is None or t.nutrient == "sodium_mg":
            continue
        if t.minimum is None:
            assert not s.minimum_planned
            assert s.minimum == t.dri_minimum
        else:
            assert s.minimum_planned
            assert s.minimum == t.minimum
    assert "(AI, not planned)" in _sodium_row(text)
    # And each row of the text table says so in its target column: the
    # planned minimum with its kind, else the DRI marked not planned.
    rows = 0
    for t in toddler.average:
        label = nutrient_label(t.nutrient)
        line = next(
            (
                line
                for line in text.splitlines()
                if re.match(
                    rf"\s+{re.escape(label[:1].upper() + label[1:])}\s{{2}}", line
                )
            ),
            None,
        )
        if line is None:
            continue  # in the compact panel, not the table
        rows += 1
        bound = toddler.targets.get(t.nutrient)
        if t.minimum is not None:
            kind = bound.minimum_kind if bound is not None else None
            want = amount_text(t.minimum, t.unit) + (f" ({kind.value})" if kind else "")
            assert want in line, (want, line)
            assert "not planned" not in line.split(want)[1][:15]
        elif t.dri_minimum is not None:
            want = f"{amount_text(t.dri_minimum, t.unit)} ({t.dri_minimum_kind}, not planned)"
            assert want in line, (want, line)
    assert rows >= 20
