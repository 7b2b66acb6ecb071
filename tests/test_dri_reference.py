"""Every total carries the person's DRIs, planned or not (mealplan._dri_reference)."""

from __future__ import annotations

import mealplan
from mealplan._dri_reference import dri_references
from mealplan._models import BoundKind, Person
from tests.checks import check_saved_without
from tests.requesting import plan_off_the_clock

DRI_FIELDS = ("dri_minimum", "dri_minimum_kind", "dri_maximum", "dri_status")


def test_no_person_no_reference() -> None:
    assert dri_references(None) == {}


def test_a_toddlers_ais_are_references_though_not_planned() -> None:
    # Ages 1-3: the AIs are reported, not planned; their DRI is the reference.
    refs = dri_references(Person(age=2, sex="female"))
    assert refs["linoleic_acid_g"].minimum == 7.0
    assert refs["linoleic_acid_g"].minimum_kind is BoundKind.AI
    assert refs["sodium_mg"].minimum == 800.0  # the AI, not the CDRR
    assert refs["sodium_mg"].maximum is None
    assert refs["retinol_ug"].maximum == 600.0  # vitamin A's UL caps retinol
    assert refs["retinol_ug"].minimum is None
    assert "magnesium_mg" in refs  # its UL is on supplements, not food
    assert refs["magnesium_mg"].maximum is None
    assert "energy_kcal" not in refs  # an energy range is no DRI reference


def test_a_plan_saved_before_the_dri_fields_still_regenerates() -> None:
    # Totals saved before session 40 carry none of the DRI fields; the saved
    # plan's check compares the rest, and an edit is still caught.
    table = mealplan.load_foods()
    plan = plan_off_the_clock({"person": {"age": 35, "sex": "female"}}, table)
    check_saved_without(plan, table, DRI_FIELDS)
