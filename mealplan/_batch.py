"""Plan for many people at once: :func:`plan_many` over any executor.

:func:`plan_many` turns an iterable of requests into a stream of
:class:`BatchResult` objects, one per request, each carrying exactly one of a
plan, a diagnosis or a typed error: one bad or infeasible request never stops
the batch.

Why it is built this way:

* **No fork after a solve.** A HiGHS solve leaves threads behind, and a
  process forked from it hangs. The default pool therefore starts its workers
  with ``forkserver`` (``spawn`` where that is missing): the fork server
  imports mealplan once and never solves, so workers start cheaply and safely.
  A caller's own ``ProcessPoolExecutor`` that forks is refused.
* **The food table travels once.** The default pool hands it to each worker
  in its initializer; on Dask it is scattered to every worker once; the
  bundled table is never sent at all (each worker loads its own copy once).
  Other executors get it with each task (``chunksize`` amortises that).
* **Flat memory.** At most a few tasks per worker are in flight; the input is
  read lazily and results stream out, so 10,000 requests cost the parent no
  more memory than 10.
* **Faults stay local.** A worker that dies breaks a process pool and every
  task in it: the pool is replaced, the tasks that were in flight are re-run
  one at a time to find the one that kills its worker, and only that request
  is reported as failed.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
import json
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal

from pydantic import Field, model_validator

from mealplan._catalog import FoodTable, load_foods
from mealplan._errors import (
    FoodTableError,
    InfeasiblePlanError,
    MealPlanError,
    RequestError,
    SolverError,
    TargetError,
    UnknownFoodError,
    UnknownNutrientError,
)
from mealplan._models import SCHEMA_VERSION, Diagnosis, MealPlan, PlanRequest, _Model

__all__ = [
    "BatchError",
    "BatchResult",
    "BatchStatus",
    "default_workers",
    "plan_many",
]

BatchInput = (
    PlanRequest
    | Mapping[str, Any]
    | str
    | bytes
    | tuple[str | int, PlanRequest | Mapping[str, Any] | str | bytes]
)
"""One request of a batch: a request (model, dict or JSON text, optionally
with an ``"id"`` key), or an ``(id, request)`` pair."""

MAX_ID_LENGTH = 200
"""Longest request id accepted, in characters."""

FAULT_ENV = "MEALPLAN_BATCH_TEST_CRASH_ID"
"""Test-only fault injection: a worker asked to plan the request with this id
exits at once, as a crashing worker would, so a test can kill a worker of any
executor at a known request without racing it. The default pool reads it when
it starts (its fork server may predate the variable); other executors' workers
read their own environment."""

_INPUT_ERRORS = (
    RequestError,
    UnknownFoodError,
    UnknownNutrientError,
    TargetError,
    FoodTableError,
)


class BatchStatus(StrEnum):
    """What became of one request of a batch."""

    PLANNED = "planned"
    """A plan was found (``plan`` is set)."""
    INFEASIBLE = "infeasible"
    """No plan meets the request; ``diagnosis`` says why (``error`` when the
    diagnosis itself could not be computed)."""
    INVALID = "invalid"
    """Bad input: not JSON, not a request, or a request that fails validation
    (``error`` is set)."""
    FAILED = "failed"
    """The solver failed or ran out of time, or the worker died (``error``)."""


class BatchError(_Model):
    """A typed error of one request, as data."""

    type: str = Field(
        description="The error's class, e.g. 'RequestError', 'SolverError', or "
        "'WorkerCrash' when the process planning the request died.",
    )
    message: str = Field(description="One sentence: what happened and how to fix it.")
    errors: list[dict[str, str]] = Field(
        default_factory=list,
        description="For bad input: every problem as {'loc': 'person.age', 'msg': ...}.",
    )

    def exception(self) -> MealPlanError:
        """Return the typed exception this error stands for."""
        kinds: dict[str, type[MealPlanError]] = {
            cls.__name__: cls
            for cls in (
                *_INPUT_ERRORS,
                InfeasiblePlanError,
                SolverError,
            )
        }
        cls = kinds.get(self.type, MealPlanError)
        if cls is RequestError:
            return RequestError(self.message, self.errors)
        return cls(self.message)


class BatchResult(_Model):
    """The outcome of one request of a batch: exactly one of plan, diagnosis, error."""

    schema_version: Literal["1"] = SCHEMA_VERSION
    id: str = Field(
        description="The request's id: its 'id' key, or its 0-based position in "
        "the input when it has none."
    )
    index: int = Field(ge=0, description="The request's 0-based position in the input.")
    status: BatchStatus
    plan: MealPlan | None = None
    diagnosis: Diagnosis | None = None
    error: BatchError | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> BatchResult:
        given = [
            name
            for name in ("plan", "diagnosis", "error")
            if getattr(self, name) is not None
        ]
        if len(given) != 1:
            msg = f"a batch result carries exactly one of plan, diagnosis, error (got {given or 'none'})"
            raise ValueError(msg)
        allowed = {
            BatchStatus.PLANNED: {"plan"},
            BatchStatus.INFEASIBLE: {"diagnosis", "error"},
            BatchStatus.INVALID: {"error"},
            BatchStatus.FAILED: {"error"},
        }[self.status]
        if given[0] not in allowed:
            msg = f"status {self.status.value!r} cannot carry a {given[0]}"
            raise ValueError(msg)
        return self

    @property
    def ok(self) -> bool:
        """True when the request got an answer: a plan or a diagnosis."""
        return self.status in {BatchStatus.PLANNED, BatchStatus.INFEASIBLE}

    def unwrap(self) -> MealPlan:
        """Return the plan, or raise the typed error :func:`mealplan.plan` would have.

        Raises:
            InfeasiblePlanError: No plan exists; ``.diagnosis`` says why.
            MealPlanError: The request was invalid or failed (its subclass).

        """
        if self.plan is not None:
            return self.plan
        if self.diagnosis is not None:
            raise InfeasiblePlanError(self.diagnosis.message, self.diagnosis)
        assert self.error is not None  # guaranteed by the validator
        raise self.error.exception()

    def to_json_line(self) -> str:
        """Return the result as one line of JSON (no trailing newline), nulls left out."""
        empty = {k for k in ("plan", "diagnosis", "error") if getattr(self, k) is None}
        return self.model_dump_json(exclude=empty)


# ------------------------------------------------------------ input parsing


@dataclass(frozen=True)
class _Job:
    """One request on its way to a worker: id, position and body."""

    id: str
    index: int
    body: PlanRequest | dict[str, Any]


def _invalid(rid: str, index: int, message: str, loc: str = "request") -> BatchResult:
    return BatchResult(
        id=rid,
        index=index,
        status=BatchStatus.INVALID,
        error=BatchError(
            type="RequestError",
            message=message,
            errors=[{"loc": loc, "msg": message}],
        ),
    )


def _check_id(value: object) -> str:
    """Return a request id as text; raise ValueError naming what is wrong."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        msg = f"the request id must be a string or an integer (got {value!r:.60})"
        raise ValueError(msg)
    text = str(value)
    if not text.strip() or len(text) > MAX_ID_LENGTH or "\n" in text:
        msg = f"the request id must be 1-{MAX_ID_LENGTH} characters on one line (got {text!r:.60})"
        raise ValueError(msg)
    return text


