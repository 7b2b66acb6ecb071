"""The command line's shared pieces: exit statuses, the parser, common flags.

Used by :mod:`mealplan._cli` and its command modules (:mod:`mealplan._lookup_cli`,
:mod:`mealplan._serve_cli`): the exit statuses (documented in
:mod:`mealplan._cli`), a parser whose errors are one line, the person and
``--format`` flags.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any, NoReturn

from mealplan._models import ActivityLevel

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_FAILURE",
    "EXIT_INFEASIBLE",
    "EXIT_OK",
    "FORMATS",
    "HTML_COMMANDS",
    "BadInputError",
    "Parser",
    "add_format",
    "add_person",
    "check_format",
    "formatter",
    "kcal_range",
    "person_fields",
]

EXIT_OK = 0
EXIT_INFEASIBLE = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3

FORMATS = ("text", "markdown", "json", "html")
HTML_COMMANDS = ("plan", "regenerate")


class BadInputError(Exception):
    """A command-line problem, reported in one line with exit status 2."""

    def __init__(self, message: str, errors: Sequence[dict[str, str]] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line, not usage plus a message."""

    def error(self, message: str) -> NoReturn:
        msg = f"{self.prog}: {message}; see '{self.prog} --help'."
        raise BadInputError(msg)

    def parse_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: None = None
    ) -> argparse.Namespace:
        """Parse, and say an unknown flag of a command with that command's help.

        argparse reports flags no parser took from the top parser ("see
        'mealplan --help'", whose help lists no flags of 'plan').
        """
        parsed, extra = self.parse_known_args(args, namespace)
        if extra:
            message = f"unrecognized arguments: {' '.join(extra)}"
            command = self._command_parser(getattr(parsed, "command", None))
            (command or self).error(message)
        return parsed

    def _command_parser(self, name: str | None) -> argparse.ArgumentParser | None:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction) and name:
                found = action.choices.get(name)
                if isinstance(found, argparse.ArgumentParser):
                    return found
        return None


def formatter(prog: str) -> argparse.HelpFormatter:
    """Help text as written (the epilogs' examples keep their lines)."""
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=30)


def kcal_range(text: str) -> tuple[float | None, float | None]:
    """Parse ``--kcal MIN-MAX`` (either side may be left out)."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)?\s*-\s*(\d+(?:\.\d+)?)?\s*", text)
    if not match or not any(match.groups()):
        msg = f"--kcal {text!r} is not a range; give MIN-MAX, e.g. --kcal 1800-2200"
        raise argparse.ArgumentTypeError(msg)
    lo, hi = (float(g) if g else None for g in match.groups())
    return lo, hi


def add_person(p: argparse.ArgumentParser) -> None:
    """Add the person flags (age, sex, life stage, body, activity, --kcal)."""
    g = p.add_argument_group("person (selects the DRI targets)")
    g.add_argument("--age", type=float, help="age in years (0-120)")
    g.add_argument("--sex", help="female or male")
    g.add_argument("--pregnant", action="store_true", default=None, help="pregnant")
    g.add_argument("--trimester", type=int, help="trimester of pregnancy (1-3)")
    g.add_argument(
        "--lactating", action="store_true", default=None, help="breastfeeding"
    )
    g.add_argument("--weight", type=float, metavar="KG", help="body weight, kg")
    g.add_argument("--height", type=float, metavar="CM", help="height, cm")
    g.add_argument(
        "--activity",
        help="one of " + ", ".join(a.value for a in ActivityLevel),
    )
    g.add_argument(
        "--kcal",
        type=kcal_range,
        metavar="MIN-MAX",
        help="daily energy range, e.g. 1800-2200 (either side may be left out)",
    )


def add_format(p: argparse.ArgumentParser) -> None:
    """Add ``--format`` (checked by :func:`check_format` when the command runs)."""
    p.add_argument(
        "--format",
        default="text",
        help="output format: text (default), markdown or json (html: plan and "
        "regenerate only)",
    )


def person_fields(args: argparse.Namespace) -> dict[str, Any]:
    """Return the Person fields the person flags gave (the others left out)."""
    fields = {
        "age": args.age,
        "sex": args.sex,
        "pregnancy": args.pregnant,
        "trimester": args.trimester,
        "lactation": args.lactating,
        "weight_kg": args.weight,
        "height_cm": args.height,
        "activity": args.activity,
    }
    return {k: v for k, v in fields.items() if v is not None}


def check_format(args: argparse.Namespace) -> str:
    """Return the command's output format, or raise :class:`BadInputError`."""
    fmt = str(args.format).lower()
    if fmt == "html" and getattr(args, "command", None) not in HTML_COMMANDS:
        args.format = "text"
        msg = "--format html is for plan and regenerate; use text, markdown or json."
        raise BadInputError(msg, [{"loc": "format", "msg": "unknown format"}])
    if fmt not in FORMATS:
        # Errors are then printed as text: the format itself is the bad input.
        args.format = "text"
        html = ", html" if getattr(args, "command", None) in HTML_COMMANDS else ""
        msg = f"--format {fmt!r} is not a format; use text, markdown{html} or json."
        raise BadInputError(msg, [{"loc": "format", "msg": "unknown format"}])
    args.format = fmt
    return fmt
