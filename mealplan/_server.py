"""The HTTP service of ``mealplan serve`` (needs the ``server`` extra).

Routes (the OpenAPI document is committed as ``mealplan/schemas/openapi.json``)::

    POST /v1/plans               a plan or a diagnosis (200), synchronously
    POST /v1/plans/regenerate    re-plan one day or meal of a plan (200)
    POST /v1/jobs                queue a long plan (202, Location: /v1/jobs/ID)
    GET  /v1/jobs/{id}           its state, and its result once done
    GET  /v1/foods?q=WORDS       search the food table
    GET  /v1/foods/{id}          one food
    GET  /v1/targets?age=&sex=   the DRI targets of a person
    GET  /healthz                liveness and load
    GET  /                       the web page

Status codes (a contract): 200 an answer, which is a plan *or* a diagnosis
(``{"kind": "plan", "plan": ...}`` / ``{"kind": "diagnosis", "diagnosis":
...}``); 202 a job accepted; 404 no such food, job or route; 413 the body is
too large; 422 bad input, always as ``{"error", "errors"}`` (the CLI's JSON);
503 the queue is full or the server is shutting down (with Retry-After); 504
the time limit passed without any plan; 500 anything else, without details.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
from collections.abc import AsyncIterator
from importlib import resources
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ValidationError

from mealplan._catalog import Food
from mealplan._errors import MealPlanError, UnknownFoodError
from mealplan._middleware import (
    BodyLimit,
    StrictJSON,
    error,
    install_error_handlers,
    strict_query,
)
from mealplan._models import (
    ActivityLevel,
    MealPlan,
    NutrientTargets,
    Person,
    PlanRequest,
    Sex,
)
from mealplan._nutrients import FOCUS_NUTRIENTS, PanelMode
from mealplan._pool import Outcome, SolverPool, check_task
from mealplan._server_state import Job, ServerSettings, Service, answer_json
from mealplan._wire import (
    ErrorBody,
    ErrorItem,
    FoodSummary,
    Health,
    JobInfo,
    PlanAnswer,
    PlanResult,
    RegenerateRequest,
    TimeLimitBody,
)

__all__ = ["ServerSettings", "create_app", "openapi_text"]

log = logging.getLogger("mealplan.server")


# ---------------------------------------------------------------- responses


_OUTCOME_STATUS = {"bad_input": 422, "time_limit": 504, "failed": 500}


def _outcome_error(outcome: Outcome, time_limit: float) -> tuple[int, BaseModel]:
    status = _OUTCOME_STATUS[outcome.kind]
    if outcome.kind == "time_limit":
        return status, TimeLimitBody(error=outcome.body, time_limit=time_limit)
    if outcome.kind == "bad_input":
        items = [ErrorItem(loc=loc, msg=msg) for loc, msg in outcome.errors]
        return status, ErrorBody(error=outcome.body, errors=items)
    # Details of internal failures stay in the log.
    message = outcome.body or "Internal error; it was logged. Please report it."
    return status, ErrorBody(error=message)


def _respond(
    outcome: Outcome, time_limit: float, headers: dict[str, str] | None = None
) -> Response:
    if outcome.kind in ("plan", "diagnosis"):
        return Response(
            answer_json(outcome), media_type="application/json", headers=headers
        )
    status, body = _outcome_error(outcome, time_limit)
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


def _timing(outcome: Outcome, began: float) -> dict[str, str]:
    """Return a Server-Timing header: the worker's time and the rest (queue, transfer).

    Where a slow answer's time went (issue 14's latency tail), for clients,
    browsers' developer tools and benchmarks/load.py.
    """
    total = time.monotonic() - began
    solve = min(outcome.seconds, total)
    log.debug(
        "%s: %.0f ms (worker %.0f ms, wait %.0f ms)",
        outcome.kind,
        total * 1000,
        solve * 1000,
        (total - solve) * 1000,
    )
    return {
        "Server-Timing": f"solve;dur={solve * 1000:.1f}, "
        f"wait;dur={(total - solve) * 1000:.1f}, total;dur={total * 1000:.1f}"
    }


async def _await(
    service: Service, future: asyncio.Future[Outcome], time_limit: float
) -> Response:
    began = time.monotonic()
    deadline = time_limit + service.settings.overhead
    try:
        outcome = await asyncio.wait_for(asyncio.shield(future), timeout=deadline)
    except TimeoutError:
        body = TimeLimitBody(
            error=f"No plan within {deadline:g} s (time limit {time_limit:g} s plus "
            "model building); raise time_limit, simplify the request, or use "
            "POST /v1/jobs.",
            time_limit=time_limit,
        )
        return JSONResponse(body.model_dump(), status_code=504)
    return _respond(outcome, time_limit, _timing(outcome, began))


def _responses(*codes: int) -> dict[int | str, dict[str, Any]]:
    described: dict[int, dict[str, Any]] = {
        404: {"model": ErrorBody, "description": "No such resource."},
        413: {"model": ErrorBody, "description": "The body is too large."},
        422: {"model": ErrorBody, "description": "Bad input."},
        500: {"model": ErrorBody, "description": "Internal error (no details)."},
        503: {
            "model": ErrorBody,
            "description": "The queue is full or the server is shutting down.",
            "headers": {
                "Retry-After": {
                    "description": "Seconds to wait before retrying.",
                    "schema": {"type": "integer"},
                }
            },
        },
        504: {
            "model": TimeLimitBody,
            "description": "The time limit passed without any plan.",
        },
    }
    # Every route answers another method with 405 and an Allow header.
    described[405] = {
        "model": ErrorBody,
        "description": "The method is not allowed on this route.",
        "headers": {
            "Allow": {
                "description": "The methods the route takes.",
                "schema": {"type": "string"},
            }
        },
    }
    return {code: described[code] for code in sorted({*codes, 405})}


# ----------------------------------------------------------------- the app


def _static_dir() -> str:
    return str(resources.files("mealplan") / "_static")


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """Return the FastAPI application (solver pool started by its lifespan)."""
    from mealplan import __version__

    settings = settings or ServerSettings()
    service = Service(settings)

    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        service.pool = SolverPool(settings.workers)
        service.foods()
        log.info("mealplan server ready with %d solver worker(s)", settings.workers)
        try:
            yield
        finally:
            await _shutdown(service)

    app = FastAPI(
        title="mealplan",
        version=__version__,
        summary="Meal plans that meet magnesium, calcium, vitamin D and vitamin B12 "
        "needs, from USDA SR28 foods. Information, not medical advice.",
        description=__doc__ or "",
        lifespan=lifespan,
        separate_input_output_schemas=False,
        # FastAPI's /docs and /redoc pages load their scripts from a CDN; the
        # service sends nothing to third parties, so it serves the document only.
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(strict_query)],
    )
    install_error_handlers(app)
    # Added first, so it runs inside BodyLimit (on a body already bounded).
    app.add_middleware(StrictJSON, limit=settings.max_body)
    app.add_middleware(BodyLimit, limit=settings.max_body)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            expose_headers=["Location", "Retry-After"],
        )
    app.mount("/static", StaticFiles(directory=_static_dir()), name="static")
    _add_plan_routes(app, service)
    _add_job_routes(app, service)
    _add_lookup_routes(app, service)

    @app.get("/healthz", tags=["service"], responses=_responses(500))
    async def healthz() -> Health:
        """Say the server is up, and how loaded it is."""
        return Health(
            status="shutting_down" if service.closing else "ok",
            version=__version__,
            workers=settings.workers,
            in_flight=service.in_flight,
            capacity=service.capacity,
        )

    @app.get("/", include_in_schema=False)
    async def page() -> HTMLResponse:
        from mealplan._page import page_html

        return HTMLResponse(page_html())

    @app.post("/ui/render", include_in_schema=False)
    async def render(result: PlanResult) -> HTMLResponse:
        from mealplan._html import render_fragment

        inner = result.root
        answer = inner.plan if isinstance(inner, PlanAnswer) else inner.diagnosis
        html = await asyncio.to_thread(
            render_fragment, answer, service.foods(), interactive=True
        )
        return HTMLResponse(html)

    return app


async def _shutdown(service: Service) -> None:
    """Finish accepted jobs within the grace period, fail the rest, stop workers."""
    service.closing = True
    deadline = time.monotonic() + service.settings.grace
    while service.pending_jobs and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    if service.pending_jobs:
        log.warning(
            "failing %d job(s) not finished within the %g s grace period",
            len(service.pending_jobs),
            service.settings.grace,
        )
    service.fail_pending_jobs(
        "The server shut down before this job finished; submit it again."
    )
    await asyncio.sleep(0)  # let the jobs' done-callbacks record their state
    if service.pool is not None:
        try:
            # Pool.terminate can hang when a worker was killed holding the
            # task queue's lock; the workers end themselves when we exit.
            await asyncio.wait_for(asyncio.to_thread(service.pool.terminate), 10)
        except TimeoutError:
            log.warning("solver workers did not stop in 10 s; leaving them to exit")
        # Release the pool's semaphores now: uvicorn ends the process by
        # re-raising SIGTERM, which skips finalizers (and leaks them).
        service.pool = None
        gc.collect()
    log.info("mealplan server stopped")


def _add_plan_routes(app: FastAPI, service: Service) -> None:
    @app.post(
        "/v1/plans",
        tags=["plans"],
        response_model=PlanResult,
        responses=_responses(413, 422, 500, 503, 504),
    )
    async def create_plan(request: PlanRequest) -> Response:
        """Plan meals: the answer is a plan, or a diagnosis saying why none exists.

        For a day or a few days; the solver's ``time_limit`` is capped by the
        server. Use ``POST /v1/jobs`` for weeks.
        """
        busy = service.busy()
        if busy is not None:
            return busy
        req = service.clamp(request)
        future = service.submit("plan", req.model_dump_json(), req.time_limit)
        return await _await(service, future, req.time_limit)

    @app.post(
        "/v1/plans/regenerate",
        tags=["plans"],
        response_model=PlanResult,
        responses=_responses(413, 422, 500, 503, 504),
    )
    async def regenerate_plan(body: RegenerateRequest) -> Response:
        """Re-plan one day (or one meal of it), keeping the rest of the plan."""
        busy = service.busy()
        if busy is not None:
            return busy
        request = service.clamp(body.plan.request)
        plan = body.plan
        if request is not plan.request:
            plan = MealPlan.model_validate(
                {**plan.model_dump(mode="json"), "request": request.model_dump()}
            )
        payload = RegenerateRequest(
            plan=plan, day=body.day, meal=body.meal, reject=body.reject
        ).model_dump_json()
        future = service.submit("regenerate", payload, request.time_limit)
        return await _await(service, future, request.time_limit)


def _add_job_routes(app: FastAPI, service: Service) -> None:
    @app.post(
        "/v1/jobs",
        tags=["jobs"],
        status_code=202,
        response_model=JobInfo,
        responses=_responses(413, 422, 500, 503),
    )
    async def create_job(request: PlanRequest) -> Response:
        """Queue a plan (weeks, or anything long); poll ``GET /v1/jobs/{id}``."""
        busy = service.busy()
        if busy is not None:
            return busy
        req = service.clamp(request)
        payload = req.model_dump_json()
        # Bad input is a 422 now, as POST /v1/plans says it, not a job that
        # fails on its first poll (an unknown include, an infant).
        refused = await asyncio.to_thread(check_task, "plan", payload)
        if refused is not None:
            return _respond(refused, req.time_limit)
        future = service.submit("plan", payload, req.time_limit)
        job = service.new_job(future, req.time_limit)
        return JSONResponse(
            _job_info(job).model_dump(mode="json"),
            status_code=202,
            headers={"Location": f"/v1/jobs/{job.id}"},
        )

    @app.get(
        "/v1/jobs/{job_id}",
        tags=["jobs"],
        response_model=JobInfo,
        responses=_responses(404, 422, 500),
    )
    async def get_job(job_id: str) -> Response:
        """Return a job's state; once done, its plan or diagnosis (or its error)."""
        job = service.jobs.get(job_id)
        if job is None:
            return error(
                404,
                f"No job {job_id!r}; jobs are kept for "
                f"{service.settings.job_ttl:g} s after they finish.",
            )
        info = _job_info(job)
        return Response(info.model_dump_json(), media_type="application/json")


