"""Errors and the body-size limit of the HTTP service, as the contract says.

Bad input is always 422 with the CLI's ``{"error", "errors"}`` body (FastAPI's
own validation errors included), a body over the limit is 413, and an
internal error is a 500 that says nothing about its cause (the log does).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from mealplan._strictjson import JSONInputError, json_kind, load_json, loc_text
from mealplan._wire import ErrorBody, ErrorItem

__all__ = [
    "BodyLimit",
    "StrictJSON",
    "bad_input",
    "error",
    "install_error_handlers",
    "strict_query",
]

log = logging.getLogger("mealplan.server")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def error(
    status: int,
    message: str,
    errors: list[ErrorItem] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    body = ErrorBody(error=message, errors=errors or [])
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


# Pydantic's types for "an object was expected": its own words name Python
# ("a valid dictionary or object to extract fields from").
_NOT_AN_OBJECT = frozenset({"dict_type", "model_type", "model_attributes_type"})
# A tagged union (the /v1/plans answer's "kind") without its tag, or a wrong one.
_UNION_TAG = frozenset({"union_tag_not_found", "union_tag_invalid"})


def _validation_items(exc: RequestValidationError) -> list[ErrorItem]:
    items = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        if loc and loc[0] in ("body", "query", "path"):
            loc = loc[1:] if loc[0] == "body" else loc[1:] or loc
        msg = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; check its spelling against the schema"
        elif err.get("type") == "json_invalid":
            where = f" (at character {loc[-1]})" if loc else ""
            msg = f"the body is not valid JSON{where}"
            loc = []
        elif isinstance(err.get("input"), bytes):
            msg = "the body must be a JSON object sent as application/json"
        elif err.get("type") == "missing":
            # Pydantic's "Field required (got None)" quoted what is absent.
            what = "the request body" if not loc else "this field"
            msg = f"{what} is required; see /openapi.json for what to send"
        elif err.get("type") in _UNION_TAG:
            # Pydantic's words ("Unable to extract tag using discriminator
            # 'kind'") name its machinery, not the field to send.
            ctx = err.get("ctx") or {}
            field = str(ctx.get("discriminator", "'kind'"))
            expected = ctx.get("expected_tags")
            msg = (
                f"the {field} field is missing; it says which kind of object this "
                "is (see /openapi.json)"
                if err.get("type") == "union_tag_not_found"
                else f"{field} is {ctx.get('tag')!r}; expected one of {expected}"
            )
        elif err.get("type") in _NOT_AN_OBJECT:
            msg = f"expected a JSON object {{...}} (got {json_kind(err.get('input'))})"
        elif err.get("type") != "value_error" and "input" in err:
            shown = repr(err["input"])
            if len(shown) <= 60:
                msg = f"{msg.rstrip('.')} (got {shown})"
        items.append(ErrorItem(loc=loc_text(loc), msg=msg))
    return items or [ErrorItem(loc="request", msg="invalid request")]


def _whole_answer(body: object) -> ErrorItem | None:
    """Return the error for a regenerate body whose ``plan`` is a whole answer.

    A client that posts the ``/v1/plans`` answer (``{"kind": "plan", "plan":
    {...}}``) as ``plan`` got "plan.request: this field is required (and 9
    more problem(s))"; the fix is one step, so say it.
    """
    if not isinstance(body, dict):
        return None
    plan = body.get("plan")
    if isinstance(plan, dict) and plan.get("kind") == "plan" and "plan" in plan:
        return ErrorItem(
            loc="plan",
            msg="send the 'plan' object of the /v1/plans answer, not the whole "
            'answer: {"plan": answer["plan"], "day": ...}',
        )
    return None


def bad_input(items: list[ErrorItem]) -> JSONResponse:
    first = items[0]
    more = f" (and {len(items) - 1} more problem(s))" if len(items) > 1 else ""
    message = f"Invalid request: {first.loc}: {first.msg}{more}."
    return error(422, message, items)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        wrapped = _whole_answer(exc.body)
        if wrapped is not None:
            return bad_input([wrapped])
        return bad_input(_validation_items(exc))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:  # FastAPI's "error parsing the body"
            item = ErrorItem(loc="request", msg="the body could not be parsed")
            return bad_input([item])
        if exc.status_code == 404:
            return error(404, "Not found; see /openapi.json for the routes.")
        if exc.status_code == 405:
            # RFC 9110 (15.5.6): a 405 names the methods the route allows;
            # Starlette's routing puts them on the exception's Allow header.
            allow = (exc.headers or {}).get("Allow")
            return error(
                405,
                "Method not allowed on this route; see /openapi.json.",
                headers={"Allow": allow} if allow else None,
            )
        return error(exc.status_code, "The request could not be served.")

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> JSONResponse:
        log.error("internal error", exc_info=exc)
        return error(500, "Internal error; it was logged. Please report it.")


# -------------------------------------------------------------- body limit


class _TooLargeError(Exception):
    pass


class BodyLimit:
    """Answer 413 to a body over ``limit`` bytes, declared or streamed."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._reject(send)
            return
        seen = 0
        started = False
        too_large = False

        async def limited() -> Message:
            nonlocal seen, too_large
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                too_large = True
                raise _TooLargeError
            return message

        async def tracking(message: Message) -> None:
            # The framework may turn the aborted read into an error response of
            # its own; whatever it answers, the client gets the 413.
            nonlocal started
            if too_large:
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await self._reject(send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, tracking)
        except _TooLargeError:
            if not started:
                await self._reject(send)

    async def _reject(self, send: Send) -> None:
        response = error(
            413,
            f"The request body is over {self.limit} bytes; send a smaller request.",
        )
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": response.raw_headers,
            }
        )
        await send({"type": "http.response.body", "body": response.body})


