"""The plan's medical note by life stage (the dietitian review of session 34).

A child's plan names the paediatrician or a paediatric dietitian, a pregnant
or breastfeeding woman's the doctor or midwife, and every note says it is
information, not medical advice, and when twitching needs a doctor.
"""

from __future__ import annotations

import html
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import mealplan
from mealplan._life_stage_advice import disclaimer_for
from mealplan._models import DISCLAIMER, Person
from mealplan._report_parts import DOCTOR_ADVICE
from tests.checks import check_plan
from tests.requesting import plan_off_the_clock
from tests.strategies import persons


@settings(max_examples=60, deadline=None)
@given(person=persons(st.floats(1, 100)))
def test_every_life_stage_has_its_own_medical_note(person: dict[str, Any]) -> None:
    p = Person.model_validate(person)
    note = disclaimer_for(p)
    assert note.startswith("This plan is information, not medical advice.")
    assert "more than two weeks" in note
    maternal = bool(person.get("pregnancy") or person.get("lactation"))
    if maternal:
        assert "midwife" in note
        assert "paediatric" not in note
    elif person["age"] < 19:
        assert "paediatrician" in note
        assert "midwife" not in note
    else:
        assert note == DISCLAIMER


def test_explicit_targets_keep_the_general_note() -> None:
    assert disclaimer_for(None) == DISCLAIMER


def test_a_toddlers_plan_and_its_reports_carry_the_childs_note() -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock({"person": {"age": 1, "sex": "female"}}, table)
    check_plan(plan, table)
    assert "paediatrician" in plan.disclaimer
    assert plan.disclaimer != DISCLAIMER
    text = mealplan.render_text(plan)
    assert plan.disclaimer in text
    assert DISCLAIMER not in text
    assert text.rstrip().endswith(DOCTOR_ADVICE)  # the article's, as an extra
    assert plan.disclaimer in mealplan.render_markdown(plan).replace("\n", " ")
    assert html.escape(plan.disclaimer) in mealplan.render_html(plan)
    data = json.loads(mealplan.render_json(plan))
    assert data["disclaimer"] == plan.disclaimer
    assert mealplan.MealPlan.model_validate(data) == plan
