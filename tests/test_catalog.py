"""FoodTable / load_foods: bundled table, caller tables, validation, look-ups."""

from __future__ import annotations

import math
import re
import time
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mealplan._catalog import Food, FoodTable, load_foods
from mealplan._errors import FoodTableError, UnknownFoodError
from mealplan._nutrients import Allergen, Nutrient
from tests.checks import cell_float, cell_tags, cell_text
from tests.strategies import BAD_CELLS, invalid_tables, valid_tables

NUTRIENTS = [n.value for n in Nutrient]


@pytest.fixture(scope="module")
def bundled() -> FoodTable:
    return load_foods()


def test_bundled_loads_with_contract_types(bundled: FoodTable) -> None:
    frame = bundled.frame
    assert bundled.source == "bundled"
    assert len(bundled) == len(bundled.ids) > 0
    assert frame.index.name == "id"
    for col in [*NUTRIENTS, "max_portions", "price_per_100g"]:
        assert frame[col].dtype == "float64", col
    for col in ("vegan", "vegetarian", "pescatarian"):
        assert frame[col].dtype == bool
    for col in ("allergens", "fortified", "meal_slots", "article_sections"):
        assert all(isinstance(v, tuple) for v in frame[col])
    assert set(bundled.nutrients) == set(NUTRIENTS)
    assert list(bundled.portions.columns) == [
        "food_id",
        "seq",
        "amount",
        "description",
        "grams",
        "is_default",
    ]
    # every food has exactly one default portion
    counts = bundled.portions.groupby("food_id")["is_default"].sum()
    assert set(counts.index) == set(bundled.ids)
    assert (counts == 1).all()


def test_bundled_load_is_fast() -> None:
    load_foods()
    start = time.perf_counter()
    load_foods()
    assert time.perf_counter() - start < 0.5  # target 150 ms; slack for CI noise


def test_food_model_and_lookups(bundled: FoodTable) -> None:
    fid = bundled.ids[0]
    food = bundled.food(fid)
    assert isinstance(food, Food)
    assert food.id == fid
    desc, grams = bundled.default_portion(fid)
    assert grams > 0
    assert desc
    assert fid in bundled
    assert "no-such-food" not in bundled
    with pytest.raises(UnknownFoodError, match="did you mean"):
        bundled.food(fid + "x")
    with pytest.raises(UnknownFoodError):
        bundled.default_portion("no-such-food")


def test_mentions_map_back(bundled: FoodTable) -> None:
    table = bundled.mentions_table
    for rec in table.to_dict("records"):
        for fid in [f for f in str(rec["food_ids"]).split(";") if f]:
            words = [m.words for m in bundled.mentions(fid)]
            assert rec["words"] in words
            assert rec["section"] in bundled.food(fid).article_sections


def test_allowed_filters(bundled: FoodTable) -> None:
    frame = bundled.frame
    vegan = bundled.allowed(diet="vegan")
    assert all(frame.at[f, "vegan"] for f in vegan)
    no_peanut = bundled.allowed(allergies=[Allergen.PEANUTS, "milk"])
    assert all(
        "peanuts" not in cell_tags(frame, f, "allergens")
        and "milk" not in cell_tags(frame, f, "allergens")
        for f in no_peanut
    )
    unfortified = bundled.allowed(allow_fortified=False)
    assert all(not frame.at[f, "fortified"] for f in unfortified)
    assert not [
        f
        for f in unfortified
        if re.search(r"(?<!un)\bfortified", str(frame.at[f, "name"]))
    ]
    fid = bundled.ids[0]
    assert fid not in bundled.allowed(exclude=[fid.upper()])
    group = str(frame.at[fid, "food_group"])
    assert not set(bundled.allowed(exclude=[group.lower()])) & set(
        frame.index[frame["food_group"] == group]
    )


def test_search_requires_every_word(bundled: FoodTable) -> None:
    hits = bundled.search("milk")
    assert hits
    for fid in bundled.search(["milk", "whole"]):
        text = (
            cell_text(bundled.frame, fid, "name")
            + " "
            + cell_text(bundled.frame, fid, "sr28_description")
        )
        assert "milk" in text.lower()
        assert "whole" in text.lower()
    assert bundled.search("zzzzqqq") == []


