"""Pregnancy and lactation plans say the supplement advice a food plan cannot show.

Folic acid (USPSTF 2023: 400-800 µg a day in pregnancy) and iodine (ATA
2017: 150 µg a day in pregnancy and lactation) are advised as supplements
whatever the diet; SR28 does not measure iodine, so a plan that stayed
silent would look complete when it is not.
"""

from __future__ import annotations

import pytest

import mealplan
from mealplan import PanelMode, Person, Sex
from mealplan._planner import resolve_targets


def _notes(person: Person, panel: PanelMode = PanelMode.AUTO) -> list[str]:
    return list(mealplan.targets_for(person, panel=panel).notes)


def _advice(notes: list[str]) -> list[str]:
    return [n for n in notes if "prenatal vitamin" in n]


def test_pregnancy_names_folic_acid_and_iodine() -> None:
    (note,) = _advice(_notes(Person(age=30, sex=Sex.FEMALE, pregnancy=True)))
    assert note.startswith("pregnancy: ")
    assert "400-800 µg of folic acid" in note
    assert "150 µg of iodine" in note
    assert "not medical advice" in note


def test_lactation_names_iodine_only() -> None:
    (note,) = _advice(_notes(Person(age=30, sex=Sex.FEMALE, lactation=True)))
    assert note.startswith("lactation: ")
    assert "150 µg of iodine" in note
    assert "folic acid" not in note


@pytest.mark.parametrize(
    "person",
    [
        Person(age=30, sex=Sex.FEMALE),
        Person(age=30, sex=Sex.MALE),
        Person(age=3, sex=Sex.FEMALE),
    ],
)
def test_nobody_else_gets_it(person: Person) -> None:
    assert _advice(_notes(person)) == []


def test_unmeasured_nutrients_use_micrograms() -> None:
    notes = _notes(Person(age=30, sex=Sex.FEMALE))
    (unmeasured,) = [n for n in notes if n.startswith("not planned, no USDA data")]
    assert "iodine (RDA 150 µg/day)" in unmeasured
    assert " ug/" not in unmeasured


def test_a_pregnant_plan_carries_the_note() -> None:
    plan = mealplan.plan(
        {
            "person": {"age": 28, "sex": "female", "pregnancy": True},
            "mip_gap": 1.0,
            "time_limit": 120,
        }
    )
    assert _advice(list(plan.notes))
    assert "prenatal vitamin" in mealplan.render_text(plan)


@pytest.mark.parametrize(("age", "said"), [(50, False), (50.5, True), (80, True)])
def test_over_50_the_b12_advice_is_said(age: float, said: bool) -> None:
    notes = _notes(Person(age=age, sex=Sex.MALE))
    found = [n for n in notes if n.startswith("over 50: ")]
    assert bool(found) is said
    if found:
        assert "fortified foods or a supplement" in found[0]
        assert "IOM" in found[0]


def _total(
    nutrient: str, amount: float, maximum: float | None
) -> mealplan.NutrientTotal:
    return mealplan.NutrientTotal(
        nutrient=nutrient,
        unit="mg",
        amount=amount,
        minimum=None,
        maximum=maximum,
        status="met",
        percent_of_minimum=None,
        lower_bound=False,
    )


def test_iron_and_zinc_near_their_uls_are_said_in_pregnancy() -> None:
    from mealplan._life_stage_advice import SUPPLEMENT_UL_SHARE, supplement_room_note

    pregnant = Person(age=29, sex=Sex.FEMALE, pregnancy=True)
    days = [
        [_total("iron_mg", 41.4, 45.0), _total("zinc_mg", 12.0, 40.0)],
        [_total("iron_mg", 30.0, 45.0), _total("zinc_mg", 35.2, 40.0)],
    ]
    (note,) = supplement_room_note(pregnant, days)
    assert "iron up to 41.4 mg a day (UL 45 mg)" in note
    assert "zinc up to 35.2 mg a day (UL 40 mg)" in note
    low = [[_total("iron_mg", 45.0 * SUPPLEMENT_UL_SHARE - 0.1, 45.0)]]
    assert supplement_room_note(pregnant, low) == []
    assert supplement_room_note(Person(age=29, sex=Sex.FEMALE), days) == []
    assert supplement_room_note(None, days) == []


@pytest.mark.parametrize(
    ("data", "said", "pregnancy_words"),
    [
        ({"person": {"age": 35, "sex": "female"}, "diet": "vegan"}, True, False),
        (
            {
                "person": {"age": 30, "sex": "female", "pregnancy": True},
                "diet": "vegan",
            },
            True,
            True,
        ),
        ({"person": {"age": 35, "sex": "female"}, "diet": "vegetarian"}, False, False),
        ({"person": {"age": 8, "sex": "male"}}, False, False),
    ],
)
def test_a_vegan_plan_says_b12_iodine_and_dha(
    data: dict[str, object], said: bool, pregnancy_words: bool
) -> None:
    req = mealplan.parse_request(data)
    notes = resolve_targets(req, mealplan.load_foods()).notes
    found = [n for n in notes if n.startswith("A vegan diet needs")]
    assert bool(found) is said
    if found:
        (note,) = found
        for word in ("vitamin B12", "iodine", "DHA", "Academy of Nutrition"):
            assert word in note
        assert ("pregnancy and lactation" in note) is pregnancy_words
