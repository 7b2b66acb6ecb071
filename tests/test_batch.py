"""plan_many and ``mealplan batch``: real process pools, a real Dask cluster.

Every batch here runs for real (forkserver worker processes, a 2-worker Dask
LocalCluster, the installed ``mealplan`` entry point as a subprocess) on small
batches of cheap daily requests, and checks the property that matters: every
request gets exactly one result, nothing lost or duplicated, each plan meets
its request (tests/checks.py), whatever else in the batch goes wrong.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import itertools
import json
import multiprocessing
import os
import pickle
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from multiprocessing.context import ForkServerContext, SpawnContext
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import mealplan
from mealplan import BatchResult, BatchStatus, FoodTable
from mealplan._batch import MAX_AUTO_CHUNK, auto_chunksize
from mealplan._batch_cli import _Progress
from mealplan._batch_worker import FAULT_ENV, Job, prepare
from tests.checks import check_plan

BIN = Path(sys.executable).parent / "mealplan"
SCHEMA = Path(mealplan.__file__).parent / "schemas" / "batch-result.schema.json"
# Vegan without fortified foods has no vitamin B12 source: infeasible, quickly.
# No meal split: its diagnosis is half the work of the 4-meal one.
INFEASIBLE = {
    "person": {"age": 35, "sex": "female"},
    "diet": "vegan",
    "allow_fortified": False,
    "meals": None,
}


def person(i: int) -> dict[str, Any]:
    """A cheap daily request for the i-th adult of a batch.

    The first plan of a day without a meal split (mip_gap 1, meals None):
    what these tests check (one result per request, each plan meeting its
    request, whatever else goes wrong) holds for any plan, and it costs
    0.1-0.2 s of CPU for each of these people instead of up to 2.6 s. A
    generous limit keeps the verdicts free of machine speed: at the default
    10 s, six tests failed in a suite run at load 13-16.
    """
    return {
        "person": {"age": 20 + 3 * i, "sex": "male" if i % 2 else "female"},
        "meals": None,
        "mip_gap": 1,
        "time_limit": 120,
    }


def mixed_batch(n_good: int) -> list[Any]:
    """Good requests (with ids) interleaved with every kind of trouble."""
    items: list[Any] = [{"id": f"p{i}", **person(i)} for i in range(n_good)]
    items.insert(2, "{not json")
    items.insert(4, {"id": "young", "person": {"age": -3, "sex": "female"}})
    items.insert(5, json.dumps({"id": "infeasible", **INFEASIBLE}))
    items.insert(6, [1, 2])
    items.append(("pair", mealplan.parse_request(person(20))))
    items.append({"id": "unknown-food", **person(1), "include": ["no-such-food"]})
    return items


@pytest.fixture(scope="module")
def table() -> FoodTable:
    return mealplan.load_foods()


def check_results(
    items: list[Any], results: list[BatchResult], table: FoodTable
) -> None:
    """Exactly one result per item, each of the right kind, plans checked."""
    assert sorted(r.index for r in results) == list(range(len(items)))
    by_id = {r.id: r for r in results}
    assert len(by_id) == len(items)
    for r in results:
        if r.status is BatchStatus.PLANNED:
            assert r.plan is not None
            check_plan(r.plan, table)
    planned = {r.id for r in results if r.status is BatchStatus.PLANNED}
    assert {f"p{i}" for i in range(len(items) - 6)} <= planned | {
        r.id for r in results if r.status is BatchStatus.FAILED
    }
    assert "pair" in planned
    assert by_id["infeasible"].status is BatchStatus.INFEASIBLE
    assert by_id["infeasible"].diagnosis is not None
    assert by_id["infeasible"].diagnosis.conflicts
    bad = {r.id: r for r in results if r.status is BatchStatus.INVALID}
    assert set(bad) == {"2", "young", "6", "unknown-food"}
    assert bad["2"].error is not None
    assert "not valid JSON" in bad["2"].error.message
    assert bad["young"].error is not None
    assert bad["young"].error.errors[0]["loc"] == "person.age"
    assert bad["unknown-food"].error is not None
    assert bad["unknown-food"].error.type == "UnknownFoodError"
    for r in bad.values():
        assert r.error is not None
        assert r.error.errors
        assert "\n" not in r.error.message


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    value=json_values,
    rid=st.none() | json_values,
    as_text=st.booleans(),
    as_pair=st.booleans(),
)
def test_any_input_item_becomes_a_job_or_an_invalid_result(
    value: Any, rid: Any, as_text: bool, as_pair: bool
) -> None:
    item: Any = value
    if isinstance(value, dict) and rid is not None:
        item = {**value, "id": rid}
    if as_text:
        item = json.dumps(item)
    if as_pair:
        item = (rid, item)
    out = prepare(item, 7)
    assert out.index == 7
    if isinstance(out, BatchResult):
        assert out.status is BatchStatus.INVALID
        assert out.error is not None
        assert "\n" not in out.error.message
        assert BatchResult.model_validate_json(out.to_json_line()) == out
    else:
        assert isinstance(out, Job)
        assert out.id
        assert isinstance(out.body, dict)
        assert "id" not in out.body


# ---------------------------------------------------------------- process pool


@pytest.fixture(scope="module")
def pool_run(table: FoodTable) -> tuple[list[Any], list[BatchResult], list[str]]:
    items = mixed_batch(6)
    seen: list[str] = []
    results = list(
        mealplan.plan_many(items, workers=2, on_result=lambda r: seen.append(r.id))
    )
    return items, results, seen


def test_pool_gives_every_request_one_result_in_input_order(
    pool_run: tuple[list[Any], list[BatchResult], list[str]], table: FoodTable
) -> None:
    items, results, seen = pool_run
    assert [r.index for r in results] == list(range(len(items)))
    check_results(items, results, table)
    assert all(r.status is not BatchStatus.FAILED for r in results)
    # on_result saw every result once, as each completed.
    assert sorted(seen) == sorted(r.id for r in results)


def test_pool_plans_equal_a_plan_in_this_process(
    pool_run: tuple[list[Any], list[BatchResult], list[str]], table: FoodTable
) -> None:
    _, results, _ = pool_run
    remote = next(r for r in results if r.id == "p3").unwrap()
    local = mealplan.plan(person(3), table)
    assert [(i.food_id, i.portions) for i in remote.items] == [
        (i.food_id, i.portions) for i in local.items
    ]


def test_each_worker_result_says_how_long_it_took(
    pool_run: tuple[list[Any], list[BatchResult], list[str]],
) -> None:
    _, results, _ = pool_run
    by_id = {r.id: r for r in results}
    # Planned, diagnosed and validated in a worker: timed there.
    for rid in ("p0", "infeasible", "young", "unknown-food"):
        seconds = by_id[rid].seconds
        assert seconds is not None
        assert seconds > 0
    # Bad JSON never reaches a worker: no time, and none in its JSON line.
    assert by_id["2"].seconds is None
    assert "seconds" not in json.loads(by_id["2"].to_json_line())


def test_a_worker_killed_mid_batch_fails_only_its_request(
    table: FoodTable, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pool starts after the variable is set; the worker planning "p4"
    # exits on the spot, taking the pool and every request in flight with it.
    monkeypatch.setenv(FAULT_ENV, "p4")
    items = mixed_batch(6)
    results = list(mealplan.plan_many(items, workers=2, chunksize=2, ordered=False))
    check_results(items, results, table)
    failed = [r for r in results if r.status is BatchStatus.FAILED]
    assert [r.id for r in failed] == ["p4"]
    assert failed[0].error is not None
    assert failed[0].error.type == "WorkerCrash"
    with pytest.raises(mealplan.MealPlanError, match="worker process"):
        failed[0].unwrap()


def test_a_forking_pool_is_refused() -> None:
    pool = cf.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("fork"))
    try:
        with pytest.raises(mealplan.RequestError, match="fork"):
            mealplan.plan_many([person(0)], executor=pool)
    finally:
        pool.shutdown()


@pytest.mark.parametrize(("name", "value"), [("chunksize", 0), ("workers", 0)])
def test_bad_sizes_are_refused(name: str, value: int) -> None:
    kwargs: dict[str, Any] = {name: value}
    with pytest.raises(mealplan.RequestError, match=name):
        mealplan.plan_many([person(0)], **kwargs)


@pytest.mark.parametrize("chunksize", [1, None])
@pytest.mark.parametrize("ordered", [True, False])
def test_input_is_read_lazily_with_bounded_work_in_flight(
    ordered: bool, chunksize: int | None
) -> None:
    # An endless stream, mostly bad lines: the batch reads only a bounded
    # number ahead of what it has yielded, so memory stays flat.
    pulled = 0

    def endless() -> Iterator[Any]:
        nonlocal pulled
        for i in itertools.count():
            pulled += 1
            yield person(0) if i % 25 == 0 else "not json"

    with cf.ThreadPoolExecutor(1) as pool:
        results = mealplan.plan_many(
            endless(), executor=pool, ordered=ordered, chunksize=chunksize
        )
        first = list(itertools.islice(results, 60))
        results.close()
    assert len({r.index for r in first}) == 60
    # The look-ahead: 4 x a window of 2 tasks per worker, plus the window of
    # tasks of up to `chunk` requests (an automatic chunk holds at most 8).
    chunk = chunksize or MAX_AUTO_CHUNK
    assert pulled <= 60 + 4 * 2 + 2 * chunk + 1
    assert {r.status for r in first} == {BatchStatus.PLANNED, BatchStatus.INVALID}


def test_automatic_chunks_hold_about_a_second_and_shrink_at_the_end() -> None:
    assert auto_chunksize(None, None, 2) == 1  # nothing measured yet
    assert auto_chunksize(0.4, None, 2) == 2
    assert auto_chunksize(0.1, None, 2) == 8
    assert auto_chunksize(0.001, None, 2) == MAX_AUTO_CHUNK
    assert auto_chunksize(3.0, None, 2) == 1  # long requests: one per task
    assert auto_chunksize(0.1, 1000, 2) == 8
    assert auto_chunksize(0.1, 24, 2) == 3  # a quarter of the rest per worker
    assert auto_chunksize(0.1, 7, 2) == 1  # the tail: one per task


class _CountingPool(cf.ThreadPoolExecutor):
    """A thread pool that records how many requests each task carries."""

    def __init__(self) -> None:
        super().__init__(2)
        self.sizes: list[int] = []

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        self.sizes.append(len(args[0]))
        return super().submit(fn, *args, **kwargs)


def test_automatic_chunks_keep_one_result_per_request_in_order() -> None:
    # Requests the worker refuses at once (a bad age): each takes
    # milliseconds, so the automatic chunk grows to its cap, then shrinks to
    # one request per task at the end of this known-length input.
    items = [
        {"id": f"q{i}", "person": {"age": -i - 1, "sex": "male"}} for i in range(100)
    ]
    with _CountingPool() as pool:
        results = list(mealplan.plan_many(items, executor=pool))
    assert [r.id for r in results] == [f"q{i}" for i in range(100)]
    assert all(r.status is BatchStatus.INVALID for r in results)
    assert all(r.seconds is not None for r in results)  # each planned alone
    assert sum(pool.sizes) == 100
    assert pool.sizes[0] == 1  # nothing measured yet
    assert max(pool.sizes) == MAX_AUTO_CHUNK
    assert pool.sizes[-1] == 1
    # A size given is kept as given.
    with _CountingPool() as pool:
        assert len(list(mealplan.plan_many(items, executor=pool, chunksize=7))) == 100
    assert pool.sizes == [7] * 14 + [2]


# ------------------------------------------------------------------------ Dask


@pytest.fixture(scope="module")
def dask_client() -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    import dask

    # One failure is enough for Dask to give up on a task (its default retries
    # a task that killed its worker 3 times): the innocent tasks the dead
    # worker held fail too, and plan_many must re-run them alone.
    # A LocalCluster closes the nanny of a worker that has not come back
    # within 'lost-worker-timeout' (15 s): under heavy load a restart after
    # the killed worker took longer, the cluster was left with one worker,
    # and the next test waited for a second one in vain.
    settings = {
        "distributed.scheduler.allowed-failures": 0,
        "distributed.deploy.lost-worker-timeout": "600s",
    }
    with (
        dask.config.set(settings),
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # any free port: 8787 may be taken
            env={FAULT_ENV: "p5"},  # the worker planning "p5" dies
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def test_dask_cluster_plans_the_same_batch(dask_client: Any, table: FoodTable) -> None:
    items = mixed_batch(6)
    results = list(
        mealplan.plan_many(items, executor=dask_client.get_executor(), foods=table)
    )
    assert [r.index for r in results] == list(range(len(items)))
    check_results(items, results, table)
    failed = [r for r in results if r.status is BatchStatus.FAILED]
    assert [r.id for r in failed] == ["p5"], [(r.id, r.error) for r in failed]
    # The cluster still plans after losing a worker.
    again = list(mealplan.plan_many([person(5)], executor=dask_client.get_executor()))
    assert again[0].status is BatchStatus.PLANNED


def _loop_ticks(client: Any) -> list[float]:
    """The health-check intervals (ms) of a LocalCluster's scheduler and nannies.

    Both live in this process (the cluster's), so they are read directly.
    """
    servers = [client.cluster.scheduler, *client.cluster.workers.values()]
    return [s.periodic_callbacks["tick"].callback_time for s in servers]


def test_dask_workers_are_readied_for_a_batch_and_restored(dask_client: Any) -> None:
    def state(dask_worker: Any) -> tuple[bool, int, float, float]:
        # Defined here so Dask sends it by value (workers need not import tests).
        from mealplan._backend_highs import HighsBackend

        profile = dask_worker.periodic_callbacks.get("profile")
        threads = HighsBackend()._h.getOptionValue("threads")[1]
        tick = dask_worker.periodic_callbacks["tick"].callback_time
        memory = dask_worker.periodic_callbacks["memory_monitor"].callback_time
        return profile is not None and profile.is_running(), threads, tick, memory

    # The previous test killed a worker: wait for its nanny's replacement.
    dask_client.wait_for_workers(2, timeout=120)
    before = dask_client.run(state)
    ticks = _loop_ticks(dask_client)
    assert len(before) == 2
    assert all(
        on and tick < 1000 and mem < 1000 for on, _, tick, mem in before.values()
    )
    assert all(tick < 1000 for tick in ticks)
    batch = mealplan.plan_many(
        [person(0), person(1)], executor=dask_client.get_executor()
    )
    assert next(batch).status is BatchStatus.PLANNED
    assert next(batch).status is BatchStatus.PLANNED
    # During the batch (the generator is still open): no profiler sampling
    # the solves, one HiGHS thread each, the event loop's health check once a
    # second (the memory monitor too), on the scheduler and the nannies too.
    assert set(dask_client.run(state).values()) == {(False, 1, 1000, 1000)}
    assert set(_loop_ticks(dask_client)) == {1000}
    # A worker that joins during the batch (its nanny restarts it) is readied
    # as well: its plugins are set up before its periodic callbacks start,
    # which once left its profiler running for the rest of the batch.
    dask_client.restart_workers([next(iter(before))])
    dask_client.wait_for_workers(2, timeout=120)
    assert set(dask_client.run(state).values()) == {(False, 1, 1000, 1000)}
    assert list(batch) == []
    # After it: profiler and health check as before (the solver setting
    # stays: a worker's).
    after = dask_client.run(state)
    assert len(after) == 2
    assert {(on, tick, mem) for on, _, tick, mem in after.values()} == {
        (on, tick, mem) for on, _, tick, mem in before.values()
    }
    assert _loop_ticks(dask_client) == ticks


def test_quieting_a_server_covers_callbacks_not_started_yet_and_overlapping_batches() -> (
    None
):
    pytest.importorskip("distributed")
    from tornado.ioloop import PeriodicCallback

    from mealplan._batch_dask import PROFILER_CALLBACKS, quiet, restore

    def server() -> Any:
        # A worker joining the cluster: its plugins are set up before its
        # periodic callbacks start (Worker.start_periodic_callbacks starts
        # every callback of its table that is not running).
        names = {"profile": 10, "profile-cycle": 1000, "tick": 20, "heartbeat": 500}
        callbacks = {n: PeriodicCallback(lambda: None, ms) for n, ms in names.items()}
        return type(
            "Joining", (), {"periodic_callbacks": callbacks, "status": "init"}
        )()

    joining = server()
    table = dict(joining.periodic_callbacks)
    quiet(joining, "b1", PROFILER_CALLBACKS)
    quiet(joining, "b1", PROFILER_CALLBACKS)  # the same batch's setup again
    quiet(joining, "b2", PROFILER_CALLBACKS)  # an overlapping batch
    # Out of the table: the worker's own start cannot start them.
    assert set(joining.periodic_callbacks) == {"tick", "heartbeat"}
    assert joining.periodic_callbacks["tick"].callback_time == 1000
    assert joining.periodic_callbacks["heartbeat"].callback_time == 500
    restore(joining, "b1")
    restore(joining, "b1")
    assert set(joining.periodic_callbacks) == {"tick", "heartbeat"}
    restore(joining, "b2")  # the last batch on it
    assert joining.periodic_callbacks == table
    assert joining.periodic_callbacks["tick"].callback_time == 20
    assert not any(c.is_running() for c in table.values())  # not started: "init"


def run_batch(
    args: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run ``mealplan batch ARGS``; on a hang, fail with every thread's stack.

    A CI run once timed out here (300 s, session 20) with nothing to show:
    the process now runs with faulthandler on, and a timeout sends it
    SIGABRT, whose handler prints where each of its threads waits, before
    its process group (its pool workers too) is killed.
    """
    env = {**(env or os.environ), "PYTHONFAULTHANDLER": "1"}
    proc = subprocess.Popen(
        [str(BIN), "batch", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        start_new_session=True,
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGABRT)
        try:
            stdout, stderr = proc.communicate(timeout=20)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail(
            f"mealplan batch hung for {timeout:.0f} s; its stacks:\n{stderr[-6000:]}"
        )
    return subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)


def test_cli_batch_on_a_dask_scheduler(dask_client: Any, tmp_path: Path) -> None:
    lines = [json.dumps({"id": f"d{i}", **person(i)}) for i in range(3)]
    lines.append("not json")
    requests, out = tmp_path / "requests.jsonl", tmp_path / "plans.jsonl"
    write_lines(requests, lines)
    address = dask_client.scheduler.address
    result = run_batch(
        [str(requests), "-o", str(out), "--scheduler", address], timeout=300
    )
    assert result.returncode == 2, result.stderr  # one bad line
    assert result.stdout == ""
    rows = read_results(out)
    assert sorted((r["id"], r["status"]) for r in rows) == [
        ("d0", "planned"),
        ("d1", "planned"),
        ("d2", "planned"),
        ("line-4", "invalid"),
    ]


# -------------------------------------------------------------------- pickling


def _instances(results: list[BatchResult], table: FoodTable) -> list[Any]:
    plan = next(r.plan for r in results if r.plan is not None)
    diagnosis = next(r.diagnosis for r in results if r.diagnosis is not None)
    request = plan.request
    return [
        plan,
        request,
        request.person,
        plan.targets,
        plan.targets.bounds[0],
        plan.days[0],
        plan.items[0],
        plan.average[0],
        # person() plans have no meal split: a default request's first meal.
        (mealplan.parse_request({"person": request.person}).meals or [])[0],
        diagnosis,
        diagnosis.conflicts[0],
        mealplan.grocery_list(plan, table)[0],
        mealplan.explain(plan, table),
        table.food(plan.items[0].food_id),
        mealplan.Pin(food=plan.items[0].food_id),
        mealplan.Ban(food=plan.items[0].food_id),
        mealplan.BoundOverride(minimum=1.0),
        mealplan.MealTitle(
            meal="lunch", title="Soybeans with wild rice", lead=plan.items[0].food_id
        ),
        mealplan.default_meal_structure()[0],
        mealplan.default_meal_structure()[0].parts[0],
        mealplan.Suggestion(
            constraints=["budget"],
            description="raise the budget to $2.02 a day",
            field="budget_per_day",
            flag="--budget 2.02",
            patch={"budget_per_day": 2.02},
            size=1.0,
            verified=True,
        ),
        mealplan.SafetyConflict(
            rule="soft_cheese",
            life_stages=["pregnancy"],
            foods=["queso-fresco"],
            reason="is a soft or fresh cheese",
            source="CDC, Listeria (2024)",
        ),
        *results,
        next(r.error for r in results if r.error is not None),
    ]


def test_every_model_pickles(
    pool_run: tuple[list[Any], list[BatchResult], list[str]], table: FoodTable
) -> None:
    _, results, _ = pool_run
    objects = _instances(results, table)
    public_models = {
        obj
        for name in mealplan.__all__
        if isinstance(obj := getattr(mealplan, name), type)
        and issubclass(obj, BaseModel)
    }
    covered = {type(o) for o in objects}
    assert public_models <= covered, f"add an instance of {public_models - covered}"
    for obj in objects:
        assert pickle.loads(pickle.dumps(obj)) == obj


def test_every_error_pickles() -> None:
    from mealplan import _errors

    samples = {
        "FoodTableError": mealplan.FoodTableError(
            "m.", path="f.csv", row=3, column="x"
        ),
        "RequestError": mealplan.RequestError("m.", [{"loc": "a", "msg": "b"}]),
        "TargetError": mealplan.TargetError("m."),
        "UnknownNutrientError": mealplan.UnknownNutrientError("m.", "iron_mg"),
        "UnknownFoodError": mealplan.UnknownFoodError("m.", "kale"),
        "InfeasiblePlanError": mealplan.InfeasiblePlanError("m.", None),
        "SolverError": mealplan.SolverError("m.", "Time limit"),
        "MealPlanError": mealplan.MealPlanError("m."),
        "LifeStageError": mealplan.LifeStageError("m.", [{"loc": "a", "msg": "b"}]),
        "UnsafeFoodError": mealplan.UnsafeFoodError(
            "m.", [{"loc": "include", "msg": "b"}], food="swordfish-raw", rule="r"
        ),
    }
    assert set(samples) == set(_errors.__all__)
    for err in samples.values():
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err)
        assert str(back) == str(err)
        assert vars(back) == vars(err)


