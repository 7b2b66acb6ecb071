"""The ``foods``, ``targets`` and ``supplements`` commands: look-ups, no planning."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pydantic import ValidationError

from mealplan._catalog import load_foods
from mealplan._cli_args import (
    EXIT_OK,
    BadInputError,
    add_format,
    add_person,
    check_format,
    formatter,
    person_fields,
)
from mealplan._errors import RequestError
from mealplan._models import NutrientTargets, Person

__all__ = ["add_foods", "add_targets", "cmd_supplements"]

# -------------------------------------------------------------------- foods


_FOODS_EPILOG = """\
examples:
  mealplan foods search pumpkin seeds
  mealplan foods search milk --format json
  mealplan foods show pumpkin-seeds-roasted
"""


def add_foods(commands: Any) -> None:
    """Add ``mealplan foods search`` and ``mealplan foods show``."""
    p = commands.add_parser(
        "foods",
        help="search the food table and show a food",
        description="Search the bundled food table (USDA SR28) and show one food.",
        epilog=_FOODS_EPILOG,
        formatter_class=formatter,
    )
    sub = p.add_subparsers(dest="foods_command", metavar="{search,show}")
    sub.required = True
    s = sub.add_parser(
        "search",
        help="find foods whose name has every word",
        description="Find foods whose name or USDA description has every word.",
        epilog="examples:\n  mealplan foods search spinach\n  mealplan foods search soy milk --limit 5\n",
        formatter_class=formatter,
    )
    s.add_argument("words", nargs="+", help="words of the food's name")
    s.add_argument("--limit", type=int, default=25, help="most results (25)")
    add_format(s)
    s.set_defaults(run=_cmd_foods_search)
    sh = sub.add_parser(
        "show",
        help="show a food's values, portions, tags and article mentions",
        description="Show one food: nutrients per 100 g and per portion, portions, "
        "diet and allergen tags, article mentions and its SR28 record.",
        epilog="examples:\n  mealplan foods show almonds\n  mealplan foods show sardines-canned-oil --format json\n",
        formatter_class=formatter,
    )
    sh.add_argument("id", help="the food id (see 'mealplan foods search')")
    add_format(sh)
    sh.set_defaults(run=_cmd_foods_show)


def _cmd_foods_search(args: argparse.Namespace) -> int:
    from mealplan._report import Table, number, table_text, unit_label

    fmt = check_format(args)
    table = load_foods()
    ids = table.search(args.words)[: max(args.limit, 0)]
    focus = ["magnesium_mg", "calcium_mg", "vitamin_d_ug", "vitamin_b12_ug"]
    rows = []
    records = []
    for fid in ids:
        food = table.food(fid)
        values = [food.nutrients.get(n) for n in focus]
        record: dict[str, Any] = {
            "id": fid,
            "name": food.name,
            "food_group": food.food_group,
        }
        record.update(zip(focus, values, strict=True))
        records.append(record)
        rows.append(
            [fid, food.name] + ["n/a" if v is None else number(v) for v in values]
        )
    if fmt == "json":
        print(json.dumps(records, indent=2))
        return EXIT_OK
    if not ids:
        print(f"No food matches {' '.join(args.words)!r}; try fewer or shorter words.")
        return EXIT_OK
    headers = ["Id", "Name"] + [
        f"{h} {unit_label(n.rsplit('_', 1)[1])}"
        for h, n in zip(("Mg", "Ca", "Vit D", "B12"), focus, strict=True)
    ]
    t = Table(headers, rows, {2, 3, 4, 5})
    sys.stdout.write(table_text(t, markdown=fmt == "markdown"))
    print("Values per 100 g (USDA SR28); n/a: no USDA value.")
    return EXIT_OK


def _cmd_foods_show(args: argparse.Namespace) -> int:
    from mealplan._report import render_food_markdown, render_food_text

    fmt = check_format(args)
    table = load_foods()
    food = table.food(args.id)
    if fmt == "json":
        print(food.model_dump_json(indent=2))
    elif fmt == "markdown":
        sys.stdout.write(render_food_markdown(food, table))
    else:
        sys.stdout.write(render_food_text(food, table))
    return EXIT_OK


# ------------------------------------------------------------------ targets


_TARGETS_EPILOG = """\
examples:
  mealplan targets --age 35 --sex female
  mealplan targets --age 29 --sex female --pregnant --trimester 3
  mealplan targets --age 70 --sex male --margin 1.1 --format json
"""


def add_targets(commands: Any) -> None:
    """Add ``mealplan targets``."""
    p = commands.add_parser(
        "targets",
        help="show the daily DRI targets for a person",
        description="Show the daily bounds the planner would use for a person, "
        "with their kinds (RDA, AI, UL, ...) and sources.",
        epilog=_TARGETS_EPILOG,
        formatter_class=formatter,
    )
    add_person(p)
    p.add_argument(
        "--margin",
        type=float,
        default=1.0,
        help="factor on the focus-nutrient minimums, 1.0-3.0 (default 1.0)",
    )
    p.add_argument(
        "--panel",
        metavar="MODE",
        default="auto",
        help="the DRI panel beyond the focus four, as 'mealplan plan --panel': "
        "auto (default, what a plan uses), limits, rda, full or off",
    )
    add_format(p)
    p.set_defaults(run=_cmd_targets)


def _person_from_args(
    args: argparse.Namespace, command: str, *, optional: bool = False
) -> Person | None:
    """Return the person of ``--age``, ``--sex`` and the life-stage flags.

    ``optional``: no person flag at all gives None (``mealplan supplements``);
    otherwise age and sex are required (``mealplan targets``).
    """
    from mealplan._request_parse import request_error

    fields = person_fields(args)
    if optional and not fields:
        return None
    if "age" not in fields or "sex" not in fields:
        need = "both --age and --sex, or neither" if optional else "--age and --sex"
        msg = f"mealplan {command}: give {need}; see 'mealplan {command} --help'."
        raise BadInputError(msg, [{"loc": "person", "msg": "age and sex are required"}])
    try:
        return Person.model_validate(fields)
    except ValidationError as exc:
        err = request_error(exc)
        raise RequestError(
            str(err).replace("plan request", "person"), err.errors
        ) from None


def cmd_supplements(args: argparse.Namespace) -> int:
    """Run ``mealplan supplements`` (its flags: :mod:`mealplan._supplements_cli`)."""
    from mealplan._supplements_cli import run_supplements

    fmt = check_format(args)
    person = _person_from_args(args, "supplements", optional=True)
    return run_supplements(fmt, person, getattr(args, "supplements_file", None))


def _cmd_targets(args: argparse.Namespace) -> int:
    from mealplan._report import render_targets_markdown, render_targets_text
    from mealplan._targets import targets_for

    fmt = check_format(args)
    person = _person_from_args(args, "targets")
    assert person is not None  # required: not optional
    lo, hi = args.kcal if args.kcal is not None else (None, None)
    # The panel a plan uses by default ('auto'), so these are the bounds
    # the planner would use, as the help says (targets_for's own default
    # 'off' keeps direct Python callers' bounds as they were).
    targets: NutrientTargets = targets_for(
        person, kcal_min=lo, kcal_max=hi, margin=args.margin, panel=args.panel
    )
    if fmt == "json":
        print(targets.model_dump_json(indent=2))
    elif fmt == "markdown":
        sys.stdout.write(render_targets_markdown(targets))
    else:
        sys.stdout.write(render_targets_text(targets))
    return EXIT_OK
