"""A toddler's plan says how to serve it: cut small (AAP choking prevention).

The safety rules leave out the foods that are choking hazards whole; chunks
of meat, cheese or fruit are hazards too, and only the cook can cut them.
"""

from __future__ import annotations

import pytest

import mealplan
from mealplan._results import TODDLER_SERVING_NOTE


@pytest.mark.parametrize(
    ("age", "said"), [(1, True), (3.9, True), (4, False), (30, False)]
)
def test_the_note_is_in_every_plan_at_ages_1_to_3(age: float, said: bool) -> None:
    plan = mealplan.plan(
        {"person": {"age": age, "sex": "female"}, "mip_gap": 1.0, "time_limit": 120}
    )
    assert (TODDLER_SERVING_NOTE in plan.notes) is said
    assert ("½ inch" in mealplan.render_text(plan)) is said


def test_the_note_cites_its_source() -> None:
    assert "American Academy of Pediatrics" in TODDLER_SERVING_NOTE
    assert "cheese" in TODDLER_SERVING_NOTE
