"""The builder: committed foods/ equals a fresh build; values equal SR28."""

from __future__ import annotations

import csv
from collections.abc import Collection
from decimal import Decimal
from pathlib import Path

import pytest

from mealplan import data
from mealplan._build import FOODS_COLUMNS, build_foods
from mealplan._nutrients import Nutrient
from tests.conftest import FNDDS_DIR, PRICES_DIR, ROOT

FOODS = ROOT / "foods"
pytestmark = pytest.mark.shared


def _sr28_rows(
    sr28: Path,
    name: str,
    fields: int | None = None,
    foods: Collection[str] | None = None,
) -> list[list[str]]:
    """The file's rows, each its first ``fields`` fields (all by default).

    ``foods``: only the rows of these NDB numbers (each row starts with its
    quoted 5-character number). NUT_DATA.txt has 680,000 rows of 18 fields
    for 8,789 foods: splitting only the rows and fields a test reads saves
    seconds.
    """
    text = (sr28 / name).read_text(encoding="cp1252")
    cut = -1 if fields is None else fields
    return [
        [field.strip("~") for field in line.split("^", cut)[:fields]]
        for line in text.splitlines()
        if line and (foods is None or line[1:6] in foods)
    ]


@pytest.fixture(scope="module")
def fresh(sr28_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (FOODS / "selection.csv").is_file():
        pytest.skip("foods/selection.csv not written yet")
    out = tmp_path_factory.mktemp("foods")
    build_foods(
        sr28_dir,
        out,
        prices_dir=PRICES_DIR,
        selection_path=FOODS / "selection.csv",
        fndds_dir=FNDDS_DIR,
    )
    return out


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_committed_tables_equal_a_fresh_build(fresh: Path) -> None:
    # The committed tables were built in another process (another hash seed),
    # so equal bytes also prove the build deterministic across runs, which a
    # second build in this process (same seed, same set order) could not.
    for name in (
        "foods.csv",
        "portions.csv",
        "dishes.csv",
        "dish_portions.csv",
        "dish_ingredients.csv",
        "dish_fped.csv",
        "purchase_forms.csv",
    ):
        data_bytes = (fresh / name).read_bytes()
        assert data_bytes == (FOODS / name).read_bytes(), name
        assert b"\r" not in data_bytes
        data_bytes.decode("utf-8")


def test_header_is_the_contract(fresh: Path) -> None:
    with (fresh / "foods.csv").open(encoding="utf-8") as handle:
        assert next(csv.reader(handle)) == list(FOODS_COLUMNS)


def test_every_value_is_the_sr28_value(fresh: Path, sr28_dir: Path) -> None:
    foods = _read(fresh / "foods.csv")
    ndbs = {food["ndb_no"] for food in foods}
    values: dict[tuple[str, str], str] = {}
    for ndb, number, value in _sr28_rows(sr28_dir, "NUT_DATA.txt", 3, ndbs):
        values[ndb, number] = value
    descs = {row[0]: row[2] for row in _sr28_rows(sr28_dir, "FOOD_DES.txt", 3)}
    for food in foods:
        ndb = food["ndb_no"]
        if not ndb:
            assert food["fndds_code"]  # a dish: checked against FNDDS elsewhere
            continue
        assert food["sr28_description"] == descs[ndb]
        for nutrient in Nutrient:
            cell = food[nutrient.value]
            raw = values.get((ndb, nutrient.sr28_number))
            if raw is not None:
                assert Decimal(cell) == Decimal(raw), (ndb, nutrient)
            elif nutrient is Nutrient.VITAMIN_D and (ndb, "324") in values:
                assert Decimal(cell) == Decimal(values[ndb, "324"]) / 40
                assert "vitamin_d_ug from nutrient 324 (IU) / 40" in food["provenance"]
            else:
                assert cell == "", (ndb, nutrient)  # missing stays missing


def test_portions_match_weight(fresh: Path, sr28_dir: Path) -> None:
    weight: dict[str, list[list[str]]] = {}
    for row in _sr28_rows(sr28_dir, "WEIGHT.txt"):
        weight.setdefault(row[0], []).append(row)
    foods = {f["id"]: f for f in _read(fresh / "foods.csv")}
    selection = {s["id"]: s for s in _read(FOODS / "selection.csv")}
    portions = _read(fresh / "portions.csv")
    for food_id, food in foods.items():
        if food["fndds_code"]:
            continue
        mine = [p for p in portions if p["food_id"] == food_id]
        rows = weight.get(food["ndb_no"], [])
        if not rows:
            assert [(p["grams"], p["is_default"]) for p in mine] == [("100", "true")]
            continue
        assert len(mine) == len(rows)
        for portion, row in zip(
            mine, sorted(rows, key=lambda r: int(r[1])), strict=True
        ):
            assert int(portion["seq"]) == int(row[1])
            assert Decimal(portion["grams"]) == Decimal(row[4])
            assert Decimal(portion["amount"]) == Decimal(row[2])
            assert portion["description"].endswith(row[3])
            assert (portion["is_default"] == "true") == (
                row[1] == selection[food_id]["default_portion"]
            )


def test_selection_rules_only_tighten(fresh: Path) -> None:
    selection = {s["id"]: s for s in _read(FOODS / "selection.csv")}
    for food in _read(fresh / "foods.csv"):
        if food["fndds_code"]:
            continue
        sel = selection[food["id"]]
        allergens = set(food["allergens"].split(";")) - {""}
        assert set(sel["extra_allergens"].split(";")) - {""} <= allergens
        for diet in sel["not_diets"].split(";"):
            if diet:
                assert food[diet] == "false"


SELECTION_HEADER = (
    "id,ndb_no,name,category,meal_slots,default_portion,max_portions,"
    "extra_allergens,not_diets,notes\n"
)
MENTIONS = "mention_id,section,words,kind,food_ids,note\nm1,faq,milk,food,milk,\n"


@pytest.mark.parametrize(
    ("row", "column"),
    [
        ("milk,99999,Milk,dairy,breakfast,1,2,,,", "ndb_no"),
        ("milk,1077,Milk,dairy,breakfast,1,2,,,", "ndb_no"),
        ("milk,01077,Milk,dairy,brunch,1,2,,,", "meal_slots"),
        ("milk,01077,Milk,dairy,breakfast,42,2,,,", "default_portion"),
        ("milk,01077,Milk,dairy,breakfast,1,-2,,,", "max_portions"),
        ("milk,01077,Milk,dairy,breakfast,1,2,gluten,,", "extra_allergens"),
        ("milk,01077,Milk,dairy,breakfast,1,2,,keto,", "not_diets"),
        ("milk,01077,,dairy,breakfast,1,2,,,", "name"),
    ],
)
def test_bad_selection_rows_exit_2(
    sr28_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    row: str,
    column: str,
) -> None:
    (tmp_path / "selection.csv").write_text(
        SELECTION_HEADER + row + "\n", encoding="utf-8"
    )
    (tmp_path / "article_mentions.csv").write_text(MENTIONS, encoding="utf-8")
    status = data.main(["build-foods", "--sr28", str(sr28_dir), "--out", str(tmp_path)])
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "\n" not in err
    assert f"row 1: '{column}'" in err


def test_bad_mention_row_exit_2(
    sr28_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "selection.csv").write_text(
        SELECTION_HEADER + "milk,01077,Milk,dairy,breakfast,1,2,,,\n", encoding="utf-8"
    )
    (tmp_path / "article_mentions.csv").write_text(
        "mention_id,section,words,kind,food_ids,note\nm1,faq,milk,food,cheese,\n",
        encoding="utf-8",
    )
    assert (
        data.main(["build-foods", "--sr28", str(sr28_dir), "--out", str(tmp_path)]) == 2
    )
    assert "'food_ids'" in capsys.readouterr().err
