"""plan_many on a real local Ray runtime (issue 13): skipped when Ray is not installed.

The same mixed batch as the process pool and Dask tests (bad JSON, a bad
age, an unknown food, an infeasible request, an (id, request) pair) runs on
a 2-CPU Ray runtime whose worker planning "p5" dies mid-batch: every request
gets exactly one result, only "p5" fails, and the runtime still plans after.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import mealplan
from mealplan import BatchStatus, FoodTable
from mealplan._batch_worker import FAULT_ENV
from tests.test_batch import check_results, mixed_batch, person

ray = pytest.importorskip("ray")

BIN = Path(sys.executable).parent / "mealplan"


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return mealplan.load_foods()


@pytest.fixture(scope="module")
def ray_runtime() -> Iterator[Any]:
    # Ray starts its workers with the environment given here: the worker
    # that plans "p5" exits on the spot, as a crashing worker would.
    ray.init(
        num_cpus=2,
        include_dashboard=False,
        log_to_driver=False,
        runtime_env={"env_vars": {FAULT_ENV: "p5"}},
    )
    try:
        yield ray
    finally:
        ray.shutdown()


def test_ray_runs_the_same_batch_nothing_lost(
    ray_runtime: Any, table: FoodTable
) -> None:
    items = mixed_batch(6)
    seen: list[str] = []
    with mealplan.ray_executor() as executor:
        assert executor._max_workers == 2  # the runtime's CPUs, one per task
        results = list(
            mealplan.plan_many(
                items,
                executor=executor,
                foods=table,
                on_result=lambda r: seen.append(r.id),
            )
        )
    assert [r.index for r in results] == list(range(len(items)))
    check_results(items, results, table)
    assert sorted(seen) == sorted(r.id for r in results)
    failed = [r for r in results if r.status is BatchStatus.FAILED]
    assert [r.id for r in failed] == ["p5"], [(r.id, r.error) for r in failed]
    # The runtime replaces the dead worker: a new executor still plans.
    with mealplan.ray_executor() as executor:
        again = list(mealplan.plan_many([person(5)], executor=executor))
    assert again[0].status is BatchStatus.PLANNED


def test_ray_executor_puts_the_table_once(ray_runtime: Any, table: FoodTable) -> None:
    with mealplan.ray_executor() as executor:
        # Each task gets the table itself (fetched once per worker process).
        sizes = [executor.submit(len, table) for _ in range(4)]
        assert [f.result() for f in sizes] == [len(table)] * 4
        assert len(executor._tables) == 1  # one ray.put for the four tasks
    with pytest.raises(RuntimeError, match="after shutdown"):
        executor.submit(len, [1])


def test_leaving_the_executor_on_an_error_cancels_its_tasks(ray_runtime: Any) -> None:
    # Ctrl-C inside the with-block must not wait for the tasks in flight:
    # the sleeping task is cancelled (it would otherwise return after 300 s).
    futures: list[Any] = []

    def interrupted() -> None:
        with mealplan.ray_executor() as executor:
            futures.append(executor.submit(time.sleep, 300))
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    future = futures[0]
    with pytest.raises(ray.exceptions.RayError):
        future.result(timeout=600)


def test_cli_batch_on_ray(tmp_path: Path) -> None:
    # 'mealplan batch --ray local' in a subprocess: three requests and a bad
    # line, one output line each.
    lines = [json.dumps({"id": f"r{i}", **person(i)}) for i in range(3)]
    lines.append("not json")
    requests, out = tmp_path / "requests.jsonl", tmp_path / "plans.jsonl"
    requests.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = subprocess.run(
        [str(BIN), "batch", str(requests), "-o", str(out), "--ray", "local"],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 2, result.stderr  # one bad line
    assert result.stdout == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sorted((r["id"], r["status"]) for r in rows) == [
        ("line-4", "invalid"),
        ("r0", "planned"),
        ("r1", "planned"),
        ("r2", "planned"),
    ]
