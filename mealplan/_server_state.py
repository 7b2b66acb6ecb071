"""The server's state: its settings, the solver pool's load and the polled jobs.

:class:`Service` holds what one ``mealplan serve`` process keeps between
requests: the pool of solver workers and how many solves are in flight (a
503 with Retry-After beyond the queue), the food table for the lookup
routes, and the jobs of ``POST /v1/jobs`` until they expire. The routes are
:mod:`mealplan._server`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mealplan._catalog import FoodTable, load_foods
from mealplan._middleware import error
from mealplan._models import PlanRequest
from mealplan._pool import Outcome, SolverPool
from mealplan._wire import JobState

if TYPE_CHECKING:
    from fastapi.responses import JSONResponse

__all__ = ["Job", "ServerSettings", "Service", "answer_json"]

log = logging.getLogger("mealplan.server")


@dataclass(frozen=True)
class ServerSettings:
    """Limits of one server; the ``mealplan serve`` flags set them.

    Attributes:
        workers: Solver processes (each holds the food table, ~100 MB).
        queue: Solves that may wait for a worker; beyond it, 503.
        max_time_limit: The most solver time a request may ask for, s; a
            larger ``time_limit`` is lowered to it (the plan's request shows
            the limit used).
        overhead: Seconds a synchronous request may take beyond its time
            limit (model building, diagnosis) before the answer is 504.
        max_body: Largest request body, bytes; beyond it, 413.
        grace: Seconds shutdown waits for accepted jobs before failing them.
        max_jobs: Finished jobs kept for polling (oldest dropped first).
        job_ttl: Seconds a finished job stays available.
        cors_origins: Web origins (``https://app.example``) whose pages may
            call the API from a browser; none by default.

    """

    workers: int = 2
    queue: int = 16
    max_time_limit: float = 60.0
    overhead: float = 15.0
    max_body: int = 1_000_000
    grace: float = 30.0
    max_jobs: int = 1000
    job_ttl: float = 3600.0
    cors_origins: tuple[str, ...] = ()


@dataclass
class Job:
    """A long plan accepted for polling (``POST /v1/jobs``) and its outcome."""

    id: str
    created: float
    state: JobState = JobState.PENDING
    finished: float | None = None
    outcome: Outcome | None = None
    time_limit: float = 0.0


def answer_json(outcome: Outcome) -> str:
    """Return the tagged answer (plan or diagnosis) of an outcome as JSON text."""
    # The worker already produced the model's JSON; wrap it without re-parsing.
    return f'{{"kind":"{outcome.kind}","{outcome.kind}":{outcome.body}}}'


class Service:
    """The server's state: the pool, the load, the jobs and the food table."""

    def __init__(self, settings: ServerSettings) -> None:
        self.settings = settings
        self.pool: SolverPool | None = None
        self.table: FoodTable | None = None
        self.in_flight = 0
        self.closing = False
        self.jobs: OrderedDict[str, Job] = OrderedDict()
        self.pending_jobs: dict[str, asyncio.Future[Outcome]] = {}
        self.mean_seconds = 1.0

    @property
    def capacity(self) -> int:
        return self.settings.workers + self.settings.queue

    def foods(self) -> FoodTable:
        if self.table is None:
            self.table = load_foods()
        return self.table

    def busy(self) -> JSONResponse | None:
        """Return a 503 when no more work may be accepted, else None."""
        if self.closing:
            return error(
                503,
                "The server is shutting down; retry shortly.",
                headers={"Retry-After": "5"},
            )
        if self.in_flight >= self.capacity:
            waits = self.in_flight / max(self.settings.workers, 1)
            retry = max(1, math.ceil(waits * self.mean_seconds))
            return error(
                503,
                f"The server is busy ({self.in_flight} requests in progress); "
                f"retry after {retry} s.",
                headers={"Retry-After": str(retry)},
            )
        return None

    def submit(
        self, kind: str, payload: str, time_limit: float
    ) -> asyncio.Future[Outcome]:
        """Queue a solve; the future resolves with its outcome."""
        assert self.pool is not None
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Outcome] = loop.create_future()
        began = time.monotonic()
        self.in_flight += 1
        settled = False
        watchdog: asyncio.TimerHandle | None = None

        def resolve(outcome: Outcome) -> None:
            nonlocal settled
            if settled:
                return
            settled = True
            if watchdog is not None:
                watchdog.cancel()
            self.in_flight -= 1
            seconds = time.monotonic() - began
            self.mean_seconds = 0.8 * self.mean_seconds + 0.2 * seconds
            if outcome.kind == "failed":
                log.error("solve failed: %s %s", outcome.body, outcome.detail)
            if not future.done():
                future.set_result(outcome)

        def done(outcome: Outcome) -> None:  # runs in a pool thread
            with contextlib.suppress(RuntimeError):  # loop closed at shutdown
                loop.call_soon_threadsafe(resolve, outcome)

        self.pool.submit(kind, payload, done)
        # A worker that dies (killed, out of memory) takes its task with it;
        # past any reasonable time the task is given up as failed.
        lost = Outcome(
            "failed",
            "The solver process running this request stopped; submit it again.",
        )
        watchdog = loop.call_later(
            time_limit * 3 + self.settings.overhead + 60, resolve, lost
        )
        return future

    def clamp(self, request: PlanRequest) -> PlanRequest:
        limit = self.settings.max_time_limit
        if request.time_limit <= limit:
            return request
        return request.model_validate(
            {**request.model_dump(mode="json"), "time_limit": limit}
        )

    def new_job(self, future: asyncio.Future[Outcome], time_limit: float) -> Job:
        self._expire()
        job = Job(id=uuid.uuid4().hex, created=time.time(), time_limit=time_limit)
        self.jobs[job.id] = job
        self.pending_jobs[job.id] = future
        future.add_done_callback(lambda f: self._finish(job, f))
        return job

    def _finish(self, job: Job, future: asyncio.Future[Outcome]) -> None:
        self.pending_jobs.pop(job.id, None)
        outcome = future.result()
        job.outcome = outcome
        job.finished = time.time()
        job.state = (
            JobState.DONE if outcome.kind in ("plan", "diagnosis") else JobState.FAILED
        )
        log.info("job %s %s (%s)", job.id, job.state.value, outcome.kind)

    def fail_pending_jobs(self, message: str) -> None:
        for job_id, future in list(self.pending_jobs.items()):
            if not future.done():
                future.set_result(Outcome("failed", message))
            self.pending_jobs.pop(job_id, None)

    def _expire(self) -> None:
        now = time.time()
        finished = [
            j
            for j in self.jobs.values()
            if j.finished is not None and now - j.finished > self.settings.job_ttl
        ]
        for j in finished:
            del self.jobs[j.id]
        done = [j for j in self.jobs.values() if j.finished is not None]
        for j in done[: max(0, len(done) - self.settings.max_jobs)]:
            del self.jobs[j.id]