def test_minimal_caller_table_gets_safe_defaults(tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text(
        "id,name,iron_mg\nlentils,Lentils,3.3\nkale,Kale,\n", encoding="utf-8"
    )
    table = load_foods(path, extra_nutrients={"iron_mg": "mg"})
    assert table.source == str(path)
    assert table.nutrients["iron_mg"] == "mg"
    assert table.frame.at["lentils", "iron_mg"] == 3.3
    assert math.isnan(cell_float(table.frame, "kale", "iron_mg"))
    assert math.isnan(cell_float(table.frame, "kale", "calcium_mg"))
    # no allergens column: every food may contain every allergen
    assert table.allowed(allergies=["sesame"]) == []
    assert table.allowed(diet="vegetarian") == []
    assert table.default_portion("kale") == ("100 g", 100.0)
    assert table.frame.at["kale", "meal_slots"] == (
        "breakfast",
        "dinner",
        "lunch",
        "snack",
    )


@pytest.mark.parametrize(
    ("content", "row", "column"),
    [
        ("id,name,calcium_mg\na,A,-3\n", 1, "calcium_mg"),
        ("id,name,calcium_mg\na,A,1\nb,B,abc\n", 2, "calcium_mg"),
        ("id,name\na,A\na,B\n", 2, "id"),
        ("id,name\n,A\n", 1, "id"),
        ("id,name,ndb_no\na,A,1077\n", 1, "ndb_no"),
        ("id,name,allergens\na,A,gluten\n", 1, "allergens"),
        ("id,name,meal_slots\na,A,brunch\n", 1, "meal_slots"),
        ("id,name,vegan\na,A,maybe\n", 1, "vegan"),
        ("id,name,price_per_100g\na,A,-1\n", 1, "price_per_100g"),
        ("id,name,boron_mg\na,A,1\n", None, "boron_mg"),
        ("id,calcium_mg\na,1\n", None, "name"),
        ("name\nA\n", None, "id"),
        ("id,name\n", None, None),
    ],
)
def test_bad_tables_name_row_and_column(
    tmp_path: Path, content: str, row: int | None, column: str | None
) -> None:
    path = tmp_path / "foods.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FoodTableError) as info:
        load_foods(path)
    assert info.value.row == row
    assert info.value.column == column
    assert info.value.path == str(path)
    assert str(info.value).endswith((".", "?"))
    assert "\n" not in str(info.value)


def test_file_problems(tmp_path: Path) -> None:
    with pytest.raises(FoodTableError, match="not found"):
        load_foods(tmp_path / "absent.csv")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("id,name\na,Cr\xe8me\n".encode("latin-1"))
    with pytest.raises(FoodTableError, match="UTF-8"):
        load_foods(latin)
    broken = tmp_path / "broken.csv"
    broken.write_text('id,name\na,"unterminated\n', encoding="utf-8")
    with pytest.raises(FoodTableError):
        load_foods(broken)


# 50 drawn tables (not Hypothesis's default 100): about 9 s of the suite
# at 100, which must stay under 8 minutes on 2 busy cores.
@settings(max_examples=50)
@given(valid_tables())
def test_random_valid_tables_load_and_round_trip(table: pd.DataFrame) -> None:
    loaded = FoodTable.from_dataframe(table)
    assert loaded.ids == list(table["id"])
    again = FoodTable.from_dataframe(loaded.frame.reset_index())
    pd.testing.assert_frame_equal(loaded.frame, again.frame)
    for col in [c for c in table.columns if c in NUTRIENTS]:
        for fid, value in zip(table["id"], table[col], strict=True):
            got = cell_float(loaded.frame, fid, col)
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert math.isnan(got)
            else:
                assert got == pytest.approx(value)


@settings(max_examples=50)  # as above: 6 s of the suite at 100
@given(invalid_tables())
def test_random_invalid_tables_raise_food_table_error(
    case: tuple[pd.DataFrame, str | None],
) -> None:
    table, column = case
    with pytest.raises(FoodTableError) as info:
        FoodTable.from_dataframe(table)
    assert info.value.column == column


@given(st.sampled_from(BAD_CELLS))
def test_bad_cells_report_row(cell: tuple[str, object]) -> None:
    column, value = cell
    table = pd.DataFrame({"id": ["a", "b"], "name": ["A", "B"]})
    table[column] = pd.Series(
        ["00001" if column == "ndb_no" else None, value], dtype=object
    )
    if column == "id":
        table["id"] = ["a", ""]
    with pytest.raises(FoodTableError) as info:
        FoodTable.from_dataframe(table)
    assert (info.value.row, info.value.column) == (2, column)


@pytest.mark.shared
def test_from_sr28_whole_release(sr28_foods: FoodTable) -> None:
    table = sr28_foods
    assert len(table) == 8789
    assert "sr28-01077" in table
    assert table.frame.at["sr28-11457", "magnesium_mg"] == 79.0
    assert math.isnan(cell_float(table.frame, "sr28-19904", "vitamin_d_ug"))
    counts = table.portions.groupby("food_id")["is_default"].sum()
    assert (counts == 1).all()
    assert len(counts) == 8789


def test_an_sr28_mark_on_nothing_added_is_not_fortified(bundled: FoodTable) -> None:
    """SR28 marks vitamin B-12 'added' at 0.00 on unfortified rolled oats.

    Nothing was added, so it is no fortification: a request without
    fortified foods keeps the oats (it lost them before). A mark on a real
    amount, or a blank, still counts only when the amount is above zero.
    """
    from mealplan._sr28 import SR28, fortified_marks

    nut_data = pd.DataFrame(
        {
            "ndb_no": ["08120", "01077", "01077", "09999"],
            "nutr_no": ["578", "324", "578", "578"],
            "nutr_val": ["0.00", "51", "", "0.5"],
            "add_nutr_mark": ["Y", "Y", "Y", "N"],
        }
    )
    nutr_def = pd.DataFrame(
        {"tagname": ["VITD", ""], "nutr_desc": ["Vitamin D", "Vitamin B-12, added"]},
        index=pd.Index(["324", "578"], name="nutr_no"),
    )
    sr28 = SR28(Path("."), pd.DataFrame(), nut_data, nutr_def, pd.DataFrame())
    marks = fortified_marks(sr28)
    assert dict(marks) == {"01077": ("vitamin_d_ug",)}
    oats = "oats-rolled-dry"
    assert not bundled.frame.at[oats, "fortified"]
    assert oats in bundled.allowed(allow_fortified=False)


@pytest.mark.parametrize(
    ("typed", "word"),
    [("salmn", "salmon"), ("brocoli", "broccoli"), ("spinich", "spinach")],
)
def test_a_misspelt_food_suggests_foods_of_the_word_meant(
    bundled: FoodTable, typed: str, word: str
) -> None:
    """'salmn' suggested 'salt', 'almonds' and 'salsa' (close as whole ids)."""
    with pytest.raises(UnknownFoodError) as caught:
        bundled.food(typed)
    suggested = re.findall(r"'([a-z0-9-]+)'", str(caught.value).split(";")[1])
    assert suggested
    assert all(word in s for s in suggested), suggested


def test_an_unlike_entry_suggests_nothing_but_the_search(bundled: FoodTable) -> None:
    with pytest.raises(UnknownFoodError, match=r"use FoodTable\.search\(\)"):
        bundled.food("xyzzy")


@given(data=st.data())
def test_an_id_missing_one_letter_is_suggested(
    bundled: FoodTable, data: st.DataObject
) -> None:
    """One letter dropped from a bundled id: that id is among the suggestions."""
    ids = [f for f in bundled.ids if len(f) >= 8]
    fid = data.draw(st.sampled_from(ids))
    k = data.draw(st.integers(1, len(fid) - 2))
    typo = fid[:k] + fid[k + 1 :]
    if typo in bundled:
        return  # dropping a letter made another id (none known, but safe)
    with pytest.raises(UnknownFoodError) as caught:
        bundled.food(typo)
    assert repr(fid) in str(caught.value), (typo, str(caught.value))
