"""The solver pool behind ``mealplan serve``: spawned worker processes.

Solves run in separate processes so the event loop stays free and several
solves use several cores. The processes are *spawned*, never forked: HiGHS
hangs in a child forked from a process that has solved (DEVELOPERS.md).

A task never raises across the process boundary: the worker turns every
outcome into an :class:`Outcome` (a plan, a diagnosis, bad input, a time
limit without a plan, or an internal error whose details stay in the
server's log), so the server maps outcomes to status codes in one place.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import logging
import multiprocessing
import os
import signal
import threading
import time
import traceback
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from mealplan._catalog_search import SEARCH_HINT
from mealplan._models import MealPlan
from mealplan._saved_plan import AGAIN_HINT

if TYPE_CHECKING:
    from collections.abc import Callable
    from multiprocessing.pool import Pool

    from mealplan._catalog import FoodTable

__all__ = ["Outcome", "SolverPool", "run_task"]

log = logging.getLogger("mealplan.server")

OutcomeKind = Literal["plan", "diagnosis", "bad_input", "time_limit", "failed"]


@dataclass(frozen=True)
class Outcome:
    """What one solve produced, as JSON text ready to send.

    Attributes:
        kind: ``plan`` / ``diagnosis`` (answers), ``bad_input`` (the request
            names something that does not exist), ``time_limit`` (no plan
            within the time limit) or ``failed``.
        body: The MealPlan or Diagnosis JSON for answers; the one-sentence
            message otherwise.
        errors: ``(loc, msg)`` pairs for bad input.
        detail: For ``failed``: the traceback, for the server's log only.

    """

    kind: OutcomeKind
    body: str
    errors: tuple[tuple[str, str], ...] = ()
    detail: str = ""
    seconds: float = 0.0
    """Time the worker spent on the task (parsing, planning, the JSON)."""


_TABLE: FoodTable | None = None


def _watch_parent(parent: int) -> None:
    """End this worker when the server is gone (even if it was killed)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(0)


def _init_worker(one_thread: bool = False) -> None:
    """Load the food table once per worker and warm the solver up."""
    global _TABLE  # one table per worker process, loaded once
    if one_thread:
        # Several workers are the parallelism: one HiGHS thread each, so N
        # workers keep to N cores (as mealplan batch's workers do).
        from mealplan._batch_worker import _one_solver_thread

        _one_solver_thread()
    # Ctrl-C reaches the whole process group: the server shuts down
    # gracefully and ends the workers itself, so they ignore it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(
        target=_watch_parent, args=(os.getppid(),), daemon=True, name="watch-parent"
    ).start()
    from mealplan._catalog import load_foods
    from mealplan._planner import plan

    _TABLE = load_foods()
    try:  # the first solve pays for imports and caches; pay it before traffic
        plan({"person": {"age": 40, "sex": "female"}, "time_limit": 5}, _TABLE)
    except Exception:
        log.warning("solver warm-up failed; the first request will be slower")
    # The table, the modules and the caches live as long as the worker: keep
    # them out of the collector's full passes (shorter GC pauses per request).
    gc.collect()
    gc.freeze()


def run_task(kind: str, payload: str) -> Outcome:
    """Run one task (``plan`` or ``regenerate``) from its JSON; never raise."""
    began = time.perf_counter()
    outcome = _outcome(kind, payload)
    return dataclasses.replace(outcome, seconds=time.perf_counter() - began)


def check_task(kind: str, payload: str) -> Outcome | None:
    """Return the bad-input outcome a ``plan`` task would end in, found without a solve.

    A job is answered 202 and planned later: a request whose food ids, words,
    person or includes are wrong was accepted and failed on the first poll
    (an unknown include, an infant), where ``POST /v1/plans`` said 422 at
    once. These checks are the planner's own, before its first solve; they
    read the bundled table, cached, and take milliseconds. Anything but bad
    input (an unexpected error) is left to the worker to meet and log.
    """
    if kind != "plan":
        return None

    def checks() -> Outcome:
        from mealplan._catalog_load import bundled_for
        from mealplan._exclusions import check_taste_words
        from mealplan._planner import parse_request
        from mealplan._problem import resolve_food
        from mealplan._safety import safety_filter
        from mealplan._supplements import with_supplements

        req = parse_request(payload)
        table = with_supplements(bundled_for(req.solver), req)
        named = (*req.include, *(p.food for p in req.pins), *(b.food for b in req.bans))
        for food in named:
            resolve_food(table, food)
        check_taste_words(table, req.likes, req.dislikes)
        table.allowed(exclude=req.exclude)
        safety_filter(req, table)  # the person's age, unsafe includes
        return Outcome("plan", "")  # passed: the worker plans it

    outcome = _outcome_of(checks, payload)
    return outcome if outcome.kind == "bad_input" else None


def _outcome(kind: str, payload: str) -> Outcome:
    return _outcome_of(
        lambda: Outcome("plan", _run(kind, payload).model_dump_json()), payload
    )


