"""A caller's own children's caps table (pint style), in place of the bundled one.

``mealplan.load_life_stage_caps(path)`` reads a CSV with the columns of
``foods/life_stage_caps.csv``; :meth:`FoodTable.using_life_stage_caps` plans
with it (CLI: ``--life-stage-caps-file``). A malformed table is a
:class:`FoodTableError` of one sentence, never a traceback.
"""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

import mealplan
from mealplan import FoodTableError
from mealplan._catalog import load_foods
from mealplan._cli import main
from mealplan._life_stage_caps import LIFE_STAGE_CAP_COLUMNS
from mealplan._planner import parse_request, resolve_targets
from mealplan._problem import build_problem
from tests.checks import (
    cap_amount,
    cap_selects,
    check_plan,
    dish_juice_cups,
    table_cap_rows,
)
from tests.requesting import plan_off_the_clock

HEADER = ",".join(LIFE_STAGE_CAP_COLUMNS)
# One cap, tighter than the bundled 16 fl oz: 1 cup of milk a day at ages 1-3.
MILK_CUP = (
    "my_milk_day,1,4,day,base:milk|goat-milk;role:plant_milk,8,fl_oz,244,"
    "my paediatrician,one cup of milk a day\n"
)
TODDLER = {"person": {"age": 2, "sex": "female"}, "diet": "vegetarian"}


def _caps(tmp_path: Path, body: str, name: str = "caps.csv") -> Path:
    path = tmp_path / name
    path.write_text(f"{HEADER}\n{body}", encoding="utf-8")
    return path


def test_a_callers_caps_replace_the_bundled_ones(tmp_path: Path) -> None:
    foods = load_foods()
    mine = foods.using_life_stage_caps(
        mealplan.load_life_stage_caps(_caps(tmp_path, MILK_CUP))
    )
    assert foods.life_stage_caps is None  # the bundled table is unchanged
    req = parse_request(TODDLER)
    bundled = build_problem(req, resolve_targets(req, foods), foods)
    own = build_problem(req, resolve_targets(req, mine), mine)
    assert {r.cap_id for r in bundled.day_caps} >= {
        "toddler_milk_day",
        "toddler_juice_day",
    }
    assert [(r.cap_id, r.limit) for r in own.day_caps] == [("my_milk_day", 8.0)]
    # The caller's table has no pattern row: the toddler's protein ceiling is gone.
    assert bundled.pattern["protein"] == 0.5
    assert own.pattern["protein"] > 0.5
    # Tables derived from the caller's keep its caps (a worker gets a pickle).
    assert mine.subset(mine.ids[:50]).life_stage_caps == mine.life_stage_caps
    assert pickle.loads(pickle.dumps(mine)).life_stage_caps == mine.life_stage_caps
    assert mine.using_supplements(None).life_stage_caps == mine.life_stage_caps
    assert mine.using_life_stage_caps(None).life_stage_caps is None


def test_a_plan_keeps_the_callers_caps(tmp_path: Path) -> None:
    foods = load_foods().using_life_stage_caps(
        mealplan.load_life_stage_caps(_caps(tmp_path, MILK_CUP))
    )
    plan = plan_off_the_clock(TODDLER, foods)
    check_plan(plan, foods)  # recomputes the caller's caps from its rows
    (row,) = table_cap_rows(foods)
    milk = [
        cap_amount(row, i, foods)
        for d in plan.days
        for i in d.items
        if cap_selects(row, i.food_id, foods)
    ]
    assert sum(milk) <= 8 * (1 + 1e-6)
    assert any(
        "caller's caps table" in n and "my_milk_day 8 fl oz" in n for n in plan.notes
    )


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ("", "no rows"),
        ("x,1,4,item,colour:red,1,cup,,src,r\n", "selector"),
        (
            "x,1,4,month,category:fruits,1,cup,,src,r\n",
            "scope must be item, day or week",
        ),
        ("x,1,4,item,category:fruits,1,pint,,src,r\n", "unit"),
        ("x,4,1,item,category:fruits,1,cup,,src,r\n", "min_age must be below max_age"),
        ("x,1,4,item,category:fruits,0,cup,,src,r\n", "above 0"),
        ("x,1,4,item,category:fruits,-1,cup,,src,r\n", "amount must be a number >= 0"),
        ("x,1,4,item,category:fruits,lots,cup,,src,r\n", "amount must be a number"),
        ("x,1,4,item,category:fruits,1,cup,,,r\n", "source"),
        ("x,1,4,pattern,pattern:sweets,1,servings,,src,r\n", "pattern group"),
        (
            "x,1,4,item,category:fruits,1,cup,,src,r\nx,1,4,day,id:a,1,cup,,src,r\n",
            "cap_id",
        ),
        ("x,1,4,item,category:fruits,1,cup\n", "fields"),
        ("x,1,4,day,!word:juice,4,fl_oz,,src,r\n", "a part that picks foods"),
        ("x,1,4,day,word:juice|,4,fl_oz,,src,r\n", "selector"),
    ],
)
def test_a_bad_caps_table_is_a_typed_error(
    tmp_path: Path, body: str, words: str
) -> None:
    with pytest.raises(FoodTableError, match=words) as info:
        mealplan.load_life_stage_caps(_caps(tmp_path, body))
    message = str(info.value)
    assert "caps.csv" in message, message
    assert ". " not in message, message  # one sentence


