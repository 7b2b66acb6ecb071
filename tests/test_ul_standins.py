"""Room under upper limits for foods with no USDA value (``foods/ul_standins.csv``)."""

from __future__ import annotations

import csv
import dataclasses
import json
import math
from pathlib import Path

import pandas as pd
import pytest

import mealplan
from mealplan._ul_standins import (
    BASES,
    STANDINS_COLUMNS,
    load_ul_standins,
    read_ul_standins,
)
from tests.checks import check_plan, check_saved_without, ul_standins, unmeasured_room
from tests.plans import PlanCache
from tests.requesting import plan_off_the_clock

FOODS = Path(__file__).resolve().parents[1] / "foods"


def _foods() -> pd.DataFrame:
    return pd.read_csv(FOODS / "foods.csv", dtype={"ndb_no": str})


def test_every_bundled_food_missing_a_covered_nutrient_has_a_standin() -> None:
    # Read apart from the library: each nutrient the file covers is covered
    # for every bundled SR28 food that has no value for it.
    foods = _foods()
    rows = ul_standins()
    covered = {n for _, n in rows}
    assert "manganese_mg" in covered
    for nutrient in covered:
        missing = foods[foods[nutrient].isna() & foods["ndb_no"].notna()]
        lacking = sorted(set(missing["ndb_no"]) - {d for d, n in rows if n == nutrient})
        assert not lacking, (nutrient, lacking)
        # ... and no row for a food the table measures (it needs none).
        measured = set(foods.loc[foods[nutrient].notna(), "ndb_no"])
        assert not {d for d, n in rows if n == nutrient} & measured, nutrient


def test_bundled_rows_are_reviewed_and_named() -> None:
    foods = _foods().set_index("ndb_no")
    for s in load_ul_standins():
        assert s.basis in BASES
        assert s.reason.endswith("."), s
        assert s.per_100g >= 0
        if s.basis == "absent":
            assert s.per_100g == 0
            assert not s.sibling_ndb
        if s.basis in ("per_100g", "per_100kcal"):
            assert s.sibling_ndb, s
            assert s.sibling, s
        if s.ndb_no in foods.index:
            assert foods.at[s.ndb_no, "name"] == s.name, s


def test_standins_are_derived_from_sr28(sr28_dir: Path) -> None:
    # The values per 100 g are SR28's, recomputed here with the csv module.
    values: dict[tuple[str, str], float] = {}
    with (sr28_dir / "NUT_DATA.txt").open(encoding="cp1252") as fh:
        for line in fh:
            f = line.split("^")
            ndb, nutr = f[0].strip("~"), f[1].strip("~")
            if nutr in {"208", "291", "315", "309", "317", "319", "320", "431"}:
                values[(ndb, nutr)] = float(f[2])
    number = {
        "fiber_g": "291",
        "manganese_mg": "315",
        "zinc_mg": "309",
        "selenium_ug": "317",
        "retinol_ug": "319",
        "folic_acid_ug": "431",
    }
    for s in load_ul_standins():
        nutr = number[s.nutrient]
        assert (s.ndb_no, nutr) not in values, (s.ndb_no, "is measured")
        if s.basis == "per_100g":
            expected = values[(s.sibling_ndb, nutr)]
        elif s.basis == "per_100kcal":
            expected = (
                values[(s.sibling_ndb, nutr)]
                / values[(s.sibling_ndb, "208")]
                * values[(s.ndb_no, "208")]
            )
        elif s.basis == "rae":
            expected = values[(s.ndb_no, "320")]
        else:
            expected = 0.0
        assert math.isclose(s.per_100g, expected, rel_tol=1e-3, abs_tol=1e-4), s


BAD_ROWS = [
    ({"ndb_no": "8145"}, "5-digit"),
    ({"nutrient": "unobtainium_mg"}, "nutrient column"),
    ({"basis": "guess"}, "basis must be"),
    ({"sibling_ndb": ""}, "needs a 5-digit sibling_ndb"),
    ({"per_100g": "-1"}, "number >= 0"),
    ({"per_100g": "nan"}, "number >= 0"),
    ({"reason": ""}, "needs a reason"),
    ({"basis": "absent", "sibling_ndb": "", "per_100g": "0.5"}, "at 0 per 100 g"),
    ({"basis": "rae"}, "takes no sibling"),
]


