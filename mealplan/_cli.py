"""The ``mealplan`` command line; the only module that prints.

Exit status (a contract scripts can rely on):

* 0: the plan (or the requested information) was printed;
* 1: no plan meets the request; the diagnosis was printed (as JSON with
  ``--format json``);
* 2: bad input (a bad flag or request, an unknown food id, an unreadable
  file), reported in one line on stderr (plus ``{"error", "errors"}`` on
  stdout with ``--format json``);
* 3: the solver failed or hit its time limit before finding any plan, the
  output could not be written (a full disk, a closed pipe), or an
  unexpected internal error (reported in one line, never as a traceback);
* 130: interrupted (Ctrl-C or SIGTERM): one line on stderr, nothing on
  stdout, within about a second even mid-solve, no solver process or
  temporary file left (:mod:`mealplan._interrupt`).

Every message is one line on stderr; JSON input is read strictly (duplicate
keys, nesting deeper than 32 levels, over 1 MB for a request or 16 MB for a
saved plan, and lone surrogates are bad input).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from mealplan._batch_cli import add_batch
from mealplan._batch_models import BatchResult
from mealplan._catalog import FoodTable, load_foods
from mealplan._cli_args import (
    EXIT_BAD_INPUT,
    EXIT_FAILURE,
    EXIT_INFEASIBLE,
    EXIT_OK,
)
from mealplan._cli_args import BadInputError as _BadInputError
from mealplan._cli_args import Parser as _Parser
from mealplan._cli_args import add_format as _add_format
from mealplan._cli_args import add_person as _add_person
from mealplan._cli_args import check_format as _check_format
from mealplan._cli_args import formatter as _formatter
from mealplan._cli_args import person_fields as _person
from mealplan._entry import hand_over
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
from mealplan._interrupt import EXIT_INTERRUPTED, InterruptGuard, prepare_exit
from mealplan._interrupt import message as interrupt_message
from mealplan._lookup_cli import add_foods, add_targets, cmd_supplements
from mealplan._models import (
    DISCLAIMER,
    Diagnosis,
    Explanation,
    MealPlan,
    PlanRequest,
)
from mealplan._nutrients import Allergen, Diet
from mealplan._serve_cli import add_serve, server_module
from mealplan._strictjson import (
    MAX_PLAN_BYTES,
    MAX_REQUEST_BYTES,
    JSONInputError,
    load_json,
    loc_text,
)

__all__ = ["main"]

SCHEMAS: dict[str, type[BaseModel]] = {
    "request": PlanRequest,
    "plan": MealPlan,
    "diagnosis": Diagnosis,
    "batch-result": BatchResult,
    "explanation": Explanation,
}
"""``mealplan schema NAME`` -> the model whose JSON Schema it prints."""

# ---------------------------------------------------------------- arguments


_PLAN_EPILOG = """\
examples:
  mealplan plan --age 35 --sex female --diet vegetarian
  mealplan plan --age 29 --sex female --pregnant --trimester 2 --allergy peanuts
  mealplan plan --age 60 --sex male --days 7 --objective cost --format markdown
  mealplan plan --age 35 --sex female --explain
  mealplan plan --age 35 --sex female --diet vegan --no-fortified --supplement vitamin-b12-250ug
  mealplan plan --request request.json --format json > plan.json
  echo '{"person": {"age": 40, "sex": "male"}}' | mealplan plan --request -

With --request, the flags you also give override the file's fields (person
flags override single fields of its person; --allergy, --exclude and
--include replace its lists).