def prepare(
    item: object, index: int, default_id: Callable[[int], str] = str
) -> _Job | BatchResult:
    """Split one input item into a job for a worker, or an invalid result.

    JSON is decoded here (so a line's id is known before it is planned); the
    request itself is validated in the worker.
    """
    rid: str | None = None
    body: object = item
    if isinstance(item, tuple):
        if len(item) != 2:
            return _invalid(
                default_id(index),
                index,
                f"Batch item {index} is a tuple of {len(item)}; give (id, request).",
            )
        try:
            rid = _check_id(item[0])
        except ValueError as exc:
            return _invalid(
                default_id(index), index, f"Batch item {index}: {exc}.", "id"
            )
        body = item[1]
    label = rid or default_id(index)
    if isinstance(body, PlanRequest):
        return _Job(label, index, body)
    if isinstance(body, str | bytes):
        try:
            body = json.loads(body)
        except ValueError as exc:
            shown = f"{exc}".split(":")[0]
            return _invalid(
                label,
                index,
                f"Request {label!r} is not valid JSON ({shown}); give one JSON object per line.",
            )
    if not isinstance(body, Mapping):
        return _invalid(
            label,
            index,
            f"Request {label!r} is a JSON {type(body).__name__}, not an object; "
            'give a request object such as {"person": {"age": 35, "sex": "female"}}.',
        )
    data = dict(body)
    if "id" in data:
        raw = data.pop("id")
        if rid is None:
            try:
                label = _check_id(raw)
            except ValueError as exc:
                return _invalid(label, index, f"Request {label!r}: {exc}.", "id")
    return _Job(label, index, data)