def test_food_table_pickles(table: FoodTable) -> None:
    back = pickle.loads(pickle.dumps(table))
    assert back.ids == table.ids
    for col in table.nutrients:
        assert back.numbers(col).tobytes() == table.numbers(col).tobytes()
    assert back.texts("name") == table.texts("name")
    assert back.food(table.ids[0]) == table.food(table.ids[0])


# -------------------------------------------------------------------- contract


def test_batch_result_schema_is_committed() -> None:
    assert json.loads(SCHEMA.read_text(encoding="utf-8")) == (
        BatchResult.model_json_schema()
    )


def test_result_json_lines_round_trip(
    pool_run: tuple[list[Any], list[BatchResult], list[str]],
) -> None:
    _, results, _ = pool_run
    for r in results:
        line = r.to_json_line()
        assert "\n" not in line
        data = json.loads(line)
        assert sum(k in data for k in ("plan", "diagnosis", "error")) == 1
        assert BatchResult.model_validate_json(line) == r


def test_a_result_carries_exactly_one_answer(
    pool_run: tuple[list[Any], list[BatchResult], list[str]],
) -> None:
    _, results, _ = pool_run
    planned = next(r for r in results if r.plan is not None)
    error = next(r.error for r in results if r.error is not None)
    with pytest.raises(ValueError, match="exactly one"):
        BatchResult(
            id="x", index=0, status=BatchStatus.PLANNED, plan=planned.plan, error=error
        )
    with pytest.raises(ValueError, match="exactly one"):
        BatchResult(id="x", index=0, status=BatchStatus.FAILED)
    with pytest.raises(ValueError, match="cannot carry"):
        BatchResult(id="x", index=0, status=BatchStatus.FAILED, plan=planned.plan)