exit status: 0 plan printed, 1 no feasible plan (diagnosis printed),
2 bad input, 3 solver failure or output not written, 130 interrupted.
"""


def _add_plan(commands: Any) -> None:
    p = commands.add_parser(
        "plan",
        help="plan meals that meet the DRIs",
        description="Plan meals (one day or several) that meet magnesium, calcium, "
        "vitamin D and vitamin B12 needs, from USDA SR28 foods.",
        epilog=_PLAN_EPILOG,
        formatter_class=_formatter,
    )
    p.add_argument(
        "--request",
        metavar="FILE",
        help="a JSON PlanRequest ('-' reads stdin); flags override its fields",
    )
    _add_person(p)
    g = p.add_argument_group("what you eat")
    g.add_argument("--diet", help="one of " + ", ".join(d.value for d in Diet))
    g.add_argument(
        "--allergy",
        action="append",
        metavar="ALLERGEN",
        help="repeatable; one of " + ", ".join(a.value for a in Allergen),
    )
    g.add_argument(
        "--exclude",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a food group",
    )
    g.add_argument(
        "--panel",
        metavar="MODE",
        help="the DRI panel beyond the focus four: limits (default: food ULs "
        "planned, other minimums reported), rda (food ULs and every RDA planned, "
        "AI-only nutrients reported), full (every RDA/AI a minimum, a fiber "
        "ceiling, the sodium AI) or off",
    )
    g.add_argument(
        "--absorbable-calcium",
        action="store_true",
        default=None,
        help="count calcium as absorbed (Weaver, Proulx & Heaney 1999) in the "
        "calcium minimum (RDA at milk's 32.1%%) and report both totals",
    )
    g.add_argument(
        "--free-from",
        action="append",
        metavar="NEED",
        help="repeatable; gluten or lactose: plan without them",
    )
    g.add_argument(
        "--supplements",
        action="store_true",
        default=None,
        help="also allow single-nutrient supplements (vitamin D3, B12, magnesium, "
        "calcium tablets) where the person's life-stage ULs allow them; listed "
        "apart from the food (default: foods only)",
    )
    g.add_argument(
        "--supplement",
        action="append",
        metavar="ID",
        help="repeatable; allow only these supplements, e.g. vitamin-b12-250ug "
        "(ids in foods/supplements.csv)",
    )
    _add_supplements_file(g)
    g.add_argument(
        "--include",
        action="append",
        metavar="ID",
        help="repeatable; a food id that must appear every day",
    )
    g.add_argument(
        "--no-fortified",
        action="store_true",
        default=None,
        help="leave out fortified foods",
    )
    g = p.add_argument_group("how to plan")
    g.add_argument("--days", type=int, help="number of days (1-28, default 1)")
    g.add_argument("--budget", type=float, metavar="USD", help="budget a day, US$")
    g.add_argument(
        "--max-foods",
        type=int,
        metavar="N",
        help=f"most foods a day, not counting the cooking fat or dressing of an item "
        f"(default {_default('max_foods')})",
    )
    g.add_argument(
        "--objective",
        help="typical (default: ordinary servings) or cost (cheapest)",
    )
    g.add_argument(
        "--allow-shortfall",
        action="store_true",
        default=None,
        help="return the closest plan when no plan meets every bound",
    )
    g.add_argument(
        "--time-limit",
        type=float,
        metavar="S",
        help=f"time limit for the whole request, s (default {_default('time_limit'):g})",
    )
    g.add_argument(
        "--solver",
        help="highs (default), cbc (bundled with PuLP), or another solver PuLP "
        "drives where installed: glpk, gurobi, cplex, scip, xpress, mosek, copt",
    )
    p.add_argument(
        "--explain",
        action="store_true",
        help="say which bounds bind and what tightening them would cost",
    )
    p.add_argument(
        "--dishes",
        action="store_true",
        help="also plan with the bundled FNDDS dishes (off by default: their "
        "weak LP bound makes some days run to the time limit; see README)",
    )
    _add_request_fields(p)
    _add_taste(p)
    _add_format(p)
    p.set_defaults(run=_cmd_plan)


def _read_json_file(name: str, what: str) -> str:
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
    except (OSError, UnicodeDecodeError) as exc:
        msg = f"{what} file {name!r} could not be read ({type(exc).__name__}); give a UTF-8 JSON file."
        raise _BadInputError(msg) from None


def _load_json_object(text: str, what: str, name: str) -> dict[str, Any]:
    try:
        data = load_json(text)
    except JSONInputError as exc:
        loc = loc_text(exc.loc)
        msg = f"{what} {name!r}: {exc}; fix the file."
        raise _BadInputError(msg, [{"loc": loc, "msg": str(exc)}]) from None
    if not isinstance(data, dict):
        msg = f"{what} {name!r} must be a JSON object (got {type(data).__name__}); wrap it in {{...}}."
        raise _BadInputError(msg, [{"loc": "request", "msg": "expected an object"}])
    return data


def _request(args: argparse.Namespace) -> PlanRequest:
    from mealplan._planner import parse_request

    data: dict[str, Any] = {}
    if args.request is not None:
        text = _read_json_file(args.request, "Request")
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


# Every other PlanRequest field a diagnosis or an explanation can name has a
# flag too, so advice printed as flags can be followed from the command line.


def _bound_arg(text: str) -> tuple[str, float]:
    name, sep, value = text.partition("=")
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not sep or not name.strip() or not math.isfinite(number) or number < 0:
        msg = f"{text!r} is not NUTRIENT=AMOUNT; give e.g. vitamin_d_ug=10"
        raise argparse.ArgumentTypeError(msg)
    return name.strip(), number


def _entry_arg(text: str) -> dict[str, Any]:
    food, _, days = text.partition("@")
    food, _, meal = food.partition(":")
    entry: dict[str, Any] = {"food": food.strip()}
    if meal.strip():
        entry["meal"] = meal.strip()
    if days.strip():
        try:
            entry["days"] = [int(d) for d in days.split(",")]
        except ValueError:
            msg = f"{text!r} is not FOOD[:MEAL][@DAY,DAY]; give e.g. almonds:breakfast@1,3"
            raise argparse.ArgumentTypeError(msg) from None
    if not entry["food"]:
        msg = f"{text!r} names no food; give FOOD[:MEAL][@DAY,DAY]"
        raise argparse.ArgumentTypeError(msg)
    return entry


def _add_request_fields(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("more request fields (each names a PlanRequest field)")
    add = g.add_argument
    add(
        "--fortified",
        action="store_true",
        default=None,
        help="allow fortified foods (allow_fortified=true; the default)",
    )
    add(
        "--no-budget",
        action="store_true",
        default=None,
        help="no budget (budget_per_day=null)",
    )
    add(
        "--portion-mode",
        metavar="MODE",
        help="whole, half (default; quarter at ages 1-3), quarter or continuous",
    )
    add(
        "--no-portion-limits",
        action="store_true",
        default=None,
        help="lift the realistic portion caps per food (portion_limits=false)",
    )
    add(
        "--no-macro-limits",
        action="store_true",
        default=None,
        help="drop the AMDR energy shares (macro_limits=false)",
    )
    add(
        "--margin",
        type=float,
        metavar="X",
        help="factor on the focus-nutrient minimums, 1.0-3.0 (margin)",
    )
    add(
        "--min",
        type=_bound_arg,
        action="append",
        metavar="NUTRIENT=AMOUNT",
        help="repeatable; your own minimum a day (bounds.NUTRIENT.minimum)",
    )
    add(
        "--max",
        type=_bound_arg,
        action="append",
        metavar="NUTRIENT=AMOUNT",
        help="repeatable; your own maximum a day (bounds.NUTRIENT.maximum)",
    )
    add(
        "--no-bound",
        action="append",
        metavar="NUTRIENT",
        help="repeatable; drop the bound on a nutrient (bounds.NUTRIENT.remove)",
    )
    add(
        "--nutrient-period",
        metavar="PERIOD",
        help="daily (default) or average: focus nutrients met every day or on average",
    )
    add(
        "--daily-floor",
        type=float,
        metavar="SHARE",
        help="with --nutrient-period average, the least share met every day (0.7)",
    )
    add(
        "--max-days-per-food",
        type=int,
        metavar="N",
        help="most days a food may appear on (default: half the days)",
    )
    add(
        "--max-grams-per-week",
        type=float,
        metavar="G",
        help="most grams of any one food over 7 days",
    )
    add(
        "--pin",
        type=_entry_arg,
        action="append",
        metavar="FOOD[:MEAL][@DAYS]",
        help="repeatable; a food that must appear, e.g. almonds:breakfast@1,3 (pins)",
    )
    add(
        "--ban",
        type=_entry_arg,
        action="append",
        metavar="FOOD[:MEAL][@DAYS]",
        help="repeatable; a food that must not appear (bans)",
    )
    for name, field in (
        ("exclude", "exclude"),
        ("include", "include"),
        ("pins", "pins"),
        ("bans", "bans"),
    ):
        add(
            f"--no-{name}",
            dest=f"no_{name}",
            action="store_true",
            default=None,
            help=f"clear the request's {field} list",
        )
    add(
        "--no-meals",
        action="store_true",
        default=None,
        help="no meal split: plan each day as one pool of foods (meals=null)",
    )
    add(
        "--mip-gap",
        type=float,
        metavar="GAP",
        help="relative gap at which the solver stops (mip_gap)",
    )


def _request_fields(args: argparse.Namespace, data: dict[str, Any]) -> None:
    """Apply the flags of :func:`_add_request_fields` to the request dict."""
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


def _print_plan(plan: MealPlan, fmt: str, table: FoodTable, explain: bool) -> None:
    from mealplan._report import render_json, render_markdown, render_text

    if fmt == "html":
        from mealplan._html import render_html

        sys.stdout.write(render_html(plan, table))
        return
    explanation = None
    if explain:
        from mealplan._explain import explain as make_explanation

        explanation = make_explanation(plan, table)
    if fmt == "json":
        # The explanation travels inside the plan (MealPlan.explanation).
        print(render_json(plan.model_copy(update={"explanation": explanation})))
        return
    render = render_markdown if fmt == "markdown" else render_text
    sys.stdout.write(render(plan, table, explanation=explanation))


def _print_diagnosis(diagnosis: Diagnosis | None, message: str, fmt: str) -> None:
    from mealplan._report import (
        render_diagnosis_json,
        render_diagnosis_markdown,
        render_diagnosis_text,
    )

    if diagnosis is None:
        diagnosis = Diagnosis(message=message, conflicts=[], minimal=False)
    if fmt == "json":
        print(render_diagnosis_json(diagnosis))
    elif fmt == "html":
        from mealplan._html import render_html

        sys.stdout.write(render_html(diagnosis))
    elif fmt == "markdown":
        sys.stdout.write(render_diagnosis_markdown(diagnosis))
    else:
        sys.stdout.write(render_diagnosis_text(diagnosis))


def _add_supplements_file(p: Any) -> None:
    p.add_argument(
        "--supplements-file",
        metavar="PATH",
        help="your own supplements table (a CSV with the columns of "
        "foods/supplements.csv) instead of the bundled one",
    )
    p.add_argument(
        "--life-stage-caps-file",
        metavar="PATH",
        help="your own children's portion caps (a CSV with the columns of "
        "foods/life_stage_caps.csv) instead of the bundled ones",
    )


def _supplements_file(table: FoodTable, args: argparse.Namespace) -> FoodTable:
    """Return ``table`` planning with ``--supplements-file``'s table, if given.

    And with ``--life-stage-caps-file``'s children's caps, if given.
    """
    caps_path = getattr(args, "life_stage_caps_file", None)
    if caps_path is not None:
        from mealplan._life_stage_caps import load_life_stage_caps

        table = table.using_life_stage_caps(load_life_stage_caps(caps_path))
    path = getattr(args, "supplements_file", None)
    if path is None:
        return table
    from mealplan._supplements import load_supplements

    return table.using_supplements(load_supplements(path))


def _cmd_plan(args: argparse.Namespace) -> int:
    from mealplan._planner import plan

    fmt = _check_format(args)
    request = _request(args)
    table = _supplements_file(load_foods(dishes=args.dishes), args)
    try:
        result = plan(request, table)
    except InfeasiblePlanError as exc:
        _print_diagnosis(exc.diagnosis, str(exc), fmt)
        return EXIT_INFEASIBLE
    _print_plan(result, fmt, table, args.explain)
    return EXIT_OK


_REGEN_EPILOG = """\
examples:
  mealplan plan --age 35 --sex female --days 3 --format json > plan.json
  mealplan regenerate --plan plan.json --day 2
  mealplan regenerate --plan plan.json --day 1 --meal dinner --reject brown-rice-cooked
  mealplan regenerate --plan plan.json --day 1 --format json > plan2.json