@pytest.mark.parametrize(("change", "words"), BAD_ROWS)
def test_a_malformed_row_is_one_clear_error(
    tmp_path: Path, change: dict[str, str], words: str
) -> None:
    row = {
        "ndb_no": "08145",
        "name": "Whole wheat hot cereal, cooked",
        "nutrient": "manganese_mg",
        "basis": "per_100g",
        "sibling_ndb": "08183",
        "sibling": "Cereals, whole wheat hot natural cereal, cooked with salt",
        "per_100g": "0.583",
        "reason": "The same cereal cooked with salt.",
        **change,
    }
    path = tmp_path / "standins.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(row))
        writer.writeheader()
        writer.writerow(row)
        writer.writerow(row | {"ndb_no": "08146"})
    with pytest.raises(mealplan.FoodTableError) as info:
        read_ul_standins(path)
    assert words in str(info.value)
    assert info.value.row == 1


def test_a_repeated_pair_and_a_missing_column_are_errors(tmp_path: Path) -> None:
    path = tmp_path / "standins.csv"
    path.write_text(
        "ndb_no,name,nutrient,basis,sibling_ndb,sibling,per_100g,reason\n"
        + "08145,x,manganese_mg,absent,,,0,Why.\n" * 2,
        encoding="utf-8",
    )
    with pytest.raises(mealplan.FoodTableError, match="given twice"):
        read_ul_standins(path)
    path.write_text("ndb_no,name\n08145,x\n", encoding="utf-8")
    with pytest.raises(mealplan.FoodTableError, match="missing: nutrient"):
        read_ul_standins(path)


CEREAL = "wheat-hot-cereal-cooked"
SOY_MILK = "soy-milk-unsweetened-fortified"


def _child(**extra: object) -> dict[str, object]:
    # A girl of 4 (manganese UL 3 mg) whose breakfast is the unmeasured
    # whole-wheat hot cereal (SR28 08145: no manganese row).
    return {
        "person": {"age": 4, "sex": "female"},
        "include": [CEREAL],
        **extra,
    }


def test_a_plan_keeps_room_for_an_unmeasured_food_under_its_limit() -> None:
    # Fortified soy milk (SR28 16222) has no retinol row though vitamin A is
    # added; under a toddler's 600 µg retinol UL it counts at fortified
    # chocolate soy milk's 70 µg per 100 g.
    table = mealplan.load_foods()
    assert table.food(SOY_MILK).ndb_no == "16222"
    body = {"person": {"age": 3, "sex": "male"}, "include": [SOY_MILK]}
    plan = plan_off_the_clock(body, table)
    check_plan(plan, table)  # measured + stand-ins <= every limit, recomputed
    total = plan.days[0].total("retinol_ug")
    assert total.maximum == 600.0
    assert total.lower_bound
    assert total.unmeasured_allowance is not None
    assert total.unmeasured_allowance > 0
    assert total.amount + total.unmeasured_allowance <= 600.0 + 1e-6
    grams = {i.food_id: i.grams for i in plan.days[0].items if i.kind == "food"}
    room = unmeasured_room(table.frame, grams, "retinol_ug")
    assert math.isclose(total.unmeasured_allowance, room, rel_tol=1e-6)
    words = mealplan.render_text(plan)
    assert "an estimate the plan kept within its upper limit of 600 µg" in words


