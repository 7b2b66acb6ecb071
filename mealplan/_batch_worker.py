"""The worker side of a batch: requests split from their ids, planned one by one.

Runs in the worker processes (or threads) of whatever executor the batch
uses; the parent only sends :class:`Job` lists to :func:`plan_chunk`.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from mealplan._batch_models import INPUT_ERRORS, BatchError, BatchResult, BatchStatus
from mealplan._catalog import FoodTable, load_foods
from mealplan._errors import InfeasiblePlanError, MealPlanError, RequestError
from mealplan._interrupt import end_on_sigterm
from mealplan._models import PlanRequest
from mealplan._strictjson import JSONInputError, load_json

__all__ = [
    "FAULT_ENV",
    "MAX_ID_LENGTH",
    "Job",
    "default_workers",
    "drop_table",
    "install_table",
    "invalid",
    "plan_chunk",
    "prepare",
]


def default_workers() -> int:
    """Return the number of CPUs this process may use (the default pool size).

    Here, not in :mod:`mealplan._batch`, so the CLI can say it in ``--help``
    without importing multiprocessing for every command.
    """
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


MAX_ID_LENGTH = 200
"""Longest request id accepted, in characters."""

FAULT_ENV = "MEALPLAN_BATCH_TEST_CRASH_ID"
"""Test-only fault injection: a worker asked to plan the request with this id
exits at once, as a crashing worker would, so a test can kill a worker of any
executor at a known request without racing it. The default pool reads it when
it starts (its fork server may predate the variable); other executors' workers
read their own environment."""

# ------------------------------------------------------------ input parsing


@dataclass(frozen=True)
class Job:
    """One request on its way to a worker: id, position and body."""

    id: str
    index: int
    body: PlanRequest | dict[str, Any]


def invalid(rid: str, index: int, message: str, loc: str = "request") -> BatchResult:
    """Return the ``invalid`` result of a request that cannot be planned as given."""
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
) -> Job | BatchResult:
    """Split one input item into a job for a worker, or an invalid result.

    JSON is decoded here (so a line's id is known before it is planned); the
    request itself is validated in the worker.
    """
    rid: str | None = None
    body: object = item
    if isinstance(item, tuple):
        if len(item) != 2:
            return invalid(
                default_id(index),
                index,
                f"Batch item {index} is a tuple of {len(item)}; give (id, request).",
            )
        try:
            rid = _check_id(item[0])
        except ValueError as exc:
            return invalid(
                default_id(index), index, f"Batch item {index}: {exc}.", "id"
            )
        body = item[1]
    label = rid or default_id(index)
    if isinstance(body, PlanRequest):
        return Job(label, index, body)
    if isinstance(body, str | bytes):
        try:
            # Strictly, as 'mealplan plan' reads a request: json.loads kept the
            # last of two equal keys (no allergy filter for {"allergies":
            # ["peanuts"], "allergies": []}) and a deep line's RecursionError
            # ended the whole batch as an internal error.
            body = load_json(body)
        except JSONInputError as exc:
            if exc.kind != "json_invalid":
                return invalid(label, index, f"Request {label!r}: {exc}.")
            shown = f"{exc}".removeprefix("the text is not valid JSON (").split(" at ")[
                0
            ]
            return invalid(
                label,
                index,
                f"Request {label!r} is not valid JSON ({shown}); give one JSON object per line.",
            )
    if not isinstance(body, Mapping):
        return invalid(
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
                return invalid(label, index, f"Request {label!r}: {exc}.", "id")
    return Job(label, index, data)


# ------------------------------------------------------------------ workers

_table: FoodTable | None = None
_crash_id: str | None = None
_bundled: FoodTable | None = None
_bundled_lock = threading.Lock()


def init_worker(foods: FoodTable | None, crash_id: str | None = None) -> None:
    """Set up a worker of the default pool: keep the table, ignore Ctrl-C.

    Ctrl-C reaches the whole process group; only the parent should act on it
    (it stops the pool), so a worker never dies half-way through a request.
    """
    global _table, _crash_id  # one table per worker process, set once
    _table = foods
    _crash_id = crash_id
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Stopped by the parent (SIGTERM): kill a cbc child and remove its files.
    end_on_sigterm()
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

    HiGHS sizes a thread's scheduler at that thread's first solve (two
    threads here by default), so every solve of this process is given
    ``threads=1`` (:func:`set_solver_threads`): N workers keep to N cores.
    The tiny solve pins the calling thread's scheduler too, for a caller's
    own ``highspy`` solves in it.
    """
    from mealplan._backend_highs import set_solver_threads

    set_solver_threads(1)
    try:
        import highspy

        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("threads", 1)
        h.addVar(0.0, 1.0)
        h.run()
    except Exception:  # an optimisation only: plans work without it
        pass


_installed: dict[str, FoodTable] = {}


def install_table(token: str, foods: FoodTable) -> None:
    """Keep ``foods`` in this worker under ``token`` (Dask's worker plugin)."""
    _installed[token] = foods


def drop_table(token: str) -> None:
    """Forget the table kept under ``token``."""
    _installed.pop(token, None)


def _worker_table(foods: FoodTable | str | None) -> FoodTable | None:
    """Return the table to plan with; None: the bundled one, by solver.

    None lets ``plan`` pick the bundled table for each request's solver (with
    the dishes under HiGHS, without them under CBC and the other PuLP
    solvers, and a note saying so); it is loaded here once beforehand.
    """
    global _bundled  # loaded once per worker process
    if isinstance(foods, str):
        try:
            return _installed[foods]
        except KeyError:
            msg = "The batch's food table is not installed on this worker; run the batch again."
            raise RuntimeError(msg) from None
    if foods is not None:
        return foods
    if _table is not None:
        return _table
    with _bundled_lock:
        if _bundled is None:
            _bundled = load_foods()
        return None


def _error(exc: BaseException) -> BatchError:
    message = str(exc).strip().replace("\n", " ")
    if not isinstance(exc, MealPlanError):
        message = f"Internal error while planning ({type(exc).__name__}: {message}); please report it."
    errors: list[dict[str, str]] = []
    if isinstance(exc, RequestError):
        errors = list(exc.errors)
    elif isinstance(exc, INPUT_ERRORS):
        # Every bad-input result names at least one problem, as the CLI's JSON does.
        errors = [{"loc": "request", "msg": message}]
    return BatchError(type=type(exc).__name__, message=message, errors=errors)


def _plan_one(job: Job, table: FoodTable | None) -> BatchResult:
    began = time.perf_counter()
    result = _outcome(job, table)
    # Timed here, in the worker, so a batch can tell which requests cost its
    # time (benchmarks/sweep.py splits it by status and days).
    return result.model_copy(update={"seconds": time.perf_counter() - began})


def _outcome(job: Job, table: FoodTable | None) -> BatchResult:
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
    except INPUT_ERRORS as exc:
        status = BatchStatus.INVALID
        return BatchResult(id=job.id, index=job.index, status=status, error=_error(exc))
    except Exception as exc:  # one request never stops the batch
        status = BatchStatus.FAILED
        return BatchResult(id=job.id, index=job.index, status=status, error=_error(exc))
    return BatchResult(
        id=job.id, index=job.index, status=BatchStatus.PLANNED, plan=result
    )


def plan_chunk(
    jobs: Sequence[Job], foods: FoodTable | str | None, attempt: int = 0
) -> list[BatchResult]:
    """Plan a few requests in a worker (the task every executor runs).

    ``foods`` is the table, the token of a table installed on the worker
    (Dask), or None for the one the worker already has.

    ``attempt`` is not used here: it makes a re-run a new task for executors
    that return the stored outcome of an identical call (Dask's pure tasks).
    """
    del attempt
    table = _worker_table(foods)
    return [_plan_one(job, table) for job in jobs]