exit status: 0 plan printed, 1 no different day/meal fits, 2 bad input.
"""


def _add_regenerate(commands: Any) -> None:
    p = commands.add_parser(
        "regenerate",
        help="re-plan one day or one meal of a saved plan",
        description="Re-plan one day (or one meal of it) of a plan saved as JSON, "
        "keeping the rest unchanged.",
        epilog=_REGEN_EPILOG,
        formatter_class=_formatter,
    )
    p.add_argument(
        "--plan", required=True, metavar="FILE", help="a MealPlan JSON ('-': stdin)"
    )
    p.add_argument("--day", required=True, type=int, help="the day to re-plan, from 1")
    p.add_argument("--meal", help="re-plan only this meal of the day")
    p.add_argument(
        "--reject",
        nargs="+",
        action="extend",
        default=[],
        metavar="ID",
        help="food ids not wanted in the re-planned part",
    )
    _add_supplements_file(p)
    _add_format(p)
    p.set_defaults(run=_cmd_regenerate)


def _cmd_regenerate(args: argparse.Namespace) -> int:
    from mealplan._planner import regenerate

    fmt = _check_format(args)
    text = _read_json_file(args.plan, "Plan")
    try:
        previous = MealPlan.model_validate_json(text)
    except ValidationError as exc:
        from mealplan._planner import request_error

        err = request_error(exc)
        msg = f"Plan file {args.plan!r} is not a valid MealPlan: {err.errors[0]['loc']}: {err.errors[0]['msg']}; save it with 'mealplan plan --format json'."
        raise _BadInputError(msg, err.errors) from None
    table = _supplements_file(load_foods(), args)
    try:
        result = regenerate(
            previous, day=args.day, meal=args.meal, reject=args.reject, foods=table
        )
    except InfeasiblePlanError as exc:
        _print_diagnosis(exc.diagnosis, str(exc), fmt)
        return EXIT_INFEASIBLE
    _print_plan(result, fmt, table, explain=False)
    return EXIT_OK


# ------------------------------------------------------------------- schema


def _add_schema(commands: Any) -> None:
    p = commands.add_parser(
        "schema",
        help="print the JSON Schema of a request, plan or diagnosis",
        description="Print the JSON Schema of the JSON contract. Copies are "
        "shipped in mealplan/schemas/.",
        epilog="examples:\n  mealplan schema request\n"
        "  mealplan schema plan > meal-plan.schema.json\n",
        formatter_class=_formatter,
    )
    p.add_argument(
        "name",
        help="request, plan, diagnosis, explanation or batch-result "
        "(openapi: the HTTP service's)",
    )
    p.set_defaults(run=_cmd_schema, format="text")


def schema_text(name: str) -> str:
    """Return the JSON Schema of a contract model (a key of SCHEMAS) as text."""
    return json.dumps(SCHEMAS[name].model_json_schema(), indent=2) + "\n"


def _cmd_schema(args: argparse.Namespace) -> int:
    if args.name == "openapi":
        sys.stdout.write(server_module().openapi_text())
        return EXIT_OK
    if args.name not in SCHEMAS:
        names = ", ".join(SCHEMAS)
        msg = f"mealplan schema: {args.name!r} is not a schema; use one of {names}."
        raise _BadInputError(msg, [{"loc": "name", "msg": "unknown schema"}])
    sys.stdout.write(schema_text(args.name))
    return EXIT_OK


# --------------------------------------------------------------------- main


_MAIN_EPILOG = f"""\
examples:
  mealplan plan --age 35 --sex female --diet vegetarian
  mealplan plan --age 35 --sex female --days 7 --format markdown > week.md
  mealplan foods search pumpkin seeds
  mealplan targets --age 35 --sex female
  mealplan schema request

