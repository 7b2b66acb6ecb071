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
  in its initializer; on Dask a worker plugin installs it on every worker,
  restarted ones too (and readies each worker: one solver thread, its
  profiler paused during the batch); the bundled table is never sent at all (each worker
  loads its own copy once). Other executors get it with each task
  (``chunksize`` amortises that).
* **Flat memory.** At most a few tasks per worker are in flight; the input is
  read lazily and results stream out, so 10,000 requests cost the parent no
  more memory than 10.
* **Faults stay local.** A worker that dies breaks a process pool and every
  task in it (on Dask, the tasks that worker held): the pool is replaced, the
  failed tasks are re-run one at a time once nothing else is in flight, and
  only the request that kills its worker is reported as failed.
"""

from __future__ import annotations

import collections
import concurrent.futures as cf
import contextlib
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass, field
from typing import Any

from mealplan._batch_models import BatchError, BatchResult, BatchStatus
from mealplan._batch_pool import (
    capacity,
    check_executor,
    dask_client,
    end_strays,
    new_pool,
    stop_pool,
    workers_of,
)
from mealplan._batch_worker import (
    Job,
    default_workers,
    plan_chunk,
    prepare,
)
from mealplan._catalog import FoodTable
from mealplan._errors import RequestError
from mealplan._models import PlanRequest

__all__ = [
    "AUTO_TASK_SECONDS",
    "MAX_AUTO_CHUNK",
    "BatchError",
    "BatchResult",
    "BatchStatus",
    "auto_chunksize",
    "default_workers",
    "plan_many",
    "run_jobs",
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

# ------------------------------------------------------------------- parent

AUTO_TASK_SECONDS = 1.0
"""With ``chunksize=None``, about this much of a worker's time per task.

Each task costs its executor a fixed amount besides the requests' own work:
measured on a 2-worker Dask ``LocalCluster`` (load 9-13), about 6 ms of CPU
in the calling process (client, scheduler) and 4 ms in the worker per task,
against 0.2-0.5 s for a default day; a process pool's is under 1 ms. At a
second a task that is 1 % or less, while a batch of long requests (weeks,
diagnoses) still sends one request per task, so no worker waits on another's
chunk at the end."""

MAX_AUTO_CHUNK = 8
"""The most requests an automatic chunk holds (results of a chunk arrive
together, so progress is reported in steps of at most this many)."""


def auto_chunksize(
    mean_seconds: float | None, remaining: int | None, capacity: int
) -> int:
    """Return the requests per task for ``chunksize=None``.

    Args:
        mean_seconds: The mean of the workers' time per request so far (None
            before the first result: one request per task until it is known).
        remaining: Requests not yet sent, when the input's length is known:
            the batch's tail goes one request per task (at most a quarter of
            what is left per worker), so the last tasks end together.
        capacity: Tasks the executor runs at once.

    """
    size = 1
    if mean_seconds is not None and mean_seconds > 0:
        size = max(1, min(MAX_AUTO_CHUNK, int(AUTO_TASK_SECONDS / mean_seconds)))
    if remaining is not None:
        size = min(size, max(1, remaining // (4 * max(1, capacity))))
    return size


@dataclass(eq=False)  # tasks are told apart by identity
class _Task:
    jobs: list[Job]
    results: list[BatchResult] | None = None
    future: cf.Future[list[BatchResult]] | None = field(default=None, repr=False)


_FOREIGN_RETRIES = 2
"""Runs of a suspect request alone on a caller's executor before it fails."""


def _crashed(job: Job, exc: BaseException) -> BatchResult:
    message = (
        f"The worker process planning request {job.id!r} died "
        f"({type(exc).__name__}); the request was not planned; retry it alone, "
        "with a longer time limit or a smaller plan, or report it."
    )
    error = BatchError(type="WorkerCrash", message=message)
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.FAILED, error=error
    )


def _failed(job: Job, exc: BaseException) -> BatchResult:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    message = (
        f"The executor could not plan request {job.id!r} "
        f"({type(exc).__name__}: {text[:200]}); retry it or check the executor."
    )
    error = BatchError(type=type(exc).__name__, message=message)
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.FAILED, error=error
    )


_POLL_SECONDS = 5.0
"""How often a wait on an owned pool checks whether the pool broke."""

_LOST_WAIT = 10.0
"""Seconds a broken pool's futures get to fail before they count as lost."""


