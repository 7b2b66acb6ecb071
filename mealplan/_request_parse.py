"""Parsing a plan request, and pydantic's errors as one-sentence RequestErrors.

Every entry point (``plan()``, the CLI, the HTTP service, batch lines)
validates a request here: a model, a dict or JSON text becomes a
:class:`~mealplan.PlanRequest`, or a :class:`~mealplan.RequestError` whose
message is one sentence and whose ``errors`` list every problem as
``{"loc": "person.age", "msg": "..."}``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from mealplan._errors import RequestError
from mealplan._models import PlanRequest
from mealplan._strictjson import loc_text

__all__ = ["parse_request", "request_error"]


def _loc(err: Mapping[str, Any]) -> str:
    return loc_text(tuple(err.get("loc", ())))


def parse_request(data: PlanRequest | Mapping[str, Any] | str | bytes) -> PlanRequest:
    """Validate a request given as a model, a dict or JSON text.

    Raises:
        RequestError: The request is invalid; ``errors`` lists every problem
            as ``{"loc": "person.age", "msg": "..."}``.

    """
    if isinstance(data, PlanRequest):
        return data
    try:
        if isinstance(data, str | bytes):
            return PlanRequest.model_validate_json(data)
        return PlanRequest.model_validate(data)
    except ValidationError as exc:
        raise request_error(exc) from None


_BRANCH = re.compile(r"^[a-z-]+\[.*\]$|^bool$")
"""A pydantic union branch tag in an error's loc (``bool``, ``list[...]``)."""


def _union_branch_errors(errors: list[Any]) -> list[Any]:
    """Keep, of a union field's errors, those of the branch the input took.

    ``supplements`` is ``true`` or a list of ids: a list of 51 ids failed
    both branches and the first error said "should be a valid boolean".
    A list or object input is reported against its own branch, and the
    branch tag leaves the field's path.
    """
    out = []
    for err in errors:
        loc = tuple(err.get("loc", ()))
        tags = [
            k
            for k, part in enumerate(loc)
            if isinstance(part, str) and _BRANCH.match(part)
        ]
        if not tags:
            out.append(err)
            continue
        k = tags[0]
        if loc[k] == "bool" and isinstance(err.get("input"), list | dict):
            siblings = [
                e
                for e in errors
                if e is not err and tuple(e.get("loc", ()))[:k] == loc[:k]
            ]
            if siblings:
                continue
        out.append({**err, "loc": loc[:k] + loc[k + 1 :]})
    return out or errors


def _short_repr(value: Any) -> str:
    """Return ``repr(value)``, or "" for a value nested too deeply to show.

    A Python caller's list nested 100,000 deep is a validation error like
    any other; its repr raised RecursionError out of the error report.
    """
    try:
        return repr(value)
    except RecursionError:
        return ""


def _did_you_mean(err: Any) -> str:
    """Return "; did you mean 'peanuts'?" for a near miss of an enum's values."""
    expected = (err.get("ctx") or {}).get("expected")
    given = err.get("input")
    if (
        err.get("type") != "enum"
        or not isinstance(expected, str)
        or not isinstance(given, str)
    ):
        return ""
    # pydantic lists the values as "'milk', 'egg' or 'fish'".
    values = re.findall(r"'([^']*)'", expected)
    wanted = given.strip().lower().replace(" ", "_").replace("-", "_")
    close = difflib.get_close_matches(wanted, values, n=1, cutoff=0.75)
    return f"; did you mean {close[0]!r}?" if close and close[0] != given else ""


def request_error(exc: ValidationError) -> RequestError:
    """Turn a pydantic ValidationError into a one-sentence RequestError."""
    errors = []
    for err in _union_branch_errors(exc.errors(include_url=False)):
        msg = str(err.get("msg", "invalid value"))
        msg = msg.removeprefix("Value error, ")
        if err.get("type") == "extra_forbidden":
            msg = "unknown field; check its spelling against the schema"
        elif err.get("type") != "value_error" and "input" in err:
            # Name the offending value, as every message of ours does; model-level
            # checks (type value_error) already quote theirs.
            shown = _short_repr(err["input"])
            if shown and len(shown) <= 60:
                msg = f"{msg.rstrip('.')} (got {shown}{_did_you_mean(err)})"
        errors.append({"loc": _loc(err), "msg": msg})
    first = errors[0]
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    message = f"Invalid plan request: {first['loc']}: {first['msg']}{more}."
    return RequestError(message, errors)