def test_unwrap_raises_the_typed_error(
    pool_run: tuple[list[Any], list[BatchResult], list[str]],
) -> None:
    _, results, _ = pool_run
    by_id = {r.id: r for r in results}
    with pytest.raises(mealplan.InfeasiblePlanError) as info:
        by_id["infeasible"].unwrap()
    assert info.value.diagnosis == by_id["infeasible"].diagnosis
    with pytest.raises(mealplan.RequestError) as bad:
        by_id["young"].unwrap()
    assert bad.value.errors[0]["loc"] == "person.age"
    with pytest.raises(mealplan.UnknownFoodError):
        by_id["unknown-food"].unwrap()


# ------------------------------------------------------------------------- CLI


def write_lines(path: Path, lines: list[str]) -> None:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")


def read_results(path: Path) -> list[dict[str, Any]]:
    text = path.read_text(encoding="utf-8")
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]


def test_cli_batch_writes_one_line_per_request_line(
    tmp_path: Path, table: FoodTable
) -> None:
    lines = [json.dumps({"id": f"p{i}", **person(i)}) for i in range(4)]
    lines[1:1] = ["{oops", ""]  # a malformed line and a blank one
    lines.append(json.dumps(INFEASIBLE))  # no id: it gets "line-7"
    lines.append(json.dumps({"id": "p0", **person(0)}))  # a repeated id
    lines.append(json.dumps({"id": "crash", **person(2)}))
    requests, out = tmp_path / "requests.jsonl", tmp_path / "plans.jsonl"
    write_lines(requests, lines)
    env = {**os.environ, FAULT_ENV: "crash"}
    result = run_batch(
        [str(requests), "-o", str(out), "--workers", "2"], timeout=300, env=env
    )
    assert result.returncode == 3, result.stderr  # a request failed
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "\r" not in result.stderr  # no progress bar: stderr is not a terminal
    rows = read_results(out)
    assert sorted(r["index"] for r in rows) == [0, 1, 3, 4, 5, 6, 7, 8]
    status = {(r["id"], r["index"]): r["status"] for r in rows}
    assert status == {
        ("p0", 0): "planned",
        ("line-2", 1): "invalid",
        ("p1", 3): "planned",
        ("p2", 4): "planned",
        ("p3", 5): "planned",
        ("line-7", 6): "infeasible",
        ("p0", 7): "invalid",
        ("crash", 8): "failed",
    }
    for r in rows:
        parsed = BatchResult.model_validate(r)
        if parsed.plan is not None:
            check_plan(parsed.plan, table)
    # Rerun: everything is done; the exit status still tells the whole story.
    again = run_batch([str(requests), "-o", str(out)], timeout=120)
    assert again.returncode == 3, again.stderr
    assert len(read_results(out)) == len(rows)
    assert "8 already done" in again.stderr
    # --retry-failed plans the failed request again (it succeeds without the fault).
    retry = run_batch(
        [str(requests), "-o", str(out), "--retry-failed", "--workers", "1"],
        timeout=120,
    )
    assert retry.returncode == 2, retry.stderr  # bad lines remain bad
    final = read_results(out)
    assert len(final) == len(rows)
    assert {r["id"]: r["status"] for r in final if r["index"] == 8} == {
        "crash": "planned"
    }


