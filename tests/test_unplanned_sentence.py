"""The summary says which unplanned minimums a plan meets anyway and which fall short.

A budget day for a boy of 7 lifted seventeen RDAs and met fifteen of them
anyway; its summary read as if all seventeen were short (session 32).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mealplan import NutrientTotal, Person, Sex
from mealplan._panel import panel_bounds
from mealplan._panel_report import short_minimums
from mealplan._report_parts import unplanned_sentence
from tests.items import nutrient_total

BOY = Person(age=7, sex=Sex.MALE)
RDA = {
    b.nutrient: b.minimum
    for b in panel_bounds(BOY, [], minimums=True)
    if b.minimum is not None
}


def test_met_and_short_are_said_apart() -> None:
    days = [[nutrient_total("iron_mg", 12.0), nutrient_total("linoleic_acid_g", 1.0)]]
    short = short_minimums(BOY, days, ["iron_mg", "linoleic_acid_g"])
    assert short == {"linoleic_acid_g"}
    sentence = unplanned_sentence(["iron_mg", "linoleic_acid_g"], short)
    assert sentence == (
        "Minimums not planned: linoleic acid (short: see below); iron (met "
        "anyway); the notes say why."
    )


def test_short_on_any_day_is_short() -> None:
    days = [[nutrient_total("iron_mg", 12.0)], [nutrient_total("iron_mg", 1.0)]]
    assert short_minimums(BOY, days, ["iron_mg"]) == {"iron_mg"}


def test_without_a_person_or_a_total_nothing_is_said_met() -> None:
    assert short_minimums(None, [[nutrient_total("iron_mg", 99.0)]], ["iron_mg"]) == {
        "iron_mg"
    }
    assert short_minimums(BOY, [[]], ["iron_mg"]) == {"iron_mg"}


@given(
    st.dictionaries(
        st.sampled_from(sorted(RDA)), st.floats(0, 1e4, allow_nan=False), min_size=1
    )
)
def test_short_is_exactly_below_the_rda(amounts: dict[str, float]) -> None:
    days = [[nutrient_total(n, a) for n, a in amounts.items()]]
    short = short_minimums(BOY, days, list(amounts))
    assert short == {n for n, a in amounts.items() if a < RDA[n]}


def test_a_caffeine_gap_in_no_caffeine_source_raises_no_limit() -> None:
    from mealplan._panel_report import missing_notes

    def gap(names: list[str]) -> NutrientTotal:
        return nutrient_total("caffeine_mg", 0.0, 400.0, missing=tuple(names))

    (note,) = missing_notes([gap(["Tempeh"])])
    assert "upper limit" not in note
    assert "none of them names a caffeine source" in note
    (note,) = missing_notes([gap(["Tempeh", "Green tea, brewed"])])
    assert "over its upper limit of 400 mg" in note


@given(st.floats(0, 2000, allow_nan=False))
def test_a_lower_bound_far_below_its_limit_is_not_called_over_it(known: float) -> None:
    from mealplan._panel_report import NEAR_LIMIT, missing_notes

    (note,) = missing_notes(
        [nutrient_total("choline_mg", known, 1000.0, missing=("Soy milk",))]
    )
    assert "the true total may be higher" in note
    assert "1,000 mg" in note
    assert ("over its upper limit" in note) is (known >= NEAR_LIMIT * 1000.0)