def _is_broken(executor: cf.Executor) -> bool:
    """Whether a process pool is broken (a worker died); False for others."""
    return bool(getattr(executor, "_broken", False))


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
        chunksize: int | None,
        ordered: bool,
        on_result: Callable[[BatchResult], object] | None,
    ) -> None:
        self.owned = executor is None
        self.uninstall: Callable[[], None] | None = None
        self.workers = workers or default_workers()
        self.foods = foods
        # Each owned pool's worker dict, kept to end strays (end_strays).
        self.spawned: list[dict[int, Any]] = []
        if executor is None:
            executor = new_pool(self.workers, foods)
            self.spawned.append(workers_of(executor))
            self.foods_arg: Any = None  # the initializer already gave it
        else:
            check_executor(executor)
            self.foods_arg = foods
            client = dask_client(executor)
            if client is not None:
                from mealplan._batch_dask import ready_workers

                # Once per worker (and per worker that joins), not per task:
                # the table, one solver thread, the profiler paused.
                self.foods_arg, self.uninstall = ready_workers(client, foods)
        self.executor = executor
        self.chunksize = chunksize
        self.ordered = ordered
        self.on_result = on_result
        # Two tasks per worker: one running, one queued, so no worker idles
        # while the parent collects a result.
        self.capacity = capacity(executor, workers)
        self.window = 2 * self.capacity
        self.seconds = 0.0  # the workers' time on the requests so far
        self.timed = 0  # how many results that time covers
        self.pending: dict[cf.Future[list[BatchResult]], _Task] = {}
        self.suspects: list[_Task] = []  # failed with their worker: re-run alone
        self.slots: collections.deque[_Task] = collections.deque()
        self.ready: collections.deque[BatchResult] = collections.deque()

    # -- submission
    def _submit(self, task: _Task) -> None:
        try:
            future = self.executor.submit(plan_chunk, task.jobs, self.foods_arg)
        except cf.BrokenExecutor as exc:
            if not self.owned:
                self._finish(task, [_failed(j, exc) for j in task.jobs])
                return
            self._replace_pool()
            future = self.executor.submit(plan_chunk, task.jobs, self.foods_arg)
        except RuntimeError as exc:  # shut down under us
            self._finish(task, [_failed(j, exc) for j in task.jobs])
            return
        task.future = future
        self.pending[future] = task

    def _replace_pool(self) -> None:
        stop_pool(self.executor, now=True)
        self.executor = new_pool(self.workers, self.foods)
        self.spawned.append(workers_of(self.executor))

    def chunk(self, remaining: int | None) -> int:
        """Return how many requests the next task takes."""
        if self.chunksize is not None:
            return self.chunksize
        mean = self.seconds / self.timed if self.timed else None
        return auto_chunksize(mean, remaining, self.capacity)

    def _finish(self, task: _Task, results: list[BatchResult]) -> None:
        task.results = results
        for result in results:
            if result.seconds is not None:
                self.seconds += result.seconds
                self.timed += 1
            if self.on_result is not None:
                self.on_result(result)
            if not self.ordered:
                self.ready.append(result)

    def add(self, items: list[Job | BatchResult]) -> None:
        """Queue a run of prepared items: jobs become tasks, results are ready."""
        jobs: list[Job] = []
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
        return (
            bool(self.suspects)
            or len(self.pending) >= self.window
            or backlog >= 4 * self.window
        )

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
        """Block until a task in flight has finished, and collect it.

        A task whose worker died (or that the executor failed) becomes a
        suspect: nothing new is submitted until every task in flight has
        finished, then each suspect request is re-run alone, so only the
        request that kills its worker is reported as failed. A dead worker
        takes innocent requests with it: every task of a broken process pool,
        or the tasks a Dask worker held.
        """
        if not self.pending:
            self._isolate()
            return
        done = self._first_done()
        broken = False
        for future in done:
            task = self.pending.pop(future)
            exc = _exception(future)
            if exc is None:
                self._finish(task, future.result())
            else:
                broken = broken or isinstance(exc, cf.BrokenExecutor)
                self.suspects.append(task)
        if (broken or not done) and self.owned:
            # A broken pool fails every future at once: collect them now. One
            # it lost (not failed after _LOST_WAIT) is a suspect as well.
            cf.wait(list(self.pending), timeout=_LOST_WAIT)
            for future, task in list(self.pending.items()):
                del self.pending[future]
                exc = _exception(future) if future.done() else None
                if future.done() and exc is None:
                    self._finish(task, future.result())
                else:
                    future.cancel()
                    self.suspects.append(task)
            self._replace_pool()
        if not self.pending:
            self._isolate()

    def _first_done(self) -> set[cf.Future[list[BatchResult]]]:
        """Wait for a task in flight; empty if our pool broke and lost them all.

        Python 3.11's ProcessPoolExecutor fails every pending future when a
        worker dies, but a future submitted while it breaks can be lost,
        never done (the kind of race cpython gh-132969 fixed in 3.13), and a
        wait without end on it would hang the batch (a CI run of the crash
        test hung for 300 s in session 20, where is not known). So an owned
        pool is checked every few seconds while nothing finishes.
        """
        while True:
            done, _ = cf.wait(
                list(self.pending),
                timeout=_POLL_SECONDS if self.owned else None,
                return_when=cf.FIRST_COMPLETED,
            )
            if done:
                return set(done)
            if _is_broken(self.executor):
                return set()

    def _result(self, future: cf.Future[list[BatchResult]]) -> list[BatchResult]:
        """Return ``future``'s result; a future a broken pool lost raises too."""
        while self.owned and not future.done():
            cf.wait([future], timeout=_POLL_SECONDS)
            if not future.done() and _is_broken(self.executor):
                cf.wait([future], timeout=_LOST_WAIT)
                if not future.done():
                    future.cancel()
                    msg = "the worker pool broke and lost this request"
                    raise cf.BrokenExecutor(msg)
        return future.result()

    def _isolate(self) -> None:
        """Re-run each suspect request alone, with nothing else in flight."""
        suspects, self.suspects = self.suspects, []
        for task in suspects:
            results = []
            for job in task.jobs:
                results.append(self._alone(job))
            self._finish(task, results)

    def _alone(self, job: Job) -> BatchResult:
        """Plan one suspect request with nothing else in flight.

        A cluster's worker may still be restarting after the crash that made
        the request a suspect (Dask's nanny brings it back), so a foreign
        executor's failure is retried once more before it is reported.
        """
        tries = 1 if self.owned else _FOREIGN_RETRIES
        for attempt in range(1, tries + 1):
            try:
                future = self.executor.submit(
                    plan_chunk, [job], self.foods_arg, attempt=attempt
                )
                return self._result(future)[0]
            except cf.BrokenExecutor as exc:
                if not self.owned:
                    last: BaseException = exc
                    continue
                self._replace_pool()
                return _crashed(job, exc)
            except Exception as exc:  # e.g. Dask's KilledWorker
                last = exc
        return _failed(job, last)

    def close(self, *, now: bool) -> None:
        for future in self.pending:
            future.cancel()
        if self.owned:
            # The broken pools' strays first, then the last pool as before,
            # then anything of it still alive.
            end_strays(self.spawned[:-1])
            stop_pool(self.executor, now=now)
            end_strays(self.spawned)
        if self.uninstall is not None:
            with contextlib.suppress(Exception):  # the cluster may be gone
                self.uninstall()