# ------------------------------------------------------------------ workers

_table: FoodTable | None = None
_crash_id: str | None = None
_bundled: FoodTable | None = None
_bundled_lock = threading.Lock()


def _init_worker(foods: FoodTable | None, crash_id: str | None = None) -> None:
    """Set up a worker of the default pool: keep the table, ignore Ctrl-C.

    Ctrl-C reaches the whole process group; only the parent should act on it
    (it stops the pool), so a worker never dies half-way through a request.
    """
    global _table, _crash_id  # one table per worker process, set once
    _table = foods
    _crash_id = crash_id
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker shares the parent's stdout, which may be the JSON lines of
    # 'mealplan batch -o -': nothing a worker prints may land there.
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.close(devnull)
        _one_solver_thread()
        os.dup2(2, 1)


def _one_solver_thread() -> None:
    """Pin HiGHS to one thread in this worker: the pool is the parallelism.

    HiGHS sizes its process-wide scheduler at its first solve (half the
    cores by default), and later solves keep it; a tiny first solve with
    ``threads=1`` keeps N workers on N cores instead of N x cores/2 threads.
    """
    try:
        import highspy

        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.addVar(0.0, 1.0)
        h.run()
    except Exception:  # an optimisation only: plans work without it
        pass


def _worker_table(foods: FoodTable | None) -> FoodTable:
    global _bundled  # loaded once per worker process
    if foods is not None:
        return foods
    if _table is not None:
        return _table
    with _bundled_lock:
        if _bundled is None:
            _bundled = load_foods()
        return _bundled


def _error(exc: BaseException) -> BatchError:
    errors = list(getattr(exc, "errors", None) or [])
    message = str(exc).strip().replace("\n", " ")
    if not isinstance(exc, MealPlanError):
        message = f"Internal error while planning ({type(exc).__name__}: {message}); please report it."
    return BatchError(type=type(exc).__name__, message=message, errors=errors)


def _plan_one(job: _Job, table: FoodTable) -> BatchResult:
    from mealplan._planner import plan

    if job.id == (_crash_id or os.environ.get(FAULT_ENV)):
        os._exit(70)
    try:
        result = plan(job.body, table)
    except InfeasiblePlanError as exc:
        if exc.diagnosis is not None:
            return BatchResult(
                id=job.id,
                index=job.index,
                status=BatchStatus.INFEASIBLE,
                diagnosis=exc.diagnosis,
            )
        return BatchResult(
            id=job.id, index=job.index, status=BatchStatus.INFEASIBLE, error=_error(exc)
        )
    except _INPUT_ERRORS as exc:
        status = BatchStatus.INVALID
        return BatchResult(id=job.id, index=job.index, status=status, error=_error(exc))
    except Exception as exc:  # one request never stops the batch
        status = BatchStatus.FAILED
        return BatchResult(id=job.id, index=job.index, status=status, error=_error(exc))
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.PLANNED, plan=result
    )


def _plan_chunk(jobs: Sequence[_Job], foods: FoodTable | None) -> list[BatchResult]:
    """Plan a few requests in a worker (the task every executor runs)."""
    table = _worker_table(foods)
    return [_plan_one(job, table) for job in jobs]