# ------------------------------------------------------------ strict JSON


class StrictJSON:
    """Read a JSON body strictly (:func:`mealplan._strictjson.load_json`) first.

    FastAPI parses a body with ``json.loads``, which keeps the last of two
    equal keys: ``{"allergies": ["peanuts"], "allergies": []}`` planned with
    no allergy filter over HTTP while the CLI and the API refused it. A body
    with a duplicate key, nesting deeper than the limit or a lone surrogate is
    answered 422 here; malformed JSON is left to FastAPI's own message. Runs
    inside :class:`BodyLimit`, so the body it buffers is already bounded.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        ctype = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        # FastAPI parses application/json and every application/...+json.
        if not (
            ctype == b"application/json"
            or (ctype.startswith(b"application/") and ctype.endswith(b"+json"))
        ):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                await self.app(scope, receive, send)
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        try:
            load_json(body, max_bytes=max(self.limit, len(body)))
        except JSONInputError as exc:
            if exc.kind != "json_invalid":
                loc = loc_text(exc.loc)
                response = bad_input([ErrorItem(loc=loc, msg=str(exc))])
                await response(scope, receive, send)
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)


# ---------------------------------------------------------- strict query


async def strict_query(request: Request) -> None:
    """Refuse a query parameter given twice or unknown to the route (/v1 only).

    Starlette keeps the last of two equal parameters, so
    ``/v1/targets?age=35&sex=female&age=3`` answered for a 3-year-old, and
    an unknown parameter (``wieght_kg=60``) was ignored: the query string is
    held to the rules of a JSON body (a key once, no unknown keys).
    """
    if not request.url.path.startswith("/v1/"):
        return
    keys = [k for k, _ in request.query_params.multi_items()]
    twice = next((k for k in keys if keys.count(k) > 1), None)
    if twice is not None:
        msg = f"query parameter {twice!r} appears twice; keep one"
        raise RequestValidationError(
            [
                {
                    "type": "value_error",
                    "loc": ("query", twice),
                    "msg": msg,
                    "input": twice,
                }
            ]
        )
    route = request.scope.get("route")
    dependant = getattr(route, "dependant", None)
    if dependant is None:
        return
    known = _query_names(dependant)
    unknown = next((k for k in keys if k not in known), None)
    if unknown is not None:
        raise RequestValidationError(
            [
                {
                    "type": "extra_forbidden",
                    "loc": ("query", unknown),
                    "msg": "",
                    "input": unknown,
                }
            ]
        )


def _query_names(dependant: Any) -> set[str]:
    """Return the query parameters a route and its dependencies declare."""
    names = {p.alias for p in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names
