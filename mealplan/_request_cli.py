"""The :class:`~mealplan.PlanRequest` a ``mealplan plan`` command line asks for.

The ``--request`` file (or stdin) read strictly as JSON, then the flags of
:mod:`mealplan._plan_cli` laid over its fields. Also reads the saved plan of
``mealplan regenerate``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from mealplan._cli_args import BadInputError as _BadInputError
from mealplan._cli_args import person_fields as _person
from mealplan._models import PlanRequest
from mealplan._strictjson import (
    MAX_PLAN_BYTES,
    MAX_REQUEST_BYTES,
    JSONInputError,
    json_kind,
    load_json,
    loc_text,
)

__all__ = ["read_json_file", "request"]


def read_json_file(name: str, what: str) -> str:
    """Return the text of JSON file ``name`` ('-': stdin) within the size limit.

    ``what``: ``"Plan"`` (a saved plan, the larger limit) or ``"Request"``.
    """
    limit = MAX_PLAN_BYTES if what == "Plan" else MAX_REQUEST_BYTES
    if name == "-":
        # Read one byte past the limit: enough to know it is too long.
        # Bytes, not text: text read with the locale's error handler turns
        # bytes that are not UTF-8 into lone surrogates, a misleading error.
        buffer = getattr(sys.stdin, "buffer", None)
        raw = (
            buffer.read(limit + 1) if buffer is not None else sys.stdin.read(limit + 1)
        )
        if len(raw) > limit:
            msg = f"{what} on stdin is longer than the limit of {limit:,} bytes; send a smaller {what.lower()}."
            raise _BadInputError(msg, [{"loc": "request", "msg": "too large"}])
        if isinstance(raw, str):
            return raw
        try:
            return bytes(raw).decode("utf-8")
        except UnicodeDecodeError as exc:
            msg = f"{what} on stdin is not UTF-8 (byte {exc.start + 1}); send UTF-8 JSON text."
            raise _BadInputError(
                msg, [{"loc": "request", "msg": "not UTF-8"}]
            ) from None
    path = Path(name)
    try:
        size = path.stat().st_size if path.is_file() else 0
        if size > limit:
            msg = f"{what} file {name!r} is {size:,} bytes, above the limit of {limit:,}; give a smaller file."
            raise _BadInputError(msg, [{"loc": "request", "msg": "too large"}])
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        msg = f"{what} file {name!r} was not found; check the path."
        raise _BadInputError(msg) from None
    except IsADirectoryError:
        msg = f"{what} file {name!r} is a folder; give the path of a JSON file."
        raise _BadInputError(msg) from None
    except UnicodeDecodeError as exc:
        msg = f"{what} file {name!r} is not UTF-8 (byte {exc.start + 1}); save it as UTF-8 JSON text."
        raise _BadInputError(msg) from None
    except OSError as exc:
        why = exc.strerror or "it cannot be opened"
        msg = f"{what} file {name!r} could not be read ({why.lower()}); check the path and its permissions."
        raise _BadInputError(msg) from None


def _load_json_object(text: str, what: str, name: str) -> dict[str, Any]:
    try:
        data = load_json(text)
    except JSONInputError as exc:
        loc = loc_text(exc.loc)
        msg = f"{what} {name!r}: {exc}; fix the file."
        raise _BadInputError(msg, [{"loc": loc, "msg": str(exc)}]) from None
    if not isinstance(data, dict):
        msg = f"{what} {name!r} must be a JSON object (got {json_kind(data)}); wrap it in {{...}}."
        raise _BadInputError(msg, [{"loc": "request", "msg": "expected an object"}])
    return data


def request(args: argparse.Namespace) -> PlanRequest:
    """Return the request of ``mealplan plan``: its ``--request`` file, flags laid over."""
    from mealplan._planner import parse_request

    data: dict[str, Any] = {}
    if args.request is not None:
        text = read_json_file(args.request, "Request")
        data = _load_json_object(text, "Request", args.request)
    person = _person(args)
    if person:
        base = data.get("person")
        data["person"] = {**(base if isinstance(base, dict) else {}), **person}
    if args.request is None and ("age" not in person or "sex" not in person):
        msg = "mealplan plan: give --age and --sex (or --request FILE); see 'mealplan plan --help'."
        raise _BadInputError(
            msg, [{"loc": "person", "msg": "age and sex are required"}]
        )
    if args.kcal is not None:
        data["kcal_min"], data["kcal_max"] = args.kcal
    flags = {
        "diet": args.diet,
        "allergies": args.allergy,
        "exclude": args.exclude,
        "include": args.include,
        "free_from": args.free_from,
        "panel": args.panel,
        "absorbable_calcium": args.absorbable_calcium,
        "added_salt": args.added_salt,
        "room_for_unmeasured": args.room_for_unmeasured,
        "supplements": args.supplement or args.supplements,
        "allow_fortified": False if args.no_fortified else None,
        "days": args.days,
        "budget_per_day": args.budget,
        "max_foods": args.max_foods,
        "objective": args.objective,
        "allow_shortfall": args.allow_shortfall,
        "time_limit": args.time_limit,
        "solver": args.solver,
    }
    flags.update(_taste_flags(args))
    data.update({k: v for k, v in flags.items() if v is not None})
    _request_fields(args, data)
    return parse_request(data)


def _request_fields(args: argparse.Namespace, data: dict[str, Any]) -> None:
    """Apply the flags of :func:`mealplan._plan_cli._add_request_fields` to ``data``."""
    if args.fortified:
        data["allow_fortified"] = True
    for name in ("exclude", "include", "pins", "bans"):
        if getattr(args, f"no_{name}"):
            data[name] = []
    if args.no_budget:
        data["budget_per_day"] = None
    if args.no_meals:
        data["meals"] = None
    for flag, key, value in (
        (args.no_portion_limits, "portion_limits", False),
        (args.no_macro_limits, "macro_limits", False),
    ):
        if flag:
            data[key] = value
    values = {
        "portion_mode": args.portion_mode,
        "margin": args.margin,
        "nutrient_period": args.nutrient_period,
        "daily_floor": args.daily_floor,
        "max_days_per_food": args.max_days_per_food,
        "max_grams_per_week": args.max_grams_per_week,
        "pins": args.pin,
        "bans": args.ban,
        "mip_gap": args.mip_gap,
    }
    data.update({k: v for k, v in values.items() if v is not None})
    if args.min or args.max or args.no_bound:
        base = data.get("bounds")
        bounds: dict[str, Any] = dict(base) if isinstance(base, dict) else {}
        for side, pairs in (("minimum", args.min or []), ("maximum", args.max or [])):
            for name, value in pairs:
                old = bounds.get(name)
                bounds[name] = {**(old if isinstance(old, dict) else {}), side: value}
        for name in args.no_bound or []:
            bounds[name] = {"remove": True}
        data["bounds"] = bounds


def _taste_flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "likes": getattr(args, "like", None),
        "dislikes": getattr(args, "dislike", None),
        "variety_seed": getattr(args, "variety_seed", None),
        "structure": False
        if getattr(args, "no_structure", None)
        else (True if getattr(args, "structure", None) else None),
    }