# ------------------------------------------------------------------- parent


def default_workers() -> int:
    """Return the number of CPUs this process may use (the default pool size)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _context() -> multiprocessing.context.BaseContext:
    """Return a start method that never forks a process that has solved."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # The fork server imports mealplan once, so each worker forks from a
        # process that has imported but never solved anything.
        ctx.set_forkserver_preload(["mealplan._batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def _new_pool(workers: int, foods: FoodTable | None) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_context(),
        initializer=_init_worker,
        initargs=(foods, os.environ.get(FAULT_ENV)),
    )


def _stop_pool(pool: cf.Executor, *, now: bool) -> None:
    """Shut a pool down; ``now`` also ends its workers mid-request."""
    if not now:
        pool.shutdown(wait=True)
        return
    processes = dict(getattr(pool, "_processes", None) or {})
    pool.shutdown(wait=False, cancel_futures=True)
    # ProcessPoolExecutor (before 3.14) has no public way to end its workers;
    # without this an interrupted batch waits for the requests in flight.
    for proc in processes.values():
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes.values():
        with contextlib.suppress(Exception):
            proc.join(timeout=5)


def _check_executor(executor: cf.Executor) -> None:
    ctx = getattr(executor, "_mp_context", None)
    if ctx is not None and ctx.get_start_method() == "fork":
        msg = (
            "The executor starts its workers with 'fork', which hangs once a solve "
            "has run in this process; create it with "
            "mp_context=multiprocessing.get_context('forkserver') or pass executor=None."
        )
        raise RequestError(msg, [{"loc": "executor", "msg": msg}])


def _dask_client(executor: cf.Executor) -> Any:
    """Return the Dask client behind ``Client.get_executor()``, or None."""
    if type(executor).__module__.startswith("distributed"):
        return getattr(executor, "_client", None)
    return None


def _capacity(executor: cf.Executor, workers: int | None) -> int:
    if workers is not None:
        return workers
    client = _dask_client(executor)
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, int(sum(client.nthreads().values())))
    return max(1, int(getattr(executor, "_max_workers", 0) or default_workers()))


@dataclass(eq=False)  # tasks are told apart by identity
class _Task:
    jobs: list[_Job]
    results: list[BatchResult] | None = None
    future: cf.Future[list[BatchResult]] | None = field(default=None, repr=False)


def _crashed(job: _Job, exc: BaseException) -> BatchResult:
    message = (
        f"The worker process planning request {job.id!r} died "
        f"({type(exc).__name__}); the request was not planned; retry it alone, "
        "with a longer time limit or a smaller plan, or report it."
    )
    error = BatchError(type="WorkerCrash", message=message)
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.FAILED, error=error
    )


def _failed(job: _Job, exc: BaseException) -> BatchResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = (
        f"The executor could not plan request {job.id!r} "
        f"({type(exc).__name__}: {text[:200]}); retry it or check the executor."
    )
    error = BatchError(type=type(exc).__name__, message=message)
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.FAILED, error=error
    )


def _exception(future: cf.Future[list[BatchResult]]) -> BaseException | None:
    try:
        return future.exception()
    except cf.CancelledError as exc:  # e.g. a Dask task cancelled by its cluster
        return exc


