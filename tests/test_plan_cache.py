"""The tests' plan cache (tests/plans.py): one solve a request, a copy each."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import mealplan
from tests.plans import PlanCache, table_fingerprint
from tests.six_foods import six_food_table, six_food_targets

ROOT = Path(__file__).resolve().parents[1]


def _request() -> dict[str, Any]:
    return {"targets": six_food_targets(), "max_foods": 5, "time_limit": 60}


def test_a_request_is_solved_once_and_each_caller_gets_its_own_copy() -> None:
    cache = PlanCache(None)
    table = six_food_table()
    first = cache.plan(_request(), table)
    # The same request as JSON text and as a model, and an equal table
    # built again, are the same input.
    text = json.dumps(_request())
    second = cache.plan(text, six_food_table())
    third = cache.plan(mealplan.parse_request(_request()), table)
    assert cache.solves == 1
    assert first == second == third
    assert first is not second
    assert first.days[0].items is not second.days[0].items
    # A test that changes its copy changes no one else's.
    first.notes.append("changed by one test")
    first.days[0].items.clear()
    again = cache.plan(_request(), table)
    assert again == second
    assert "changed by one test" not in again.notes


def test_another_request_or_table_is_solved_anew() -> None:
    cache = PlanCache(None)
    table = six_food_table()
    plan = cache.plan(_request(), table)
    cache.plan({**_request(), "max_foods": 4}, table)
    assert cache.solves == 2
    kale_less = table.subset([f for f in table.ids if f != "kale"])
    assert table_fingerprint(kale_less) != table_fingerprint(table)
    assert cache.key(_request(), kale_less) != cache.key(_request(), table)
    assert cache.key(_request(), None) != cache.key(_request(), table)
    assert plan.request == mealplan.parse_request(_request())


def test_a_pickled_plan_reads_back_exactly() -> None:
    plan = mealplan.plan(_request(), six_food_table())
    back = pickle.loads(pickle.dumps(plan))
    assert back == plan
    assert back.model_dump_json() == plan.model_dump_json()
    assert back.model_fields_set == plan.model_fields_set


def test_workers_share_plans_through_the_folder(tmp_path: Path) -> None:
    table = six_food_table()
    one = PlanCache(tmp_path)
    plan = one.plan(_request(), table)
    other = PlanCache(tmp_path)  # another worker: nothing of its own yet
    assert other.plan(_request(), six_food_table()) == plan
    assert (one.solves, other.solves) == (1, 0)


def test_an_equal_table_has_the_same_fingerprint_in_another_process() -> None:
    # String hashing, and so the order of a set, differs between processes;
    # the xdist workers must still agree on a table's key.
    code = (
        "from tests.plans import table_fingerprint\n"
        "from tests.six_foods import six_food_table\n"
        "print(table_fingerprint(six_food_table()))\n"
    )
    here = table_fingerprint(six_food_table())
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", code],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        assert out.stdout.strip() == here
