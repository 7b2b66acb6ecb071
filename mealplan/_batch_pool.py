"""The batch's process pools: started without fork, stopped for good.

Split from :mod:`mealplan._batch` (which runs the batch over them): how the
default pool starts its workers (``forkserver``, never ``fork``: a process
forked after a HiGHS solve hangs), how a pool is stopped mid-request and
its stray workers ended, and how many tasks an executor can take.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing
import os
import threading
from collections.abc import Iterable
from typing import Any

from mealplan._batch_worker import FAULT_ENV, default_workers, init_worker
from mealplan._catalog import FoodTable
from mealplan._errors import RequestError

__all__ = [
    "capacity",
    "check_executor",
    "context",
    "dask_client",
    "end_strays",
    "new_pool",
    "stop_pool",
    "workers_of",
]


def context() -> (
    multiprocessing.context.ForkServerContext | multiprocessing.context.SpawnContext
):
    """Return a start method that never forks a process that has solved."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        ctx = multiprocessing.get_context("forkserver")
        # The fork server imports mealplan once, so each worker forks from a
        # process that has imported but never solved anything.
        ctx.set_forkserver_preload(["mealplan._batch"])
        return ctx
    return multiprocessing.get_context("spawn")


def new_pool(workers: int, foods: FoodTable | None) -> cf.ProcessPoolExecutor:
    return cf.ProcessPoolExecutor(
        max_workers=workers,
        mp_context=context(),
        initializer=init_worker,
        initargs=(foods, os.environ.get(FAULT_ENV)),
    )


def stop_pool(pool: cf.Executor, *, now: bool) -> None:
    """Shut a pool down; ``now`` also ends its workers mid-request."""
    if not now:
        pool.shutdown(wait=True)
        return
    processes = dict(getattr(pool, "_processes", None) or {})
    # Taken before ``shutdown``, which sets the pool's attribute to None
    # even when it does not wait: read afterwards, the join below never ran.
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    # ProcessPoolExecutor (before 3.14) has no public way to end its workers;
    # without this an interrupted batch waits for the requests in flight.
    for proc in processes.values():
        with contextlib.suppress(Exception):
            proc.terminate()
    for proc in processes.values():
        with contextlib.suppress(Exception):
            proc.join(timeout=5)
    # Python 3.11's exit hook wakes the pool's manager thread through a pipe
    # that the thread closes as it ends: when the two race, the exit prints
    # "OSError: [Errno 9] Bad file descriptor" with a traceback (a CI run of
    # an interrupted batch). Waiting for the thread here leaves the pipe
    # closed before the hook runs, and the hook skips a closed one. Up to
    # 30 s: a suite on two busy cores printed the traceback again with 5 s
    # (the thread joins the terminated workers before it closes the pipe).
    if isinstance(manager, threading.Thread):
        manager.join(timeout=30)


def workers_of(pool: cf.Executor) -> dict[int, Any]:
    """Return the pool's own dict of worker processes (the object, not a copy).

    ``ProcessPoolExecutor`` adds each worker it starts to this dict and
    ``shutdown`` drops its reference to it, so a reference kept from the
    start still sees a worker started while the pool broke.
    """
    found = getattr(pool, "_processes", None)
    return found if isinstance(found, dict) else {}


def end_strays(spawned: Iterable[dict[int, Any]]) -> None:
    """End every worker our pools started that is still alive.

    Python 3.11's pool can start a worker while a crash breaks it, after
    its manager thread ended the others (the kind of race cpython
    gh-132969 fixed in 3.13); that worker waits for work forever and
    the interpreter's exit, which joins every child, with it: a CI run of
    ``mealplan batch`` printed its summary and then hung until killed, a
    pool worker the only process left. Only our own pools' workers are
    ended, never a caller's other processes.
    """
    stray = [proc for workers in spawned for proc in list(workers.values())]
    for proc in stray:
        with contextlib.suppress(Exception):
            if proc.is_alive():
                proc.terminate()
    for proc in stray:
        with contextlib.suppress(Exception):
            proc.join(timeout=5)


def check_executor(executor: cf.Executor) -> None:
    ctx = getattr(executor, "_mp_context", None)
    if ctx is not None and ctx.get_start_method() == "fork":
        msg = (
            "The executor starts its workers with 'fork', which hangs once a solve "
            "has run in this process; create it with "
            "mp_context=multiprocessing.get_context('forkserver') or pass executor=None."
        )
        raise RequestError(msg, [{"loc": "executor", "msg": msg}])


def dask_client(executor: cf.Executor) -> Any:
    """Return the Dask client behind ``Client.get_executor()``, or None."""
    if type(executor).__module__.startswith("distributed"):
        return getattr(executor, "_client", None)
    return None


def capacity(executor: cf.Executor, workers: int | None) -> int:
    if workers is not None:
        return workers
    client = dask_client(executor)
    if client is not None:
        with contextlib.suppress(Exception):
            return max(1, int(sum(client.nthreads().values())))
    return max(1, int(getattr(executor, "_max_workers", 0) or default_workers()))