class _Runner:
    """The parent side of a batch: bounded submission, crash recovery, ordering."""

    def __init__(
        self,
        executor: cf.Executor | None,
        foods: FoodTable | None,
        workers: int | None,
        chunksize: int,
        ordered: bool,
        on_result: Callable[[BatchResult], object] | None,
    ) -> None:
        self.owned = executor is None
        self.workers = workers or default_workers()
        self.foods = foods
        if executor is None:
            executor = _new_pool(self.workers, foods)
            self.foods_arg: Any = None  # the initializer already gave it
        else:
            _check_executor(executor)
            self.foods_arg = foods
            client = _dask_client(executor)
            if client is not None and foods is not None:
                # Once per worker, not once per task.
                self.foods_arg = client.scatter(foods, broadcast=True, hash=False)
        self.executor = executor
        self.chunksize = chunksize
        self.ordered = ordered
        self.on_result = on_result
        self.window = 2 * _capacity(executor, workers if self.owned else None)
        self.pending: dict[cf.Future[list[BatchResult]], _Task] = {}
        self.slots: collections.deque[_Task] = collections.deque()
        self.ready: collections.deque[BatchResult] = collections.deque()

    # -- submission
    def _submit(self, task: _Task) -> None:
        try:
            future = self.executor.submit(_plan_chunk, task.jobs, self.foods_arg)
        except cf.BrokenExecutor as exc:
            if not self.owned:
                self._finish(task, [_failed(j, exc) for j in task.jobs])
                return
            self._replace_pool()
            future = self.executor.submit(_plan_chunk, task.jobs, self.foods_arg)
        except RuntimeError as exc:  # shut down under us
            self._finish(task, [_failed(j, exc) for j in task.jobs])
            return
        task.future = future
        self.pending[future] = task

    def _replace_pool(self) -> None:
        _stop_pool(self.executor, now=True)
        self.executor = _new_pool(self.workers, self.foods)

    def _finish(self, task: _Task, results: list[BatchResult]) -> None:
        task.results = results
        for result in results:
            if self.on_result is not None:
                self.on_result(result)
            if not self.ordered:
                self.ready.append(result)

    def add(self, items: list[_Job | BatchResult]) -> None:
        """Queue a run of prepared items: jobs become tasks, results are ready."""
        jobs: list[_Job] = []
        for item in items:
            if isinstance(item, BatchResult):
                if jobs:
                    self._add_task(_Task(jobs))
                    jobs = []
                task = _Task([])
                if self.ordered:
                    self.slots.append(task)
                self._finish(task, [item])
            else:
                jobs.append(item)
        if jobs:
            self._add_task(_Task(jobs))

    def _add_task(self, task: _Task) -> None:
        if self.ordered:
            self.slots.append(task)
        self._submit(task)

    @property
    def full(self) -> bool:
        # Results waiting to be yielded count too: a long run of bad lines
        # must not be read into memory at once.
        backlog = max(len(self.slots), len(self.ready))
        return len(self.pending) >= self.window or backlog >= 4 * self.window

    # -- collection
    def drain(self) -> Iterator[BatchResult]:
        """Yield every result that may be yielded now."""
        if self.ordered:
            while self.slots and self.slots[0].results is not None:
                yield from self.slots.popleft().results or []
        else:
            while self.ready:
                yield self.ready.popleft()

    def wait(self) -> None:
        """Block until at least one task in flight has finished, and collect it."""
        if not self.pending:
            return
        done, _ = cf.wait(list(self.pending), return_when=cf.FIRST_COMPLETED)
        broken: list[_Task] = []
        for future in done:
            task = self.pending.pop(future)
            exc = _exception(future)
            if exc is None:
                self._finish(task, future.result())
            elif isinstance(exc, cf.BrokenExecutor) and self.owned:
                broken.append(task)
            elif len(task.jobs) > 1:
                # One of them may be the cause: try each on its own.
                self._split(task)
            else:
                self._finish(task, [_failed(task.jobs[0], exc)])
        if broken:
            self._recover(broken)

    def _split(self, task: _Task) -> None:
        singles = [_Task([job]) for job in task.jobs]
        if self.ordered:
            # The singles take the chunk's place in the output order.
            position = self.slots.index(task)
            self.slots.remove(task)
            for offset, single in enumerate(singles):
                self.slots.insert(position + offset, single)
        for single in singles:
            self._submit(single)

    def _recover(self, broken: list[_Task]) -> None:
        """Recover from a worker that died and took the pool with it.

        Every task in flight is now broken too. The pool is replaced and each
        of their requests is re-run alone, so the request that kills its
        worker is reported as failed and the others get their real results.
        """
        for future, task in list(self.pending.items()):
            exc = _exception(future)  # a broken pool fails every future at once
            del self.pending[future]
            if exc is None:
                self._finish(task, future.result())
            else:
                broken.append(task)
        self._replace_pool()
        for task in broken:
            results = []
            for job in task.jobs:
                future = self.executor.submit(_plan_chunk, [job], self.foods_arg)
                try:
                    results.extend(future.result())
                except cf.BrokenExecutor as exc:
                    results.append(_crashed(job, exc))
                    self._replace_pool()
            self._finish(task, results)

    def close(self, *, now: bool) -> None:
        for future in self.pending:
            future.cancel()
        if self.owned:
            _stop_pool(self.executor, now=now)


