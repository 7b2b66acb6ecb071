"""Hand price matches (foods/price_matches.csv): read from PP-NAP, never typed in."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

import mealplan
from mealplan._errors import FoodTableError
from mealplan._price_matches import HAND_MATCH, PRICE_MATCH_COLUMNS, read_price_matches
from tests.checks import cell_float, check_plan
from tests.conftest import PRICES_DIR, ROOT

MATCHES = ROOT / "foods" / "price_matches.csv"


def _matches() -> list[dict[str, str]]:
    with MATCHES.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_hand_matched_food_carries_its_code_and_says_so() -> None:
    """Checked on the committed table: no ../shared needed."""
    frame = mealplan.load_foods().frame
    rows = _matches()
    assert rows, "foods/price_matches.csv is empty"
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    for row in rows:
        food = frame.loc[row["id"]]
        assert food["ndb_no"] == row["ndb_no"], row
        assert food["price_per_100g"] > 0, row
        assert food["price_year"] == row["year"], row
        assert food["price_source"] == (
            f"USDA ERS PP-NAP {row['year']}, FNDDS food code {row['food_code']}, "
            f"{HAND_MATCH}"
        ), row
        assert row["reason"].strip(), row


@pytest.mark.shared
def test_hand_prices_are_the_pp_nap_prices(shared_dir: Path) -> None:
    """Each price equals the PP-NAP file's own record of its code and cycle."""
    with (PRICES_DIR / "pp_national_average_prices_csv.csv").open(
        encoding="cp1252", newline=""
    ) as handle:
        records = {
            (r["food_code"].strip(), r["year"].strip()): r
            for r in csv.DictReader(handle)
        }
    frame = mealplan.load_foods().frame
    for row in _matches():
        record = records[(row["food_code"], row["year"])]
        assert float(record["price_100gm"]) == pytest.approx(
            cell_float(frame, row["id"], "price_per_100g"), rel=1e-12
        ), row
        assert (
            " ".join(record["food_description"].split()) == row["fndds_description"]
        ), row


def _write(path: Path, *rows: str) -> Path:
    path.write_text(",".join(PRICE_MATCH_COLUMNS) + "\n" + "".join(rows), "utf-8")
    return path


OATMEAL = "oatmeal-cooked-water,08121,56203056,2017/2018,Oatmeal,why\n"


@pytest.mark.shared
@pytest.mark.parametrize(
    ("row", "priced", "says"),
    [
        (OATMEAL.replace("oatmeal-cooked", "oatmeal-x"), set(), "not in the selection"),
        (OATMEAL.replace("08121", "08120"), set(), "is not oatmeal-cooked-water's"),
        (OATMEAL, {"08121"}, "already has a price"),
        (OATMEAL.replace("56203056", "99999999"), set(), "has no PP-NAP price"),
        (OATMEAL.replace("2017/2018", "2015/2016"), set(), "write 2017/2018"),
        (OATMEAL + OATMEAL, set(), "matched twice"),
    ],
)
def test_a_bad_row_fails_the_build_in_one_sentence(
    shared_dir: Path, tmp_path: Path, row: str, priced: set[str], says: str
) -> None:
    path = _write(tmp_path / "price_matches.csv", row)
    ndbs = {"oatmeal-cooked-water": "08121"}
    with pytest.raises(FoodTableError, match=says) as caught:
        read_price_matches(path, ndbs, priced, PRICES_DIR)
    assert "\n" not in str(caught.value)
    assert str(caught.value).startswith(f"Price match {path} line ")


def test_a_bad_header_fails(tmp_path: Path) -> None:
    path = tmp_path / "price_matches.csv"
    path.write_text("id,ndb,code\n", encoding="utf-8")
    with pytest.raises(FoodTableError, match="fix the header"):
        read_price_matches(path, {}, set(), tmp_path)


@pytest.mark.parametrize("diet", ["vegetarian", "pescatarian"])
def test_a_budgeted_vegetarian_or_pescatarian_day_has_a_plan(diet: str) -> None:
    """Before the hand matches no priced breakfast met the meal structure for
    them: every such request with a budget had no plan (session 15)."""
    foods = mealplan.load_foods()
    plan = mealplan.plan(
        {
            "person": {"age": 35, "sex": "female"},
            "diet": diet,
            "budget_per_day": 6.0,
            "mip_gap": 1.0,
            "time_limit": 60.0,
        },
        foods,
    )
    assert plan.days[0].cost is not None
    assert plan.days[0].cost <= 6.0 + 1e-6
    check_plan(plan, foods)
