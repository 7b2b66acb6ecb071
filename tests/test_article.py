"""Every food the source article names is in the table, tagged with its sections."""

from __future__ import annotations

from pathlib import Path

import pytest

import mealplan
from mealplan import FoodTable
from tests.checks import cell_tags

ARTICLE = (
    Path(__file__).resolve().parents[2] / "shared" / "seed" / "000_b708db64f3d38f1d.txt"
)
SECTIONS = {
    "key_points",
    "comparison_table",
    "dietary_adjustments",
    "foods_high_magnesium",
    "foods_high_calcium",
    "foods_vitamin_d",
    "faq",
}
# Every food or food category the article names, read off the article by hand.
NAMED = [
    "spinach", "pumpkin seeds", "almonds", "dark chocolate", "bananas", "dairy products",
    "fortified plant-based milks", "tofu", "sardines", "broccoli", "kale", "swiss chard",
    "cashews", "black beans", "lentils", "soybeans", "brown rice", "oatmeal",
    "dried apricots", "milk", "cheese", "yogurt", "soy milk", "oat milk", "cabbage",
    "pilchards", "salmon", "mackerel", "breakfast cereals", "orange juice", "egg yolks",
    "meat", "fish", "eggs", "leafy greens", "nuts", "seeds", "legumes", "whole grains",
    "fatty fish",
]  # fmt: skip


@pytest.fixture(scope="module")
def foods() -> FoodTable:
    return mealplan.load_foods()


def test_every_mention_maps_to_a_food_or_says_why_not(foods: FoodTable) -> None:
    table = foods.mentions_table
    assert set(table["section"]) <= SECTIONS
    for row in table.to_dict("records"):
        ids = [f for f in str(row["food_ids"] or "").split(";") if f and f != "nan"]
        if row["kind"] in ("food", "category"):
            assert ids, row["mention_id"]
            assert all(f in foods for f in ids), row["mention_id"]
        else:
            assert row["kind"] in ("not_food", "no_sr28_record"), row["mention_id"]
            assert not ids, row["mention_id"]
        if row["kind"] == "no_sr28_record":
            # Never a silent stand-in: the note says what to choose instead.
            assert str(row["note"]).strip(), row["mention_id"]


def test_every_named_food_has_a_mention(foods: FoodTable) -> None:
    words = [str(w).lower() for w in foods.mentions_table["words"]]
    missing = [name for name in NAMED if not any(name in w for w in words)]
    assert not missing


def test_sections_column_is_the_union_of_mentions(foods: FoodTable) -> None:
    expected: dict[str, set[str]] = {}
    for row in foods.mentions_table.to_dict("records"):
        for fid in [
            f for f in str(row["food_ids"] or "").split(";") if f and f != "nan"
        ]:
            expected.setdefault(fid, set()).add(row["section"])
    # The single foods; a dish cites the article through its ingredients
    # (test_dishes.test_dishes_cite_the_article_through_ingredients).
    for fid in foods.ids:
        if foods.food(fid).fndds_code:
            continue
        assert set(cell_tags(foods.frame, fid, "article_sections")) == expected.get(
            fid, set()
        ), fid


def test_mention_words_are_the_articles_own() -> None:
    if not ARTICLE.is_file():
        pytest.skip("needs ../shared/seed (absent on users' machines)")
    text = " ".join(ARTICLE.read_text(encoding="utf-8").split()).lower()
    for row in mealplan.load_foods().mentions_table.to_dict("records"):
        assert " ".join(str(row["words"]).split()).lower() in text, row["mention_id"]