def run_jobs(
    items: Iterable[_Job | BatchResult],
    *,
    executor: cf.Executor | None = None,
    foods: FoodTable | None = None,
    workers: int | None = None,
    chunksize: int = 1,
    ordered: bool = True,
    on_result: Callable[[BatchResult], object] | None = None,
) -> Generator[BatchResult, None, None]:
    """Plan prepared items (see :func:`prepare`); the engine of :func:`plan_many`."""
    runner = _Runner(executor, foods, workers, chunksize, ordered, on_result)
    finished = False
    try:
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and not runner.full:
                run: list[_Job | BatchResult] = []
                for item in source:
                    run.append(item)
                    if len(run) >= chunksize:
                        break
                else:
                    exhausted = True
                if run:
                    runner.add(run)
            yield from runner.drain()
            if exhausted and not runner.pending:
                yield from runner.drain()
                break
            runner.wait()
        finished = True
    finally:
        runner.close(now=not finished)


def plan_many(
    requests: Iterable[BatchInput],
    *,
    executor: cf.Executor | None = None,
    foods: FoodTable | None = None,
    workers: int | None = None,
    chunksize: int = 1,
    on_result: Callable[[BatchResult], object] | None = None,
    ordered: bool = True,
) -> Iterator[BatchResult]:
    """Plan many requests in parallel, yielding one :class:`BatchResult` each.

    Args:
        requests: Requests as :class:`PlanRequest` objects, dicts or JSON text
            (a dict or JSON object may carry an ``"id"``), or ``(id, request)``
            pairs. Read lazily: a generator of millions is fine.
        executor: Any :class:`concurrent.futures.Executor`, e.g. a Dask
            ``Client(...).get_executor()``. None: a process pool of
            ``workers`` processes started with ``forkserver`` (``spawn`` where
            missing), shut down when the iteration ends. A pool of your own
            must not use ``fork``.
        foods: The food table; the bundled one when None. Sent to each worker
            once with the default pool or Dask.
        workers: The default pool's size (default: the CPUs this process may
            use); with an executor of your own, how many tasks it runs at once.
        chunksize: Requests per task; raise it when requests are tiny and the
            executor's per-task cost is high.
        on_result: Called in this process with each result as soon as it is
            known (completion order), e.g. to show progress.
        ordered: True: results come in input order. False: as each completes
            (faster when solve times differ); ``index`` gives the position.

    Yields:
        One :class:`BatchResult` per request, never raising for a request:
        bad input, infeasibility, solver failures and dead workers are results.

    Raises:
        RequestError: ``executor`` forks (a solve would hang its workers), or
            ``chunksize`` / ``workers`` is below 1.

    Examples:
        >>> import mealplan
        >>> people = [{"id": "ann", "person": {"age": 35, "sex": "female"}}]
        >>> [r.status.value for r in mealplan.plan_many(people, workers=1)]
        ['planned']

    """
    for name, value in (("chunksize", chunksize), ("workers", workers)):
        if value is not None and (isinstance(value, bool) or value < 1):
            msg = f"plan_many: {name} must be an integer of at least 1 (got {value!r})."
            raise RequestError(msg, [{"loc": name, "msg": msg}])
    if executor is not None:
        _check_executor(executor)
    prepared = (prepare(item, i) for i, item in enumerate(requests))
    return run_jobs(
        prepared,
        executor=executor,
        foods=foods,
        workers=workers,
        chunksize=chunksize,
        ordered=ordered,
        on_result=on_result,
    )
