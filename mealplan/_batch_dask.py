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
  three interleaved rounds at load 10-12), and its system monitor from
  every 0.5 s to every 2 s.

A worker that joins during the batch (a nanny's restart) is readied too: its
plugins are set up before its periodic callbacks start, so the profiler is
taken out of the worker's table of callbacks, not only stopped, until the
batch ends.

The scheduler, and the nannies of a ``LocalCluster`` in this process, are
quieted the same way for the batch (their health check once a second, their
system monitor every 2 s): measured on an
idle 2-worker ``LocalCluster``, whose nannies and scheduler share the calling
process, that process spent 61 ms of CPU a second with Dask's defaults and
28 ms with a 1 s tick (9 ms with the system monitors every 5 s and the
nannies' memory monitors every 1 s), and each worker 38 ms a second, 10 ms
without the profiler and with a 1 s tick, 3-4 ms with its system monitor
every 5 s and its memory monitor every 1 s: CPU taken from the solves on a
machine with as many cores as workers (load 9-12, ``dask.config`` set for
the whole cluster). The memory monitors are slowed less than that during a
batch (a worker's to 1 s, a nanny's to 0.5 s): they guard the workers'
memory.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from distributed.diagnostics.plugin import WorkerPlugin

from mealplan._backend_highs import set_solver_threads
from mealplan._batch_worker import drop_table, install_table
from mealplan._catalog import FoodTable

__all__ = [
    "BatchPlugin",
    "FoodsPlugin",
    "install_foods",
    "quiet",
    "ready_workers",
    "restore",
]

PROFILER_CALLBACKS = ("profile", "profile-cycle")
"""The worker's periodic callbacks that sample and store its profile."""

TICK_CALLBACK = "tick"
"""A server's event-loop health check (every 20 ms by default)."""

MONITOR_CALLBACK = "monitor"
"""A server's system monitor (CPU, memory, network and disk every 0.5 s)."""

BATCH_TICK_MS = 1000
"""The health check's interval during a batch: each check takes the GIL from
the solving thread, and on a busy machine every such hand-over waits for
the OS to run the other thread, twice. Dask warns of an unresponsive loop
only past 3 s, so a check a second still catches one."""

BATCH_MONITOR_MS = 2000
"""The system monitor's interval during a batch: it feeds the dashboard's
system page only; its reads of /proc cost an idle worker about as much CPU
as the health check did."""

QUIET = {TICK_CALLBACK: BATCH_TICK_MS, MONITOR_CALLBACK: BATCH_MONITOR_MS}
"""Periodic callbacks slowed on every server of the cluster during a batch."""

MEMORY_CALLBACK = "memory_monitor"
"""A worker's or a nanny's memory monitor (every 100 ms by default)."""

WORKER_QUIET = {**QUIET, MEMORY_CALLBACK: 1000}
"""A worker's memory monitor spills data and pauses the worker near its
limit: a batch's tasks hold no data (each result goes straight to the
client), and a plan's memory grows over seconds, so once a second is
enough during a batch, and it takes the GIL from the solve ten times less."""

NANNY_QUIET = {**QUIET, MEMORY_CALLBACK: 500}
"""A nanny's memory monitor ends a worker past 95 % of its limit: checked
every 0.5 s during a batch instead of 0.1 s (a plan grows by megabytes a
second, not gigabytes)."""


@dataclass(eq=False)
class _Quieted:
    """What the batches running on one server changed, to undo it after them."""

    server: Any
    batches: set[str] = field(default_factory=set)
    stopped: dict[str, Any] = field(default_factory=dict)
    slowed: dict[str, float] = field(default_factory=dict)


_quiet_lock = threading.Lock()
_quieted: dict[int, _Quieted] = {}  # by id() of the server (worker, nanny, scheduler)


def quiet(
    server: Any,
    batch: str,
    stop: tuple[str, ...] = (),
    slow: Mapping[str, float] = QUIET,
) -> None:
    """Quiet ``server``'s event loop for ``batch`` (batches may overlap).

    Idempotent per batch: a server handed the same batch's setup twice
    (a plugin re-sent to a worker) must not stay quiet after the batch.

    The callbacks named in ``stop`` are stopped and taken out of the
    server's table of periodic callbacks until the batch ends, so a server
    that has not started them yet (a worker joining the cluster during the
    batch, whose callbacks start after its plugins are set up) does not start
    them either. Those named in ``slow`` run at the given interval (ms) at
    most. Everything else (heartbeats, memory monitors) runs as before.
    """
    with _quiet_lock:
        state = _quieted.setdefault(id(server), _Quieted(server))
        if batch in state.batches:
            return
        state.batches.add(batch)
        callbacks = getattr(server, "periodic_callbacks", None)
        if callbacks is None:
            return
        for name in stop:
            callback = callbacks.pop(name, None)
            if callback is None:
                continue
            if callback.is_running():
                callback.stop()
            state.stopped.setdefault(name, callback)
        for name, interval in slow.items():
            callback = callbacks.get(name)
            current = getattr(callback, "callback_time", None)
            if isinstance(current, int | float) and current < interval:
                state.slowed.setdefault(name, current)
                callback.callback_time = interval


def restore(server: Any, batch: str) -> None:
    """Undo :func:`quiet` on ``server`` once the last batch on it ends."""
    with _quiet_lock:
        state = _quieted.get(id(server))
        if state is None or batch not in state.batches:
            return
        state.batches.discard(batch)
        if state.batches:
            return
        del _quieted[id(server)]
        callbacks = getattr(server, "periodic_callbacks", None)
        if callbacks is None:
            return
        running = str(getattr(server, "status", "")).endswith(("running", "paused"))
        for name, callback in state.stopped.items():
            callbacks.setdefault(name, callback)
            if running and not callback.is_running():
                callback.start()
        for name, interval in state.slowed.items():
            callback = callbacks.get(name)
            if callback is not None:
                callback.callback_time = interval


def pause_profiler(worker: Any, batch: str) -> None:
    """Quiet a worker for a batch: no profiler, slower health check and monitors."""
    quiet(worker, batch, PROFILER_CALLBACKS, WORKER_QUIET)


def resume_profiler(worker: Any, batch: str) -> None:
    """Undo :func:`pause_profiler` once the last batch on ``worker`` ends."""
    restore(worker, batch)


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
        pause_profiler(worker, self.token)
        # On every Highs object: HiGHS sizes a scheduler per calling thread,
        # so a tiny pinning solve here (the event loop) would not reach the
        # task threads.
        set_solver_threads(1)

    def teardown(self, worker: Any) -> None:
        """Free the table and resume the profiler when the batch is over."""
        drop_table(self.token)
        resume_profiler(worker, self.token)


FoodsPlugin = BatchPlugin
"""The earlier name of :class:`BatchPlugin`."""


def _local_nannies(client: Any) -> list[Any]:
    """Return the nannies of ``client``'s cluster that live in this process.

    A ``LocalCluster``'s nannies run on its event loop here, beside the
    client. The nannies of a remote cluster are left alone: a nanny plugin
    cannot be relied on to undo itself (Dask removes it only from the nannies
    whose worker is alive at that moment, so a nanny restarting its worker
    would stay quiet after the batch).
    """
    from distributed import Nanny

    cluster = getattr(client, "cluster", None)
    workers = getattr(cluster, "workers", None) or {}
    return [w for w in list(workers.values()) if isinstance(w, Nanny)]


def quiet_scheduler(token: str, dask_scheduler: Any) -> None:
    """Quiet the scheduler for a batch (run there by ``Client.run_on_scheduler``)."""
    quiet(dask_scheduler, token)


def restore_scheduler(token: str, dask_scheduler: Any) -> None:
    """Undo :func:`quiet_scheduler` once the last batch ends."""
    restore(dask_scheduler, token)


def ready_workers(
    client: Any, foods: FoodTable | None
) -> tuple[str | None, Callable[[], None]]:
    """Ready every worker of ``client``'s cluster for a batch.

    Also quiets the scheduler for the batch's length where it can import
    mealplan (a cluster whose scheduler cannot plans all the same, its loop
    as busy as before), and the nannies of a ``LocalCluster`` of this
    process.

    Returns:
        The token tasks name ``foods`` by (None without a table of the
        caller's: each worker loads the bundled one), and a function that
        undoes it all when the batch ends.

    """
    plugin = BatchPlugin(uuid.uuid4().hex, foods)
    client.register_plugin(plugin, name=plugin.name)
    undo: list[Callable[[], object]] = [
        lambda: client.unregister_worker_plugin(plugin.name)
    ]
    # The health check's interval is read at each reschedule: setting it
    # from this thread is safe, and nothing is stopped or started here.
    nannies = _local_nannies(client)
    for nanny in nannies:
        quiet(nanny, plugin.token, slow=NANNY_QUIET)

    def restore_nannies() -> None:
        for nanny in nannies:
            restore(nanny, plugin.token)

    undo.append(restore_nannies)
    with contextlib.suppress(Exception):
        client.run_on_scheduler(quiet_scheduler, plugin.token)
        undo.append(lambda: client.run_on_scheduler(restore_scheduler, plugin.token))

    def remove() -> None:
        for step in reversed(undo):
            with contextlib.suppress(Exception):  # the cluster may be gone
                step()

    return (plugin.token if foods is not None else None), remove


def install_foods(client: Any, foods: FoodTable) -> tuple[str, Any]:
    """Install ``foods`` on every worker of ``client``'s cluster.

    Returns:
        The token tasks name the table by, and a function that removes it.

    """
    token, remove = ready_workers(client, foods)
    assert token is not None  # a table was given
    return token, remove