def test_manganese_stand_ins_are_planned_from_age_4(plans: PlanCache) -> None:
    # A girl of 4 given the unmeasured whole-wheat hot cereal: manganese's
    # UL (3 mg) holds with the cereal at its stand-in (session 35; the
    # review of session 34 read a vegan boy of 8 at about 3.93 of 3 mg).
    table = mealplan.load_foods()
    assert table.food(CEREAL).ndb_no == "08145"
    plan = plan_off_the_clock(_child(), table, plans)
    check_plan(plan, table)  # measured + stand-ins <= the limit, recomputed
    total = plan.days[0].total("manganese_mg")
    assert total.maximum == 3.0
    assert total.lower_bound
    grams = {i.food_id: i.grams for i in plan.days[0].items if i.kind == "food"}
    room = unmeasured_room(table.frame, grams, "manganese_mg")
    assert room > 0
    assert total.unmeasured_allowance is not None
    assert math.isclose(total.unmeasured_allowance, room, rel_tol=1e-6)
    assert total.amount + room <= 3.0 + 1e-6
    words = mealplan.render_text(plan)
    assert "an estimate the plan kept within its upper limit of 3.00 mg" in words
    assert "this estimate is reported, not planned" not in words


def test_manganese_stand_ins_are_reported_not_planned_at_1_to_3() -> None:
    # At 1-3 (UL 2 mg) planning them cost the toddler days 2.25x the CPU and
    # left a vegan boy of 3 with no plan: the estimate is reported instead.
    table = mealplan.load_foods()
    plan = plan_off_the_clock(
        {"person": {"age": 3, "sex": "female"}, "include": [CEREAL]}, table
    )
    check_plan(plan, table)
    total = plan.days[0].total("manganese_mg")
    assert total.maximum == 2.0
    assert total.lower_bound
    assert total.amount <= 2.0 + 1e-6  # the measured total is planned
    assert total.unmeasured_allowance is not None
    grams = {i.food_id: i.grams for i in plan.days[0].items if i.kind == "food"}
    room = unmeasured_room(table.frame, grams, "manganese_mg")
    assert math.isclose(total.unmeasured_allowance, room, rel_tol=1e-6)
    words = mealplan.render_text(plan)
    verdict = "over" if total.amount + room > 2.0 + 1e-6 else "within"
    assert f"{verdict} its upper limit of 2.00 mg" in words
    assert "this estimate is reported, not planned" in words


def test_room_for_unmeasured_false_counts_them_as_zero() -> None:
    table = mealplan.load_foods()
    plan = plan_off_the_clock(_child(room_for_unmeasured=False), table)
    check_plan(plan, table)
    total = plan.days[0].total("manganese_mg")
    assert total.unmeasured_allowance is None
    assert total.amount <= 3.0 + 1e-6