def _job_info(job: Job) -> JobInfo:
    result = None
    error = None
    status = None
    outcome = job.outcome
    if outcome is not None and outcome.kind in ("plan", "diagnosis"):
        result = PlanResult.model_validate_json(answer_json(outcome))
    elif outcome is not None:
        if outcome.body.startswith("The server shut down"):
            status, body = 503, ErrorBody(error=outcome.body)
        else:
            status, err = _outcome_error(outcome, job.time_limit)
            body = ErrorBody(error=getattr(err, "error", "Internal error."))
            if isinstance(err, ErrorBody):
                body = err
        error = body
    return JobInfo(
        id=job.id,
        state=job.state,
        created=job.created,
        finished=job.finished,
        result=result,
        error=error,
        error_status=status,
    )


def _add_lookup_routes(app: FastAPI, service: Service) -> None:
    @app.get("/v1/foods", tags=["foods"], responses=_responses(422, 500))
    async def search_foods(
        q: Annotated[
            str,
            Query(
                min_length=1,
                max_length=200,
                description="Words of the name (at least one).",
            ),
        ],
        limit: Annotated[int, Query(ge=1, le=200)] = 25,
    ) -> list[FoodSummary]:
        """Foods whose name or USDA description has every word."""
        if not q.strip():
            # Blank words matched nothing and answered 200 [] (the review).
            msg = "q must hold at least one word of a food's name (got only spaces)."
            raise _BadQueryError(msg, [{"loc": "q", "msg": msg}])
        table = service.foods()
        out = []
        for fid in table.search(q)[:limit]:
            food = table.food(fid)
            values = {n.value: food.nutrients.get(n.value) for n in FOCUS_NUTRIENTS}
            out.append(
                FoodSummary(
                    id=fid, name=food.name, food_group=food.food_group, **values
                )
            )
        return out

    @app.get("/v1/foods/{food_id}", tags=["foods"], responses=_responses(404, 422, 500))
    async def get_food(food_id: str) -> Food:
        """One food: nutrients per 100 g, portions, tags and article mentions."""
        try:
            return service.foods().food(food_id)
        except UnknownFoodError as exc:
            msg = str(exc).replace(
                "use FoodTable.search() to find ids",
                "use GET /v1/foods?q=WORDS to find ids",
            )
            raise _NotFoundError(msg) from None

    @app.get("/v1/targets", tags=["targets"], responses=_responses(422, 500))
    async def get_targets(
        age: Annotated[
            float, Query(ge=0, le=120, allow_inf_nan=False, description="Age in years.")
        ],
        sex: Sex,
        pregnancy: bool = False,
        trimester: Annotated[int | None, Query(ge=1, le=3)] = None,
        lactation: bool = False,
        weight_kg: Annotated[
            float | None, Query(gt=0, le=400, allow_inf_nan=False)
        ] = None,
        height_cm: Annotated[
            float | None, Query(gt=0, le=260, allow_inf_nan=False)
        ] = None,
        activity: ActivityLevel = ActivityLevel.LOW_ACTIVE,
        kcal_min: Annotated[
            float | None, Query(gt=0, le=10000, allow_inf_nan=False)
        ] = None,
        kcal_max: Annotated[
            float | None, Query(gt=0, le=10000, allow_inf_nan=False)
        ] = None,
        margin: Annotated[float, Query(ge=1.0, le=3.0, allow_inf_nan=False)] = 1.0,
        panel: Annotated[
            PanelMode,
            Query(
                description="The DRI panel beyond the focus four (a plan's default: auto)."
            ),
        ] = PanelMode.AUTO,
    ) -> NutrientTargets:
        """Return the daily DRI targets the planner would use for a person."""
        from mealplan._targets import targets_for

        fields: dict[str, Any] = {
            "age": age,
            "sex": sex,
            "pregnancy": pregnancy,
            "trimester": trimester,
            "lactation": lactation,
            "weight_kg": weight_kg,
            "height_cm": height_cm,
            "activity": activity,
        }
        try:
            person = Person.model_validate(fields)
            return targets_for(
                person, kcal_min=kcal_min, kcal_max=kcal_max, margin=margin, panel=panel
            )
        except ValidationError as exc:
            from mealplan._request_parse import request_error

            # A rule over several parameters (pregnancy with lactation, or
            # with sex male) has no field of its own: it is the query's, not
            # the "request" of a JSON body.
            items = [
                {**e, "loc": "query" if e["loc"] in ("", "request") else e["loc"]}
                for e in request_error(exc).errors
            ]
            first = items[0]
            more = f" (and {len(items) - 1} more)" if len(items) > 1 else ""
            msg = f"Invalid person: {first['loc']}: {first['msg']}{more}."
            raise _BadQueryError(msg, items) from None
        except MealPlanError as exc:
            raise _BadQueryError(
                str(exc), [{"loc": "query", "msg": str(exc)}]
            ) from None

    @app.exception_handler(_NotFoundError)
    async def _not_found(_: Request, exc: _NotFoundError) -> JSONResponse:
        return error(404, str(exc))

    @app.exception_handler(_BadQueryError)
    async def _bad_query(_: Request, exc: _BadQueryError) -> JSONResponse:
        items = [ErrorItem(loc=e["loc"], msg=e["msg"]) for e in exc.errors]
        return error(422, str(exc).replace("plan request", "person"), items)


class _NotFoundError(Exception):
    pass


class _BadQueryError(Exception):
    def __init__(self, message: str, errors: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.errors = errors


def openapi_text() -> str:
    """Return the OpenAPI document of the service as committed (sorted JSON)."""
    import json

    document = create_app().openapi()
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