def _outcome_of(run: Callable[[], Outcome], payload: str) -> Outcome:
    """Return ``run()``, or the outcome its error stands for (never raise)."""
    from mealplan._advice_http import for_http
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
    from mealplan._models import Diagnosis

    try:
        return run()
    except InfeasiblePlanError as exc:
        diagnosis = exc.diagnosis
        if not isinstance(diagnosis, Diagnosis):
            diagnosis = Diagnosis(message=str(exc), conflicts=[], minimal=False)
        # Over HTTP the fix is a patch to the request, not a CLI flag.
        return Outcome("diagnosis", for_http(diagnosis).model_dump_json())
    except RequestError as exc:
        errors = tuple((e["loc"], e["msg"]) for e in exc.errors) or (
            ("request", str(exc)),
        )
        # Over HTTP a new plan is a route, not the CLI or plan().
        message = str(exc).replace(AGAIN_HINT, "plan again with POST /v1/plans")
        return Outcome("bad_input", message, errors)
    except UnknownFoodError as exc:
        # Over HTTP the ids are found with the foods route, and the error
        # names the field that holds the id (include.0, pins.1.food, reject.0).
        message = str(exc).replace(SEARCH_HINT, "find ids with GET /v1/foods?q=WORDS.")
        return Outcome("bad_input", message, ((_food_loc(payload, exc.food), message),))
    except (UnknownNutrientError, TargetError, FoodTableError) as exc:
        return Outcome("bad_input", str(exc), (("request", str(exc)),))
    except SolverError as exc:
        if exc.status in ("error", "unbounded"):
            return Outcome("failed", str(exc), detail=traceback.format_exc())
        if exc.status in ("unknown_solver", "not_available"):
            # The request names a solver this server does not have: bad
            # input, not a time limit (a client told 504 retries with a
            # longer limit, for nothing).
            return Outcome("bad_input", str(exc), (("solver", str(exc)),))
        return Outcome("time_limit", str(exc))
    except MealPlanError as exc:
        return Outcome("failed", str(exc), detail=traceback.format_exc())
    except Exception:
        return Outcome("failed", "", detail=traceback.format_exc())


def _food_loc(payload: str, food: str) -> str:
    """Return the field of a request (or regenerate body) that holds ``food``."""
    try:
        body = json.loads(payload)
    except ValueError:
        return "food"
    if not isinstance(body, dict):
        return "food"
    places: list[tuple[str, Any]] = [("", body)]
    if isinstance(body.get("plan"), dict) and isinstance(
        body["plan"].get("request"), dict
    ):
        places.append(("plan.request.", body["plan"]["request"]))
    for prefix, where in places:
        for field in ("include", "reject"):
            for k, value in enumerate(where.get(field) or ()):
                if value == food:
                    return f"{prefix}{field}.{k}"
        for field in ("pins", "bans"):
            for k, value in enumerate(where.get(field) or ()):
                if isinstance(value, dict) and value.get("food") == food:
                    return f"{prefix}{field}.{k}.food"
    return _plan_item_loc(body.get("plan"), food) or "food"


def _plan_item_loc(plan: object, food: str) -> str | None:
    """Return ``plan.days.D.items.I.food_id`` of a regenerate body's item ``food``."""
    if not isinstance(plan, dict):
        return None
    for d, day in enumerate(plan.get("days") or ()):
        items = day.get("items") if isinstance(day, dict) else None
        for i, item in enumerate(items or ()):
            if isinstance(item, dict) and item.get("food_id") == food:
                return f"plan.days.{d}.items.{i}.food_id"
    return None


def _run(kind: str, payload: str) -> MealPlan:
    from mealplan._planner import plan
    from mealplan._regenerate import regenerate

    # No table: plan() picks the bundled one by the request's solver (the
    # dishes under HiGHS, the same cached table as _TABLE; the single foods
    # under the PuLP solvers, with a note).
    table = None
    if kind == "plan":
        return plan(payload, table)
    import json

    data = json.loads(payload)
    previous = MealPlan.model_validate(data["plan"])
    return regenerate(
        previous,
        day=int(data["day"]),
        meal=data.get("meal"),
        reject=list(data.get("reject") or ()),
        foods=table,
    )


class SolverPool:
    """A fixed number of spawned worker processes running :func:`run_task`."""

    def __init__(self, workers: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = workers
        self._pool: Pool = context.Pool(
            workers, initializer=_init_worker, initargs=(workers > 1,)
        )

    def submit(
        self,
        kind: str,
        payload: str,
        done: Callable[[Outcome], None],
    ) -> None:
        """Queue a task; ``done`` is called (in a pool thread) with its outcome."""

        def failed(exc: BaseException) -> None:
            detail = "".join(traceback.format_exception(exc))
            done(Outcome("failed", "", detail=detail))

        self._pool.apply_async(
            run_task, (kind, payload), callback=done, error_callback=failed
        )

    def terminate(self) -> None:
        """Stop every worker now (solves in progress are abandoned)."""
        self._pool.terminate()
        self._pool.join()
        # uvicorn ends the process by re-raising SIGTERM, which skips the
        # atexit finalizers that unlink the pool's queue semaphores; run them
        # now (the server is stopping), or the resource tracker reports the
        # semaphores as leaked.
        del self._pool
        gc.collect()
        run_finalizers = getattr(multiprocessing.util, "_run_finalizers", None)
        if run_finalizers is not None:
            run_finalizers(0)