exit status: 0 success, 1 no feasible plan, 2 bad input, 3 solver failure or
output not written (full disk, closed pipe), 130 interrupted.

{DISCLAIMER}
"""


def build_parser() -> argparse.ArgumentParser:
    """Return the ``mealplan`` argument parser."""
    parser = _Parser(
        prog="mealplan",
        description="Meal plans that meet magnesium, calcium, vitamin D and "
        "vitamin B12 needs, from USDA SR28 foods.",
        epilog=_MAIN_EPILOG,
        formatter_class=_formatter,
    )
    from mealplan import __version__

    parser.add_argument(
        "--version", action="version", version=f"mealplan {__version__}"
    )
    commands = parser.add_subparsers(
        dest="command",
        metavar="{plan,regenerate,foods,targets,supplements,schema,batch,serve}",
        parser_class=_Parser,
    )
    commands.required = True
    _add_plan(commands)
    _add_regenerate(commands)
    add_foods(commands)
    add_targets(commands)
    from mealplan._supplements_cli import add_supplements

    add_supplements(
        commands,
        add_person=_add_person,
        add_format=_add_format,
        run=cmd_supplements,
        formatter=_formatter,
    )
    _add_schema(commands)
    add_batch(commands, _BadInputError)
    add_serve(commands)
    return parser


def _one_line(message: str) -> str:
    """Return ``message`` on one line, so no newline in a value can split it."""
    return re.sub(r"\s*[\r\n]+\s*", " ", message).strip()


class _OutputError(Exception):
    """Writing the output failed (a full disk, a closed pipe)."""


class _Output:
    """Standard output that turns a failed write into :class:`_OutputError`."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return int(self._stream.write(text))
        except OSError as exc:
            raise _OutputError(exc) from None

    def flush(self) -> None:
        try:
            self._stream.flush()
        except OSError as exc:
            raise _OutputError(exc) from None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _output_failed(exc: BaseException) -> int:
    cause = exc.args[0] if exc.args and isinstance(exc.args[0], OSError) else exc
    reason = (
        cause.strerror if isinstance(cause, OSError) and cause.strerror else str(cause)
    )
    if isinstance(cause, BrokenPipeError):
        what = "the reader of the output closed the pipe"
    else:
        what = f"the output could not be written ({reason})"
    print(
        _one_line(
            f"mealplan: {what}; nothing more was written, check the disk or the pipe."
        ),
        file=sys.stderr,
    )
    # The unwritten rest would fail again when Python flushes at exit.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.__stdout__.fileno() if sys.__stdout__ else 1)
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_FAILURE