def test_cli_batch_to_stdout_is_pure_json_lines(tmp_path: Path) -> None:
    requests = tmp_path / "requests.jsonl"
    write_lines(requests, [json.dumps(person(0)), "[]"])
    result = run_batch(
        [str(requests), "-o", "-", "--workers", "1", "--ordered"], timeout=300
    )
    assert result.returncode == 2, result.stderr
    rows = [
        BatchResult.model_validate_json(line) for line in result.stdout.splitlines()
    ]
    assert [(r.id, r.status.value) for r in rows] == [
        ("line-1", "planned"),
        ("line-2", "invalid"),
    ]


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_cli_batch_full_disk_exits_3_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mealplan._cli import main

    requests = tmp_path / "r.jsonl"
    write_lines(requests, ["{bad line"])  # answered without a worker
    assert main(["batch", str(requests), "-o", "/dev/full", "--workers", "1"]) == 3
    err = capsys.readouterr().err
    assert "cannot write to '/dev/full'" in err
    assert len(err.strip().splitlines()) == 1, err


def test_cli_batch_lost_workers_are_named_not_the_output_file(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A cluster that goes away mid-run is the workers' failure, exit 3.

    It was reported as "cannot write to 'out.jsonl'", sending the user to a
    file that was fine; the lines already written stay, for the rerun.
    """
    import mealplan._batch as batch
    from mealplan._cli import main

    def lost(jobs: Any, **_: Any) -> Any:
        for job in jobs:
            if isinstance(job, BatchResult):
                yield job
            raise ConnectionResetError(104, "Connection reset by peer")

    monkeypatch.setattr(batch, "run_jobs", lost)
    requests = tmp_path / "r.jsonl"
    write_lines(requests, ["{bad line", "{bad line"])  # answered without a worker
    out = tmp_path / "out.jsonl"
    assert main(["batch", str(requests), "-o", str(out), "--workers", "1"]) == 3
    err = capsys.readouterr().err
    assert "the workers failed (Connection reset by peer) after 1 new line(s)" in err
    assert "cannot write" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert len(out.read_text(encoding="utf-8").splitlines()) == 1


def test_cli_batch_ray_without_ray_exits_2_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib.util

    if importlib.util.find_spec("ray") is not None:
        pytest.skip("Ray is installed here (tests/test_batch_ray.py runs it)")
    from mealplan._cli import main

    requests = tmp_path / "r.jsonl"
    write_lines(requests, [json.dumps(person(0))])
    assert (
        main(
            ["batch", str(requests), "-o", str(tmp_path / "o.jsonl"), "--ray", "local"]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "mealplan batch: --ray needs Ray; install it with pip install 'mealplan[ray]'."
    ]


def test_cli_batch_bad_arguments_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from mealplan._cli import main

    requests = tmp_path / "r.jsonl"
    write_lines(requests, [json.dumps(person(0))])
    out = str(tmp_path / "o.jsonl")
    for args in (
        [str(tmp_path / "missing.jsonl"), "-o", out],
        [str(requests), "-o", out, "--workers", "0"],
        [str(requests), "-o", out, "--chunksize", "0"],
        [str(requests), "-o", out, "--workers", "2", "--scheduler", "x"],
        [str(requests), "-o", out, "--ray", "local", "--workers", "2"],
        [str(requests), "-o", out, "--ray", "local", "--scheduler", "x"],
        [str(requests), "-o", out, "--format", "csv"],
        [str(requests), "-o", str(tmp_path / "no-such-dir" / "o.jsonl")],
    ):
        assert main(["batch", *args]) == 2, args
        err = capsys.readouterr()
        assert err.out == ""
        assert len(err.err.strip().splitlines()) == 1, err.err
    # An output file that is not batch results is refused, not appended to.
    (tmp_path / "notes.txt").write_text("my notes\n", encoding="utf-8")
    assert main(["batch", str(requests), "-o", str(tmp_path / "notes.txt")]) == 2
    assert "not a batch result" in capsys.readouterr().err
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "my notes\n"


def test_an_interrupt_while_a_line_is_serialised_waits_for_the_line() -> None:
    """Ctrl-C during the JSON serialising: the line is written whole, then the
    batch stops as interrupted (exit 130 and resumable).

    CI saw it raised inside pydantic's serialiser instead: "internal error
    (PydanticSerializationError ... KeyboardInterrupt)", exit 3.
    """
    import io

    from mealplan._batch_cli import _Writer

    stream = io.StringIO()
    writer = _Writer(stream)

    class Result:
        def to_json_line(self) -> str:
            writer.on_signal(signal.SIGINT, None)  # the signal arrives here
            return '{"id": "p0"}'

    with pytest.raises(KeyboardInterrupt):
        writer.write(Result())  # type: ignore[arg-type]
    assert stream.getvalue() == '{"id": "p0"}\n'


def test_cli_batch_interrupted_then_resumed(tmp_path: Path) -> None:
    n = 12
    lines = [json.dumps({"id": f"p{i}", **person(i)}) for i in range(n)]
    requests, out = tmp_path / "requests.jsonl", tmp_path / "plans.jsonl"
    write_lines(requests, lines)
    proc = subprocess.Popen(
        [str(BIN), "batch", str(requests), "-o", str(out), "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and proc.poll() is None:
            if out.exists() and out.read_text(encoding="utf-8").count("\n") >= 3:
                break
            time.sleep(0.01)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
        # Close the pipes on every path: one left open is reported as an
        # unraisable ResourceWarning in whichever later test collects it.
        proc.communicate()
    assert proc.returncode == 130, stderr
    assert stdout == ""
    assert "resume" in stderr
    assert "Traceback" not in stderr
    first = read_results(out)  # whole lines only
    assert 3 <= len(first) < n
    # A crash mid-write (say, SIGKILL) could leave a partial line: resuming cuts it.
    with out.open("a", encoding="utf-8") as f:
        f.write('{"schema_version":"1","id":"p')
    # Resume with a terminal as stderr: the progress bar shows there, not on stdout.
    import pty

    leader, follower = pty.openpty()
    shown = bytearray()

    def read_terminal() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read_terminal, daemon=True)
    reader.start()
    try:
        resumed = subprocess.run(
            [str(BIN), "batch", str(requests), "-o", str(out), "--workers", "2"],
            stdout=subprocess.PIPE,
            stderr=follower,
            timeout=300,
            check=False,
        )
    finally:
        os.close(follower)
        reader.join(timeout=10)
        os.close(leader)
    assert resumed.returncode == 0
    assert resumed.stdout == b""
    assert b"plans/s" in shown, bytes(shown)
    assert b"ETA" in shown
    assert f"{len(first)} already done".encode() in shown
    rows = read_results(out)
    ids = [r["id"] for r in rows]
    assert sorted(ids) == sorted(f"p{i}" for i in range(n))  # nothing lost or doubled
    assert all(r["status"] == "planned" for r in rows)
    assert rows[: len(first)] == first


def test_progress_line_has_rate_and_eta() -> None:
    import io

    stream = io.StringIO()
    progress = _Progress(10, stream)
    progress.began -= 2.0  # two seconds ago
    dummy: Any = None
    for _ in range(4):
        progress.shown = 0.0
        progress.update(dummy)
    progress.close()
    text = stream.getvalue()
    assert "4/10" in text
    assert "plans/s" in text
    assert "ETA" in text
    assert text.endswith("\n")


def test_a_worker_left_by_a_broken_pool_is_ended_when_the_batch_closes() -> None:
    """A stray of an earlier pool never keeps the batch from exiting.

    Python 3.11's pool can start a worker while a crash breaks it; the
    worker then waits for work forever and the interpreter's exit, which
    joins every child, with it (a CI run of ``mealplan batch`` printed its
    summary and hung until killed). Here the stray is made by hand: a
    process of the batch's start method that only sleeps, in the worker
    dict of an earlier pool.
    """
    from mealplan import _batch, _batch_pool

    runner = _batch._Runner(None, None, 1, 1, True, None)
    pool = runner.executor
    assert isinstance(pool, cf.ProcessPoolExecutor)
    workers = _batch_pool.workers_of(pool)
    assert workers is pool._processes
    ctx = _batch_pool.context()
    assert isinstance(ctx, ForkServerContext | SpawnContext), ctx  # never fork
    stray = ctx.Process(target=time.sleep, args=(600,))
    stray.start()
    try:
        runner.spawned.insert(0, {stray.pid or 0: stray})
        runner.close(now=False)
        stray.join(timeout=10)
        assert not stray.is_alive()
    finally:
        if stray.is_alive():
            stray.kill()
            stray.join()


def test_an_interrupted_pool_has_closed_its_wakeup_pipe_when_stopped() -> None:
    """``stop_pool(now=True)`` returns only after the pool's manager thread ended.

    Python 3.11's exit hook writes to each pool's wakeup pipe unless it is
    closed; the manager thread closes it as it ends, and when the two raced
    an interrupted ``mealplan batch`` printed "OSError: [Errno 9] Bad file
    descriptor" with a traceback (CI, twice). ``shutdown`` clears the pool's
    reference to the thread, so the thread must be taken before it.
    """
    from mealplan import _batch_pool

    pool = cf.ProcessPoolExecutor(max_workers=1, mp_context=_batch_pool.context())
    busy = pool.submit(time.sleep, 600)
    manager: object = pool._executor_manager_thread
    wakeup = pool._executor_manager_thread_wakeup
    assert isinstance(manager, threading.Thread)
    assert wakeup is not None
    _batch_pool.stop_pool(pool, now=True)
    assert not manager.is_alive()
    assert wakeup._closed  # the exit hook skips a closed pipe
    assert busy.done()