def test_a_file_that_is_not_a_caps_table(tmp_path: Path) -> None:
    with pytest.raises(FoodTableError, match="was not found"):
        mealplan.load_life_stage_caps(tmp_path / "missing.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match="header must be"):
        mealplan.load_life_stage_caps(wrong)
    latin = tmp_path / "latin.csv"
    latin.write_bytes(f"{HEADER}\nx,1,4,item,id:caf\xe9,1,g,,s,r\n".encode("latin-1"))
    with pytest.raises(FoodTableError, match="UTF-8"):
        mealplan.load_life_stage_caps(latin)
    foods = load_foods()
    with pytest.raises(FoodTableError, match="expected the caps"):
        foods.using_life_stage_caps("caps.csv")  # type: ignore[arg-type]
    with pytest.raises(FoodTableError, match="empty"):
        foods.using_life_stage_caps(())


def test_the_cli_flag_reads_the_callers_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _caps(tmp_path, "x,4,1,item,category:fruits,1,cup,,src,r\n")
    argv = ["plan", "--age", "2", "--sex", "female", "--life-stage-caps-file", str(bad)]
    assert main(argv) == 2
    assert "min_age must be below max_age" in capsys.readouterr().err


# ------------------------------------------------- juices of a caller's table
# The juice caps select by word, not by a list of the bundled ids, so a
# caller's juice meets them under any id.

BUNDLED_JUICES = {
    "apple-juice",
    "apple-juice-calcium",
    "carrot-juice",
    "cranberry-juice",
    "cranberry-juice-blend-calcium",
    "grape-juice",
    "grape-juice-calcium",
    "grapefruit-juice",
    "orange-juice",
    "orange-juice-calcium",
    "orange-juice-calcium-vitade",
    "orange-juice-calcium-vitd",
    "orange-juice-fresh",
    "pineapple-juice",
    "pomegranate-juice",
    "prune-juice",
    "tomato-juice",
    "vegetable-juice-low-sodium",
    "lemonade",
}


def test_the_juice_caps_pick_the_same_bundled_foods() -> None:
    # The 19 ids the rows listed before they selected by word: the bundled
    # plans are unchanged (fruit canned in juice and lemon juice stay out).
    # With the dishes, the words also select FNDDS's juice smoothie (a juice
    # drink: counted, the safe side), and ``fped:juice`` every dish with
    # juice in it by FPED (smoothies, ceviche, tabbouleh's lemon).
    dishes_table = load_foods(dishes=True)
    codes = dict(zip(dishes_table.ids, dishes_table.texts("fndds_code"), strict=True))
    in_dishes = {f for f, c in codes.items() if c in dish_juice_cups()}
    assert "fruit-smoothie-with-whole-fruit-no-dairy" in in_dishes
    for dishes, juices in (
        (False, BUNDLED_JUICES),
        (True, BUNDLED_JUICES | {"fruit-smoothie-juice-drink-no-dairy"} | in_dishes),
    ):
        table = load_foods(dishes=dishes)
        for row in table_cap_rows(table):
            if row["cap_id"].endswith("juice_day"):
                assert {f for f in table.ids if cap_selects(row, f, table)} == juices
    foods = load_foods(dishes=False)
    req = parse_request({"person": {"age": 2, "sex": "male"}})
    problem = build_problem(req, resolve_targets(req, foods), foods)
    (juice,) = [r for r in problem.day_caps if r.cap_id == "toddler_juice_day"]
    picked = {problem.food_ids[k] for k in juice.foods}
    assert picked <= BUNDLED_JUICES
    assert picked  # the candidates hold some juice


def _callers_table() -> mealplan.FoodTable:
    """Six foods of the bundled table and three drinks of a caller's naming."""
    import pandas as pd

    kept = ["oats-rolled-dry", "milk-whole", "banana", "egg-hard-boiled"]
    kept += ["lemon-juice", "peaches-canned-juice"]
    frame = load_foods().subset(kept).to_dataframe()
    drinks = pd.DataFrame(
        {
            "id": ["passion-drink", "mango-nectar-box", "tap-water-2"],
            "name": ["Passion fruit juice", "Mango nectar", "Water"],
            "category": ["drinks", "drinks", "drinks"],
            "energy_kcal": [51.0, 51.0, 0.0],
            "meal_slots": ["breakfast;snack"] * 3,
        }
    )
    frame = pd.concat([frame, drinks], ignore_index=True)
    for col in frame.columns:
        frame[col] = [";".join(v) if isinstance(v, tuple) else v for v in frame[col]]
    return mealplan.FoodTable.from_dataframe(frame)


def test_a_callers_differently_named_juice_meets_the_juice_cap() -> None:
    foods = _callers_table()
    (row,) = [r for r in table_cap_rows(foods) if r["cap_id"] == "toddler_juice_day"]
    picked = {f for f in foods.ids if cap_selects(row, f, foods)}
    assert picked == {"passion-drink", "mango-nectar-box"}
    # The model's own selection, the same: a whole-day row over both drinks.
    from mealplan._life_stage_cap_rows import day_cap_rows
    from mealplan._models import Person

    rows = day_cap_rows(
        foods, foods.ids, np.ones(len(foods.ids)), Person(age=2, sex="male")
    )
    (juice,) = [r for r in rows if r.cap_id == "toddler_juice_day"]
    assert {foods.ids[k] for k in juice.foods} == picked
    assert juice.limit == 4.0


def test_a_word_selector_reads_hyphens_as_spaces(tmp_path: Path) -> None:
    foods = _callers_table()
    caps = mealplan.load_life_stage_caps(
        _caps(tmp_path, "fruit_drink,1,4,day,word:Passion-Fruit,4,fl_oz,,src,r\n")
    )
    (row,) = table_cap_rows(foods.using_life_stage_caps(caps))
    assert {f for f in foods.ids if cap_selects(row, f, foods)} == {"passion-drink"}
    from mealplan._life_stage_cap_rows import day_cap_rows
    from mealplan._models import Person

    mine = foods.using_life_stage_caps(caps)
    (cap,) = day_cap_rows(
        mine, mine.ids, np.ones(len(mine.ids)), Person(age=2, sex="male")
    )
    assert [mine.ids[k] for k in cap.foods] == ["passion-drink"]


@pytest.mark.parametrize(
    ("diet", "named"),
    [("omnivore", True), ("pescatarian", True), ("vegan", False)],
)
def test_the_caps_note_names_only_caps_that_pick_a_candidate(
    diet: str, named: bool
) -> None:
    # A breastfeeding vegan's plan named the fish cap of pregnancy and
    # lactation, though no fish is among her foods.
    plan = mealplan.plan(
        {
            "person": {"age": 31, "sex": "female", "lactation": True},
            "diet": diet,
            "mip_gap": 1.0,
            "time_limit": 120,
        }
    )
    said = " ".join(n for n in plan.notes if n.startswith("Portion caps for"))
    assert ("pregnancy_fish_item" in said) is named


@pytest.mark.parametrize(
    ("diets", "words"),
    [("keto", "diets must be empty or"), ("vegan", "on an item row only")],
)
def test_a_bad_diets_cell_is_a_typed_error(
    tmp_path: Path, diets: str, words: str
) -> None:
    scope = "item" if diets == "keto" else "day"
    path = tmp_path / "caps.csv"
    path.write_text(
        f"{HEADER},life_stages,diets\nx,1,4,{scope},id:avocado,1,cup,,src,r,,{diets}\n",
        encoding="utf-8",
    )
    with pytest.raises(FoodTableError, match=words) as info:
        mealplan.load_life_stage_caps(path)
    assert ". " not in str(info.value)


@pytest.mark.parametrize(
    ("diet", "capped"),
    [
        ("omnivore", True),
        ("pescatarian", True),
        ("vegetarian", True),
        # A vegan child of 1-3 reaches the AMDR's fat with avocado.
        ("vegan", False),
    ],
)
def test_a_toddlers_avocado_is_three_quarters_of_a_cup_but_for_a_vegan(
    diet: str, capped: bool
) -> None:
    from mealplan._life_stage_cap_rows import item_cap_grams

    table = load_foods()
    person = parse_request({"person": {"age": 2, "sex": "male"}}).person
    assert person is not None
    [grams] = item_cap_grams(table, ["avocado"], person, mealplan.Diet(diet))
    # ¾ cup of the table's "1 cup, cubes" (150 g), read from portions.csv.
    cup = next(p.grams for p in table.food("avocado").portions if p.is_default)
    if capped:
        assert grams == pytest.approx(cup * 0.75)
    else:
        assert np.isinf(grams)
    # Without a diet the cap holds (in doubt, capped).
    [grams] = item_cap_grams(table, ["avocado"], person)
    assert grams == pytest.approx(cup * 0.75)
