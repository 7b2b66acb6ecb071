"""Dask support for batches: each worker readied once for the whole batch.

Imported only when a batch runs on a Dask ``Client.get_executor()``. A worker
plugin (Dask's initializer) readies every worker of the cluster, and the
scheduler hands it to every worker that joins later, including the ones the
nanny restarts after a crash (a scattered table would be lost for good once
the workers holding it died). On each worker it:

* keeps the batch's food table, when the caller gave one, under a token the
  tasks name it by: the table travels once per worker, not once per task;
* gives every solve one HiGHS thread, as the default pool's workers do: the
  cluster's workers are the parallelism, and HiGHS's default here starts a
  second thread per solving thread that spins beside the solve (10-20 ms of
  CPU per plan, measured);
* pauses the worker's statistical profiler while the batch runs, and resumes
  it when the batch ends. Every 10 ms (Dask's default) it takes the GIL from
  the solving thread to walk that thread's deep stack: measured on 2 busy
  cores, 0.09-0.13 s of a worker's CPU per plan of 0.44 s, more under load.
  The dashboard's profile page shows nothing of the batch;
* slows the worker's event-loop health check from every 20 ms to every
  second for the batch (restored after it): fewer GIL hand-overs from the
  solving thread, each of which costs two thread wake-ups on a busy machine
  (a cluster configured with a 1 s tick everywhere planned 0.84, 0.46 and
  1.01x of the pool where the default 20 ms gave 0.73, 0.44 and 0.85x, in
  three interleaved rounds at load 10-12; this plugin slows the workers'
  check only, not the scheduler's).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from mealplan._backend_highs import set_solver_threads
from mealplan._batch_worker import drop_table, install_table
from mealplan._catalog import FoodTable

__all__ = ["BatchPlugin", "FoodsPlugin", "install_foods", "ready_workers"]

PROFILER_CALLBACKS = ("profile", "profile-cycle")
"""The worker's periodic callbacks that sample and store its profile."""

TICK_CALLBACK = "tick"
"""The worker's event-loop health check (every 20 ms by default)."""

BATCH_TICK_MS = 1000
"""The health check's interval during a batch: each check takes the GIL from
the solving thread, and on a busy machine every such hand-over waits for
the OS to run the other thread, twice. Dask warns of an unresponsive loop
only past 3 s, so a check a second still catches one."""

_pause_lock = threading.Lock()
_pauses = 0  # batches running on this worker that asked for the pause
_paused: list[Any] = []  # the callbacks this worker's batches stopped
_slowed: list[tuple[Any, float]] = []  # callbacks slowed, with their interval


def pause_profiler(worker: Any) -> None:
    """Quiet ``worker``'s event loop for a batch (counted: batches may overlap).

    Stops the statistical profiler and slows the event-loop health check;
    everything else (heartbeats, the memory monitor) runs as before.
    """
    global _pauses  # one count per worker process
    with _pause_lock:
        _pauses += 1
        # Every batch's setup pauses whatever runs, not only the first: a
        # worker that joined (a nanny's restart) while an earlier batch was
        # set up had its periodic callbacks started after that setup, and
        # the suite saw its profiler sampling during the next batch.
        callbacks = getattr(worker, "periodic_callbacks", None) or {}
        for name in PROFILER_CALLBACKS:
            callback = callbacks.get(name)
            if callback is not None and callback.is_running():
                callback.stop()
                if not any(callback is p for p in _paused):
                    _paused.append(callback)
        tick: Any = callbacks.get(TICK_CALLBACK)
        interval = getattr(tick, "callback_time", None)
        if isinstance(interval, int | float) and interval < BATCH_TICK_MS:
            if not any(tick is t for t, _ in _slowed):
                _slowed.append((tick, interval))
            tick.callback_time = BATCH_TICK_MS


def resume_profiler() -> None:
    """Undo :func:`pause_profiler` once the last batch on this worker ends."""
    global _pauses  # one count per worker process
    with _pause_lock:
        _pauses = max(0, _pauses - 1)
        if _pauses:
            return
        while _paused:
            _paused.pop().start()
        while _slowed:
            tick, interval = _slowed.pop()
            tick.callback_time = interval


class BatchPlugin(WorkerPlugin):
    """Readies every worker for a batch: its table, one solver thread, no profiler."""

    def __init__(self, token: str, foods: FoodTable | None) -> None:
        self.token = token
        self.foods = foods
        self.name = f"mealplan-batch-{token}"

    def setup(self, worker: Any) -> None:
        """Ready this worker (on start or on joining)."""
        if self.foods is not None:
            install_table(self.token, self.foods)
        pause_profiler(worker)
        # On every Highs object: HiGHS sizes a scheduler per calling thread,
        # so a tiny pinning solve here (the event loop) would not reach the
        # task threads.
        set_solver_threads(1)

    def teardown(self, worker: Any) -> None:
        """Free the table and resume the profiler when the batch is over."""
        drop_table(self.token)
        resume_profiler()


FoodsPlugin = BatchPlugin
"""The earlier name of :class:`BatchPlugin`."""


def ready_workers(
    client: Any, foods: FoodTable | None
) -> tuple[str | None, Callable[[], None]]:
    """Ready every worker of ``client``'s cluster for a batch.

    Returns:
        The token tasks name ``foods`` by (None without a table of the
        caller's: each worker loads the bundled one), and a function that
        undoes it all when the batch ends.

    """
    plugin = BatchPlugin(uuid.uuid4().hex, foods)
    client.register_plugin(plugin, name=plugin.name)

    def remove() -> None:
        client.unregister_worker_plugin(plugin.name)

    return (plugin.token if foods is not None else None), remove


def install_foods(client: Any, foods: FoodTable) -> tuple[str, Any]:
    """Install ``foods`` on every worker of ``client``'s cluster.

    Returns:
        The token tasks name the table by, and a function that removes it.

    """
    token, remove = ready_workers(client, foods)
    assert token is not None  # a table was given
    return token, remove
