"""Ray support for batches: a ``concurrent.futures.Executor`` backed by Ray tasks.

Ray (2.x) has no ``concurrent.futures.Executor`` of its own; what it
documents is that every task returns an ``ObjectRef`` and that
``ObjectRef.future()`` wraps it in a ``concurrent.futures.Future``. That is
all :func:`mealplan.plan_many` needs: :class:`RayExecutor` submits each call
as a Ray task and hands back that future, so the batch's bounded submission,
ordering and crash recovery work unchanged on a Ray cluster.

Why it is built this way:

* **The food table travels once.** A :class:`~mealplan.FoodTable` argument is
  put into Ray's object store once per executor (``ray.put``) and each task
  carries only a token for it; a worker process fetches the table the first
  time it meets the token and keeps it (as the Dask worker plugin does), and
  the function receives the table itself, so a batch of 10,000 requests does
  not ship or unpickle the table 10,000 times.
* **No retries behind the batch's back.** Tasks run with ``max_retries=0``:
  a request that kills its worker fails at once, and :func:`plan_many`
  re-runs the requests that were in flight alone, so only the request that
  kills its worker is reported as failed (Ray's default would run a
  crashing request three more times, on three more workers).
* **One solver thread per task.** Each task asks for ``num_cpus`` CPUs (1 by
  default) and HiGHS is pinned to one thread in each worker process, as in
  the default pool: Ray's scheduler is the parallelism.

Imported only when a caller asks for :func:`ray_executor`; ``ray`` is the
optional extra ``mealplan[ray]``.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mealplan._catalog import FoodTable
from mealplan._errors import RequestError

__all__ = ["RayExecutor", "ray_executor"]


def _ray() -> Any:
    try:
        import ray
    except ImportError:
        msg = (
            "Ray is not installed; install it with pip install 'mealplan[ray]' "
            "or use the default process pool or Dask."
        )
        raise RequestError(msg, [{"loc": "executor", "msg": msg}]) from None
    return ray


# ------------------------------------------------------------ worker side

_pinned = False


@dataclass(frozen=True)
class _Table:
    """Stands for a food table in a task's arguments: its token in the worker."""

    token: str


def _call(
    fn: Callable[..., Any], tables: dict[str, Any], *args: Any, **kwargs: Any
) -> Any:
    """Run ``fn(*args, **kwargs)`` in a Ray worker (the one task every call becomes).

    ``tables`` maps the token of each :class:`_Table` among ``args`` to the
    object-store reference of its food table: fetched once per worker process
    and kept there, then passed to ``fn`` in the placeholder's place.
    """
    global _pinned  # once per worker process
    from mealplan._batch_worker import _installed, _one_solver_thread, install_table

    if not _pinned:
        _one_solver_thread()
        _pinned = True
    for token, ref in tables.items():
        if token not in _installed:
            install_table(token, _ray().get(ref))
    real = [_installed[a.token] if isinstance(a, _Table) else a for a in args]
    return fn(*real, **kwargs)


# ------------------------------------------------------------ driver side


class RayExecutor(cf.Executor):
    """A ``concurrent.futures.Executor`` that runs each call as a Ray task.

    Made by :func:`ray_executor`; pass it to :func:`mealplan.plan_many`
    (``executor=``). It works with any picklable function, not only batches.
    """

    def __init__(
        self, *, num_cpus: float = 1.0, max_workers: int | None = None
    ) -> None:
        ray = _ray()
        if not ray.is_initialized():
            ray.init()
        self._ray = ray
        self._num_cpus = num_cpus
        if max_workers is None:
            cpus = float(ray.cluster_resources().get("CPU", 1))
            max_workers = max(1, int(cpus // num_cpus))
        # Read by plan_many to size its window of tasks in flight.
        self._max_workers = max_workers
        self._remote = ray.remote(_call).options(num_cpus=num_cpus, max_retries=0)
        self._tables: dict[int, tuple[FoodTable, str, Any]] = {}
        self._refs: dict[cf.Future[Any], Any] = {}
        self._lock = threading.Lock()
        self._closed = False

    def _table_token(self, table: FoodTable) -> tuple[str, Any]:
        """Return the token and object-store reference of ``table`` (put once)."""
        known = self._tables.get(id(table))
        if known is None:
            # The table is kept with its entry, so its id cannot be reused.
            known = (table, uuid.uuid4().hex, self._ray.put(table))
            self._tables[id(table)] = known
        return known[1], known[2]

    def submit(
        self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any
    ) -> cf.Future[Any]:
        """Run ``fn(*args, **kwargs)`` as a Ray task; return its future."""
        with self._lock:
            if self._closed:
                msg = "cannot schedule new futures after shutdown"
                raise RuntimeError(msg)
            tables: dict[str, Any] = {}
            sent: list[Any] = []
            for arg in args:
                if isinstance(arg, FoodTable):
                    token, ref = self._table_token(arg)
                    tables[token] = ref
                    sent.append(_Table(token))
                else:
                    sent.append(arg)
            ref = self._remote.remote(fn, tables, *sent, **kwargs)
            future: cf.Future[Any] = ref.future()
            self._refs[future] = ref
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: cf.Future[Any]) -> None:
        with self._lock:
            self._refs.pop(future, None)

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> bool | None:
        # Leaving a ``with`` block on an error (Ctrl-C included) cancels the
        # queued and running tasks instead of waiting for each to finish.
        if exc_type is not None:
            self.shutdown(wait=False, cancel_futures=True)
            return None
        return super().__exit__(exc_type, exc, tb)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking tasks; cancel the queued ones and/or wait for the rest.

        The Ray runtime itself stays up (``ray.shutdown()`` ends it): it may
        serve other work of the caller's.
        """
        with self._lock:
            self._closed = True
            refs = dict(self._refs)
        if cancel_futures:
            for future, ref in refs.items():
                if not future.done():
                    with contextlib.suppress(Exception):
                        self._ray.cancel(ref, force=True)
        if wait:
            cf.wait(list(refs))
        with self._lock:
            self._tables.clear()


def ray_executor(
    *, num_cpus: float = 1.0, max_workers: int | None = None
) -> RayExecutor:
    """Return an executor that runs a batch's tasks on Ray.

    Connects to the Ray runtime this process already started or joined
    (``ray.init(...)``, e.g. ``ray.init(address="auto")`` for a cluster), or
    starts a local one with ``ray.init()`` when there is none.

    Args:
        num_cpus: CPUs each task asks Ray for (1: one solver thread each).
        max_workers: Tasks run at once; default: the cluster's CPUs divided by
            ``num_cpus``. :func:`plan_many` keeps about twice this many in
            flight.

    Raises:
        RequestError: Ray is not installed (``pip install 'mealplan[ray]'``).

    Examples:
        >>> import mealplan, ray  # doctest: +SKIP
        >>> ray.init(num_cpus=2)  # doctest: +SKIP
        >>> with mealplan.ray_executor() as ex:  # doctest: +SKIP
        ...     results = list(mealplan.plan_many(requests, executor=ex))

    """
    return RayExecutor(num_cpus=num_cpus, max_workers=max_workers)
