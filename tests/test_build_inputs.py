"""``mealplan data build-foods`` checks its small inputs before it reads SR28.

A bad row of ``selection.csv``, ``article_mentions.csv`` or ``structure.csv``
(any rule that needs no SR28), or ``--fndds`` without ``--prices``, fails at
once with a typed one-sentence error: SR28 (680,000 nutrient rows, seconds
to read) is never opened. Time-free: the SR28 reader is replaced by one that
fails the test if called. No ../shared needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mealplan import _sr28, data
from mealplan._build import SELECTION_COLUMNS, STRUCTURE_COLUMNS, build_foods
from mealplan._errors import FoodTableError

SELECTION_HEADER = ",".join(SELECTION_COLUMNS) + "\n"
GOOD_ROW = "milk,01077,Milk,dairy,breakfast,1,2,,,"
MENTIONS = "mention_id,section,words,kind,food_ids,note\nm1,faq,milk,food,milk,\n"


@pytest.fixture(autouse=True)
def no_sr28(monkeypatch: pytest.MonkeyPatch) -> None:
    def read_sr28(directory: Any) -> Any:
        msg = f"SR28 was read ({directory}) before a bad input failed"
        raise AssertionError(msg)

    monkeypatch.setattr(_sr28, "read_sr28", read_sr28)


def _write(folder: Path, selection: str, mentions: str = MENTIONS) -> None:
    (folder / "selection.csv").write_text(selection, encoding="utf-8")
    (folder / "article_mentions.csv").write_text(mentions, encoding="utf-8")


def _run(folder: Path, *extra: str) -> int:
    # The SR28 folder does not even exist: only the reader could say so.
    sr28 = str(folder / "no-sr28-here")
    return data.main(["build-foods", "--sr28", sr28, "--out", str(folder), *extra])


@pytest.mark.parametrize(
    ("rows", "where"),
    [
        (["milk,1077,Milk,dairy,breakfast,1,2,,,"], "row 1: 'ndb_no'"),
        (["milk,01077,Milk,dairy,brunch,1,2,,,"], "row 1: 'meal_slots'"),
        (["milk,01077,Milk,dairy,breakfast,1,-2,,,"], "row 1: 'max_portions'"),
        (["milk,01077,Milk,dairy,breakfast,1,2,gluten,,"], "row 1: 'extra_allergens'"),
        (["milk,01077,Milk,dairy,breakfast,1,2,,keto,"], "row 1: 'not_diets'"),
        (["milk,01077,,dairy,breakfast,1,2,,,"], "row 1: 'name'"),
        ([GOOD_ROW, GOOD_ROW], "row 2: 'id'"),
        ([], "has no rows"),
    ],
)
def test_a_bad_selection_fails_before_sr28_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: list[str], where: str
) -> None:
    _write(tmp_path, SELECTION_HEADER + "".join(r + "\n" for r in rows))
    status = _run(tmp_path)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "\n" not in err
    assert where in err
    assert err.startswith("error: selection.csv")
    assert err.endswith(".")


def test_the_builder_raises_a_typed_error(tmp_path: Path) -> None:
    _write(tmp_path, SELECTION_HEADER + "milk,01077,Milk,dairy,brunch,1,2,,,\n")
    with pytest.raises(FoodTableError) as info:
        build_foods(tmp_path / "no-sr28-here", tmp_path)
    assert info.value.path == str(tmp_path / "selection.csv")
    assert info.value.row == 1
    assert info.value.column == "meal_slots"
    assert "'brunch'" in str(info.value)


def test_a_missing_selection_fails_before_sr28_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = _run(tmp_path)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "selection.csv" in err
    assert "was not found" in err


def test_a_bad_mention_fails_before_sr28_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = "mention_id,section,words,kind,food_ids,note\nm1,faq,milk,food,cheese,\n"
    _write(tmp_path, SELECTION_HEADER + GOOD_ROW + "\n", bad)
    status = _run(tmp_path)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "row 1: 'food_ids'" in err


def test_a_bad_structure_row_fails_before_sr28_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, SELECTION_HEADER + GOOD_ROW + "\n")
    (tmp_path / "structure.csv").write_text(
        ",".join(STRUCTURE_COLUMNS) + "\nmilk,milk,dairy,maybe,,\n", encoding="utf-8"
    )
    status = _run(tmp_path)
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "structure.csv row 1: 'whole_units'" in err


def test_dishes_without_prices_fail_before_sr28_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, SELECTION_HEADER + GOOD_ROW + "\n")
    status = _run(tmp_path, "--fndds", str(tmp_path / "fndds"))
    err = capsys.readouterr().err.strip()
    assert status == 2
    assert "pass --prices with --fndds" in err


def test_good_small_inputs_go_on_to_read_sr28(tmp_path: Path) -> None:
    # The other side: with nothing wrong in the small files, the reader is
    # called (here, the stand-in that fails), so the checks above are not
    # passing merely because the builder never reaches SR28.
    _write(tmp_path, SELECTION_HEADER + GOOD_ROW + "\n")
    with pytest.raises(AssertionError, match="SR28 was read"):
        build_foods(tmp_path / "no-sr28-here", tmp_path)