def run_jobs(
    items: Iterable[Job | BatchResult],
    *,
    executor: cf.Executor | None = None,
    foods: FoodTable | None = None,
    workers: int | None = None,
    chunksize: int | None = None,
    ordered: bool = True,
    on_result: Callable[[BatchResult], object] | None = None,
    total: int | None = None,
) -> Generator[BatchResult, None, None]:
    """Plan prepared items (see :func:`prepare`); the engine of :func:`plan_many`.

    ``chunksize`` None chooses it as the batch goes (:func:`auto_chunksize`);
    ``total``, the number of items when known, lets it shrink at the end.
    """
    runner = _Runner(executor, foods, workers, chunksize, ordered, on_result)
    finished = False
    taken = 0
    try:
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and not runner.full:
                run: list[Job | BatchResult] = []
                size = runner.chunk(None if total is None else total - taken)
                for item in source:
                    run.append(item)
                    if len(run) >= size:
                        break
                else:
                    exhausted = True
                taken += len(run)
                if run:
                    runner.add(run)
            yield from runner.drain()
            if exhausted and not runner.pending and not runner.suspects:
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
    chunksize: int | None = None,
    on_result: Callable[[BatchResult], object] | None = None,
    ordered: bool = True,
) -> Generator[BatchResult, None, None]:
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
        chunksize: Requests per task. None (the default): chosen as the
            batch goes, so a task holds about a second of a worker's time
            (one request per task for requests that take longer, at most
            8, one per task again at the end of an input whose length is
            known); results of a task arrive together. Every request still
            gets its own result, and a request that kills its worker is
            re-run alone and reported alone.
        on_result: Called in this process with each result as soon as it is
            known (completion order), e.g. to show progress.
        ordered: True: results come in input order. False: as each completes
            (faster when solve times differ); ``index`` gives the position.

    Yields:
        One :class:`BatchResult` per request, never raising for a request:
        bad input, infeasibility, solver failures and dead workers are results.
        Nothing starts until the first result is asked for; ``close()`` on
        the iterator (or dropping it) stops its pool at once.

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
        check_executor(executor)
    prepared = (prepare(item, i) for i, item in enumerate(requests))
    return run_jobs(
        prepared,
        executor=executor,
        foods=foods,
        workers=workers,
        chunksize=chunksize,
        ordered=ordered,
        on_result=on_result,
        total=len(requests) if isinstance(requests, Sized) else None,
    )