def test_the_cli_flag_turns_the_room_off(capsys: pytest.CaptureFixture[str]) -> None:
    from mealplan._cli import main

    assert mealplan.parse_request(_child()).room_for_unmeasured
    # The first plan, off the clock (tests.requesting's reasons).
    args = ["plan", "--age", "4", "--sex", "female", "--include", CEREAL]
    args += ["--time-limit", "120", "--mip-gap", "1"]
    assert main([*args, "--no-room-for-unmeasured", "--format", "json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert plan["request"]["room_for_unmeasured"] is False
    total = next(
        t for t in plan["days"][0]["totals"] if t["nutrient"] == "manganese_mg"
    )
    assert total["unmeasured_allowance"] is None


def test_a_plan_saved_before_the_allowance_was_reported_still_regenerates(
    plans: PlanCache,
) -> None:
    # Totals saved before session 34 carry no unmeasured_allowance; the
    # saved plan's check compares the rest, and the new meal keeps the room.
    table = mealplan.load_foods()
    plan = plan_off_the_clock(_child(), table, plans)
    check_saved_without(plan, table, ("unmeasured_allowance",))


def test_a_callers_standins_replace_the_bundled_ones(tmp_path: Path) -> None:
    # Pint style: the caller's table replaces the bundled one whole. Soy
    # milk's retinol at 0 (a caller who knows the brand is unfortified with
    # vitamin A): no room is kept for it.
    table = mealplan.load_foods()
    rows = [s for s in mealplan.load_ul_standins() if s.ndb_no != "16222"]
    path = tmp_path / "standins.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(STANDINS_COLUMNS))
        writer.writeheader()
        writer.writerows(dataclasses.asdict(s) for s in rows)
    own = table.using_ul_standins(mealplan.load_ul_standins(path))
    assert own.ul_standins is not None
    assert table.ul_standins is None  # the bundled table is unchanged
    assert own.subset(own.ids[:50]).ul_standins == own.ul_standins
    # A request's supplements join as rows of a new table that keeps them.
    from mealplan._supplements import with_supplements

    pills = mealplan.parse_request(
        {"person": {"age": 30, "sex": "female"}, "supplements": True}
    )
    assert with_supplements(own, pills).ul_standins == own.ul_standins
    body = {"person": {"age": 3, "sex": "male"}, "include": [SOY_MILK]}
    plan = plan_off_the_clock(body, own)
    total = plan.days[0].total("retinol_ug")
    assert "Soy milk, unsweetened, fortified" in total.foods_missing_data
    grams = {i.food_id: i.grams for i in plan.days[0].items if i.kind == "food"}
    others = sum(
        g * next(s.per_100g for s in rows if s.ndb_no == own.food(f).ndb_no
                 and s.nutrient == "retinol_ug") / 100
        for f, g in grams.items()
        if f != SOY_MILK and own.food(f).ndb_no in {s.ndb_no for s in rows
                                                    if s.nutrient == "retinol_ug"}
    )  # fmt: skip
    assert math.isclose(total.unmeasured_allowance or 0.0, others, abs_tol=1e-6)
    assert table.using_ul_standins(None).ul_standins is None


@pytest.mark.parametrize("bad", [[], ["x"], "rows"])
def test_a_bad_standins_override_is_one_clear_error(bad: object) -> None:
    table = mealplan.load_foods()
    with pytest.raises(mealplan.FoodTableError, match="using_ul_standins"):
        table.using_ul_standins(bad)  # type: ignore[arg-type]


def test_the_cli_reads_a_standins_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mealplan._cli import main

    # Every stand-in at 0: no room is kept, and 0 is reported.
    path = tmp_path / "zero.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(STANDINS_COLUMNS))
        writer.writeheader()
        for s in load_ul_standins():
            row = dataclasses.asdict(s)
            row.update(basis="absent", sibling_ndb="", sibling="", per_100g=0)
            writer.writerow(row)
    args = ["plan", "--age", "4", "--sex", "female", "--include", CEREAL]
    args += ["--time-limit", "120", "--mip-gap", "1", "--format", "json"]
    assert main([*args, "--ul-standins-file", str(path)]) == 0
    plan = json.loads(capsys.readouterr().out)
    total = next(
        t for t in plan["days"][0]["totals"] if t["nutrient"] == "manganese_mg"
    )
    assert total["lower_bound"]
    assert total["unmeasured_allowance"] == 0.0  # reviewed, at 0
    bad = tmp_path / "bad.csv"
    bad.write_text("ndb_no\n1\n", encoding="utf-8")
    assert main([*args, "--ul-standins-file", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err
    assert "Traceback" not in err


def test_a_reviewed_zero_is_an_answer_not_a_doubt() -> None:
    # UV mushrooms have no retinol row; the file says none can be there
    # (absent). A toddler's retinol near its UL read "may be higher, and over
    # its upper limit of 600 µg" (session 34's dietitian review).
    from mealplan._panel_report import missing_notes
    from mealplan._plan_models import NutrientTotal
    from mealplan._ul_standins import allowance_per_100g

    table = mealplan.load_foods()
    mushroom = next(f for f in table.ids if table.food(f).ndb_no == "11998")
    rows = table.positions([mushroom])
    zero = allowance_per_100g(table, rows, "retinol_ug")
    assert zero is not None
    assert not zero.any()
    assert allowance_per_100g(table, rows, "choline_mg") is None  # no row
    total = NutrientTotal.model_validate(
        {
            "nutrient": "retinol_ug",
            "unit": "ug",
            "amount": 590.0,
            "minimum": None,
            "maximum": 600.0,
            "status": "met",
            "percent_of_minimum": None,
            "lower_bound": True,
            "foods_missing_data": ["Mushrooms, portabella, UV-exposed, raw"],
            "unmeasured_allowance": 0.0,
        }
    )
    (note,) = missing_notes([total])
    assert "they add none" in note
    assert "over its upper limit" not in note
