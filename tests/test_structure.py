"""Portion caps and the realism checks of mealplan._structure."""

from __future__ import annotations

from pathlib import Path

import pytest

import mealplan
from mealplan._build import ROLES
from mealplan._errors import FoodTableError
from mealplan._structure import DEFECTS, load_caps, realism_defects


def test_every_cap_selects_real_foods() -> None:
    table = mealplan.load_foods()
    caps = load_caps()
    assert {c.cap_id for c in caps} >= {"beverages_per_meal", "meal_total", "fat_item"}
    bases = set(table.texts("base"))
    categories = set(table.texts("category"))
    for cap in caps:
        assert cap.reasoning, cap.cap_id
        known = {
            "role": set(ROLES),
            "base": bases,
            "id": set(table.ids),
            "category": categories,
            "slot": {"breakfast", "lunch", "dinner", "snack"},
        }[cap.kind]
        assert cap.values <= known, (cap.cap_id, cap.values - known)


def test_bad_caps_file_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "caps.csv"
    bad.write_text(
        "cap_id,scope,selector,max_grams,max_items,reasoning\nx,plate,role:fat,1,,r\n",
        encoding="utf-8",
    )
    with pytest.raises(FoodTableError, match="row 1") as info:
        load_caps(bad)
    assert "\n" not in str(info.value)


def test_realism_defects_counts_fats_and_bases() -> None:
    table = mealplan.load_foods()
    plan = mealplan.plan(
        mealplan.PlanRequest(
            person={"age": 35, "sex": "female"},
            pins=[{"food": "olive-oil"}, {"food": "egg-fried"}],
            # The bare model: under the structure a pinned oil has no plan.
            structure=False,
        ),
        foods=table,
    )
    defects = realism_defects(plan, table)
    assert set(defects) == set(DEFECTS)
    # Whether the bare model puts the oil beside an item it can be cooked
    # with is the optimiser's choice; alone in a meal of its own it is loose
    # whatever the optimiser did.
    day = plan.days[0]
    moved = [
        i.model_copy(update={"meal": "late snack"}) if i.food_id == "olive-oil" else i
        for i in day.items
    ]
    alone = plan.model_copy(
        update={"days": [day.model_copy(update={"items": moved}), *plan.days[1:]]}
    )
    loose = realism_defects(alone, table)["fat_or_sugar_item"]
    assert loose >= 1
    bases: dict[int, list[str]] = {}
    for item in plan.items:
        bases.setdefault(item.day, []).append(table.food(item.food_id).base or "")
    extra = sum(len(b) - len(set(b)) for b in bases.values())
    assert defects["two_forms_of_a_base"] == extra


def test_realism_benchmark_quick_run_writes_json(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "realism.py"
    proc = subprocess.run(
        [sys.executable, str(script), "--quick", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (result,) = tmp_path.glob("realism-*.json")
    data = json.loads(result.read_text())
    assert data["summary"]["plans"] == 2
    assert set(data["summary"]["by_kind"]) == set(DEFECTS)