def _fail(
    args: argparse.Namespace | None, message: str, errors: Sequence[dict[str, str]]
) -> int:
    message = _one_line(message)
    print(message, file=sys.stderr)
    if args is not None and getattr(args, "format", None) == "json":
        print(json.dumps({"error": message, "errors": list(errors)}, indent=2))
    return EXIT_BAD_INPUT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``mealplan`` command line and return its exit status.

    Args:
        argv: The arguments (without the program name); ``sys.argv[1:]`` when None.

    Returns:
        0 printed, 1 no feasible plan, 2 bad input, 3 solver failure.

    """
    stdout = sys.stdout
    sys.stdout = _Output(stdout)
    try:
        return _main(argv)
    except _OutputError as exc:
        return _output_failed(exc)
    finally:
        sys.stdout = stdout


def _main(argv: Sequence[str] | None) -> int:
    args: argparse.Namespace | None = None
    guard = InterruptGuard(enabled=False)
    try:
        args = build_parser().parse_args(argv)
        run: Callable[[argparse.Namespace], int] = args.run
        # batch and serve stop their workers and servers on signals themselves.
        guard = InterruptGuard(enabled=args.command not in _OWN_SIGNALS)
        if not guard.enabled:
            hand_over()  # the start-up handler (mealplan._entry) ends here
        with guard:
            status = run(args)
        sys.stdout.flush()  # a full disk shows here, not at exit
        return status
    except _OutputError:
        raise
    except _BadInputError as exc:
        return _fail(args, str(exc), exc.errors)
    except RequestError as exc:
        return _fail(
            args, str(exc), exc.errors or [{"loc": "request", "msg": str(exc)}]
        )
    except UnknownFoodError as exc:
        msg = str(exc).replace(
            "use FoodTable.search() to find ids",
            "use 'mealplan foods search WORDS' to find ids",
        )
        return _fail(args, msg, [{"loc": "food", "msg": msg}])
    except (UnknownNutrientError, TargetError, FoodTableError) as exc:
        return _fail(args, str(exc), [{"loc": "request", "msg": str(exc)}])
    except InfeasiblePlanError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return EXIT_INFEASIBLE
    except SolverError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return EXIT_FAILURE
    except MealPlanError as exc:
        print(_one_line(str(exc)), file=sys.stderr)
        return EXIT_FAILURE
    except KeyboardInterrupt:
        if guard.claim():
            print(interrupt_message(guard.signum), file=sys.stderr)
        if guard.signalled:
            prepare_exit()  # nothing partial reaches the reader; exit at once
        return EXIT_INTERRUPTED
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        print(
            _one_line(
                f"mealplan: a file could not be read or written ({reason}"
                f"{': ' + str(exc.filename) if exc.filename else ''}); check the disk "
                "space and permissions."
            ),
            file=sys.stderr,
        )
        return EXIT_FAILURE
    except Exception as exc:  # no traceback ever reaches a user
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        print(
            f"mealplan: internal error ({type(exc).__name__}: {first}); please report it.",
            file=sys.stderr,
        )
        return EXIT_FAILURE


_OWN_SIGNALS = ("batch", "serve")
"""Commands that handle SIGINT and SIGTERM themselves."""


def _default(field: str) -> Any:
    """Return a PlanRequest field's default, so --help states the real one."""
    return PlanRequest.model_fields[field].default


def _add_taste(p: argparse.ArgumentParser) -> None:
    """Add the personal-taste and meal-structure flags (issue 11)."""
    g = p.add_argument_group("taste and meal structure")
    g.add_argument(
        "--like",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a category to favour",
    )
    g.add_argument(
        "--dislike",
        action="append",
        metavar="FOOD",
        help="repeatable; a food id, a word of food names or a category never to plan",
    )
    g.add_argument(
        "--variety-seed",
        type=int,
        metavar="N",
        help="a different, equally good plan per seed (the same seed, the same plan)",
    )
    g.add_argument(
        "--structure",
        action="store_true",
        default=None,
        help="plan meals a person would eat: meal parts, companions, one form of a "
        "base food a day, whole units, portion caps (the default)",
    )
    g.add_argument(
        "--no-structure",
        action="store_true",
        default=None,
        help="drop the meal structure rules (the bare nutrient model)",
    )


def _taste_flags(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "likes": getattr(args, "like", None),
        "dislikes": getattr(args, "dislike", None),
        "variety_seed": getattr(args, "variety_seed", None),
        "structure": False
        if getattr(args, "no_structure", None)
        else (True if getattr(args, "structure", None) else None),
    }
