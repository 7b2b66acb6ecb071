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
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from mealplan._batch_cli import add_batch
from mealplan._batch_models import BatchResult
from mealplan._catalog import FoodTable, load_foods
from mealplan._catalog_load import DISHES_BY_DEFAULT
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
from mealplan._plan_cli import add_plan, add_regenerate
from mealplan._request_cli import read_json_file
from mealplan._request_cli import request as _request
from mealplan._serve_cli import add_serve, server_module

__all__ = ["main"]

SCHEMAS: dict[str, type[BaseModel]] = {
    "request": PlanRequest,
    "plan": MealPlan,
    "diagnosis": Diagnosis,
    "batch-result": BatchResult,
    "explanation": Explanation,
}
"""``mealplan schema NAME`` -> the model whose JSON Schema it prints."""

# ------------------------------------------------------------- plan, regenerate


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


def _supplements_file(table: FoodTable, args: argparse.Namespace) -> FoodTable:
    """Return ``table`` planning with ``--supplements-file``'s table, if given.

    And with ``--life-stage-caps-file``'s children's caps and
    ``--ul-standins-file``'s stand-ins, if given.
    """
    standins_path = getattr(args, "ul_standins_file", None)
    if standins_path is not None:
        from mealplan._ul_standins import load_ul_standins

        table = table.using_ul_standins(load_ul_standins(standins_path))
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
    # The table bundled_for gives (the single foods unless DISHES_BY_DEFAULT).
    dishes = (
        DISHES_BY_DEFAULT and request.solver == "highs"
        if args.dishes is None
        else args.dishes
    )
    table = _supplements_file(load_foods(dishes=dishes), args)
    try:
        result = plan(request, table)
    except InfeasiblePlanError as exc:
        _print_diagnosis(exc.diagnosis, str(exc), fmt)
        return EXIT_INFEASIBLE
    _print_plan(result, fmt, table, args.explain)
    return EXIT_OK


def _cmd_regenerate(args: argparse.Namespace) -> int:
    from mealplan._regenerate import regenerate

    fmt = _check_format(args)
    text = read_json_file(args.plan, "Plan")
    try:
        previous = MealPlan.model_validate_json(text)
    except ValidationError as exc:
        from mealplan._request_parse import request_error

        err = request_error(exc)
        msg = f"Plan file {args.plan!r} is not a valid MealPlan: {err.errors[0]['loc']}: {err.errors[0]['msg']}; save it with 'mealplan plan --format json'."
        raise _BadInputError(msg, err.errors) from None
    # A plan made with the dishes (--dishes) is re-planned on them.
    single = load_foods(dishes=False)
    with_dishes = previous.request.solver == "highs" and (
        DISHES_BY_DEFAULT or any(i.food_id not in single for i in previous.items)
    )
    table = _supplements_file(load_foods(dishes=with_dishes), args)
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
        help="print the JSON Schema of a request, plan, diagnosis, explanation "
        "or batch result, or the OpenAPI document",
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
        names = ", ".join([*SCHEMAS, "openapi"])
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
    add_plan(commands, _cmd_plan)
    add_regenerate(commands, _cmd_regenerate)
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


def _asks_json(argv: Sequence[str] | None) -> bool:
    """Whether the command line asks for ``--format json`` (read before parsing)."""
    words = list(sys.argv[1:] if argv is None else argv)
    return any(
        w == "--format=json" or (w == "--format" and nxt == "json")
        for w, nxt in zip(words, [*words[1:], ""], strict=True)
    )


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
        if args is None and _asks_json(argv):
            # The flags did not parse, so there is no args.format: the
            # contract still holds (exit 2 with --format json prints the
            # body on stdout too).
            args = argparse.Namespace(format="json")
        errors = exc.errors or [{"loc": "arguments", "msg": _one_line(str(exc))}]
        return _fail(args, str(exc), errors)
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
