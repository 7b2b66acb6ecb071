"""Sweetened and flavoured milks are charged as sweets for ages 2-18 (AHA 2017).

Read from the table's words independently of mealplan._sweet_milks: a milk
or plant milk whose name says sweetened (not unsweetened), chocolate or
vanilla. A vegan child too (unsweetened fortified soy milk is vegan since
session 33). From 19 the flavoured ones (a name that says chocolate or
strawberry), not the original-and-vanilla soy milk nor the sweetened coconut
drink (session 41). Flavoured yogurts, sweetened dried fruit and sugared
cereals are charged for everyone from 2.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from mealplan import load_foods
from mealplan._child_milks import PLANT_MILK
from mealplan._planner import parse_request
from mealplan._sweet_milks import sweet_bakery, sweet_foods, sweet_milks
from tests.treats import charges


def _sweet_by_name() -> set[str]:
    table = load_foods()
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    return {
        f
        for f, n in names.items()
        if re.search(r"milk|soy milk", n, re.I)
        and re.search(r"(?<!un)sweetened|chocolate|vanilla", n, re.I)
        and not re.search(r"^milk chocolate|\bmix\b", n, re.I)  # a candy, a drink mix
    }


def test_the_words_find_the_sweet_milks() -> None:
    table = load_foods()
    found = {
        f for f, m in zip(table.ids, sweet_milks(_teen(), table), strict=True) if m
    }
    assert _sweet_by_name() <= found
    assert {
        "milk-1pct",
        "soy-milk-unsweetened-fortified",
        "almond-milk-unsweetened",
    }.isdisjoint(found)
    assert "milk-chocolate" not in found  # a candy, charged by its category


def _teen() -> Any:
    return parse_request({"person": {"age": 15, "sex": "male"}})


@pytest.mark.parametrize(
    ("data", "charged"),
    [
        ({"person": {"age": 15, "sex": "male"}}, True),
        ({"person": {"age": 2, "sex": "female"}, "diet": "vegetarian"}, True),
        ({"person": {"age": 18.9, "sex": "female"}}, True),
        # A vegan child too: unsweetened fortified soy milk is vegan.
        ({"person": {"age": 8, "sex": "female"}, "diet": "vegan"}, True),
    ],
)
def test_who_is_charged(data: dict[str, Any], charged: bool) -> None:
    treated, candidates = charges(data)
    # Those a safety rule leaves out (chocolate milk under 5) are no candidates.
    sweet = _sweet_by_name() & candidates
    assert sweet
    assert (sweet <= treated) is charged
    if not charged:
        # From 5 the plant milks but soy are charged on their own account
        # (the Dietary Guidelines' dairy group, mealplan._child_milks).
        plant = {f for f in sweet if PLANT_MILK.search(f.replace("-", " "))}
        assert not (sweet - plant) & treated


def _flavoured_by_name() -> set[str]:
    return {f for f in _sweet_by_name() if _FLAVOURED.search(_names()[f])}


_FLAVOURED = re.compile(r"chocolate|strawberry", re.I)


def _names() -> dict[str, str]:
    table = load_foods()
    return dict(zip(table.ids, table.texts("name"), strict=True))


@pytest.mark.parametrize(
    "person",
    [
        {"age": 19, "sex": "female"},
        {"age": 35, "sex": "male"},
        {"age": 30, "sex": "female", "pregnancy": True, "trimester": 2},
        {"age": 80, "sex": "female"},
    ],
)
@pytest.mark.parametrize("diet", ["omnivore", "vegetarian", "vegan"])
def test_an_adult_is_charged_for_flavoured_milks_only(
    person: dict[str, Any], diet: str
) -> None:
    # Chocolate soy milk was 13 of load.py's 48 adult days' breakfast drink
    # (2 cups); the Dietary Guidelines ask for drinks without added sugars.
    treated, candidates = charges({"person": person, "diet": diet})
    flavoured = _flavoured_by_name() & candidates
    if diet != "vegan":  # the vegan table has no chocolate soy milk
        assert "soy-milk-chocolate-fortified" in flavoured
    assert flavoured <= treated
    # The original-and-vanilla soy milk (one SR28 record) and a sweetened
    # coconut drink stay uncharged for an adult: a vegan's plant milk.
    plain = (_sweet_by_name() - _flavoured_by_name()) & candidates
    assert "coconut-milk-beverage-fortified" in plain
    plant = {f for f in plain if PLANT_MILK.search(f.replace("-", " "))}
    # From 5 the plant milks but soy are charged on their own account (the
    # Dietary Guidelines' dairy group, mealplan._child_milks); soy milk is not.
    assert not (plain - plant) & treated, (plain - plant) & treated
    assert "soy-milk-fortified" in candidates
    assert "soy-milk-fortified" not in treated


def test_sweet_bakery_is_charged_for_everyone() -> None:
    # Independent words: a muffin (not an English one) and graham crackers.
    table = load_foods()
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    sweet = {
        f
        for f, n in names.items()
        if re.search(r"\bmuffin|graham", n, re.I) and not re.search(r"english", n, re.I)
    }
    assert sweet == {
        f for f, m in zip(table.ids, sweet_bakery(table), strict=True) if m
    }
    for data in (
        {"person": {"age": 2, "sex": "female"}},
        {"person": {"age": 35, "sex": "male"}},
    ):
        treated, candidates = charges(data)
        assert sweet & candidates
        assert sweet & candidates <= treated
        assert not {"english-muffin", "bread-white", "bagel-plain"} & treated


def _sweet_foods_by_name() -> set[str]:
    """Flavoured yogurts, sweetened dried fruit, sugared cereals: by their names."""
    table = load_foods()
    names = dict(zip(table.ids, table.texts("name"), strict=True))
    # Honey and a granola bar are sweets by their category already.
    cats = dict(zip(table.ids, table.texts("category"), strict=True))
    return {f for f, n in names.items() if cats[f] != "snacks_sweets"} & {
        f
        for f, n in names.items()
        if re.search(r"(fruit|vanilla) yogurt", n, re.I)
        or re.search(r"^dried .*\(sweetened\)", n, re.I)
        or re.search(r"^(honey|frosted)\b|^granola\b", n, re.I)
    }


@pytest.mark.parametrize(
    ("age", "charged"), [(2, True), (5, True), (14, True), (35, True), (1.5, False)]
)
def test_sweet_foods_are_charged_from_2(age: float, charged: bool) -> None:
    person = {"age": age, "sex": "male"}
    table = load_foods()
    found = {
        f
        for f, m in zip(
            table.ids,
            sweet_foods(parse_request({"person": person}), table),
            strict=True,
        )
        if m
    }
    by_name = _sweet_foods_by_name()
    assert len(by_name) >= 6
    assert found == (by_name if charged else set())
    # Plain yogurt, unsweetened dried fruit and plain cereals are not sweets.
    assert {"yogurt-plain-lowfat", "prunes", "cheerios", "honeydew"}.isdisjoint(found)
    treated, candidates = charges({"person": person})
    assert (found & candidates) <= treated
