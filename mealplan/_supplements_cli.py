"""``mealplan supplements``: list the optional supplements, and who may take which.

Kept apart from :mod:`mealplan._cli`, which only registers it, so the
supplements feature stays in its own files.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable

__all__ = ["add_supplements"]

_EPILOG = """\
examples:
  mealplan supplements
  mealplan supplements --age 6 --sex female        # which a 6-year-old may take
  mealplan supplements --age 30 --sex female --pregnant --format json
  mealplan supplements --supplements-file my_supplements.csv --age 40 --sex male

Supplements are off by default; a plan uses them only with --supplements (all)
or --supplement ID (those). Each is offered only where its dose fits the
person's life-stage ULs (foods/dri_full.csv). Information, not medical advice:
take a supplement on a doctor's or dietitian's advice.
"""


def add_supplements(
    commands: Any,
    *,
    add_person: Callable[[argparse.ArgumentParser], None],
    add_format: Callable[[argparse.ArgumentParser], None],
    run: Callable[[argparse.Namespace], int],
    formatter: Any,
) -> None:
    """Register the ``supplements`` command on the CLI's subparsers."""
    p = commands.add_parser(
        "supplements",
        help="list the optional supplements (and which a person may take)",
        description="List the single-nutrient supplements a plan may use with "
        "--supplements: dose, form, what to buy; with --age and --sex, whether "
        "each is offered to that person and why not.",
        epilog=_EPILOG,
        formatter_class=formatter,
    )
    add_person(p)
    p.add_argument(
        "--supplements-file",
        metavar="PATH",
        help="list your own supplements table (a CSV with the columns of "
        "foods/supplements.csv) instead of the bundled one",
    )
    add_format(p)
    p.set_defaults(run=run)


def _ul_cell(s: Any) -> str:
    """Return the adult UL and what it limits, e.g. "350 mg (supplements only)"."""
    if s.adult_ul is None:
        return "none set"
    what = (
        "supplements only" if s.ul_applies_to == "supplements" else "food + supplements"
    )
    unit = s.nutrient.rsplit("_", 1)[-1].replace("ug", "µg")
    return f"{s.adult_ul:g} {unit} ({what})"


def run_supplements(fmt: str, person: Any | None, path: str | None = None) -> int:
    """Print the supplements table in ``fmt``; ``person`` adds an offered column.

    ``path``: a caller's supplements table (``--supplements-file``) instead
    of the bundled one.
    """
    from mealplan._report import Table, table_text
    from mealplan._supplements import load_supplements, unsafe_supplements

    every = load_supplements(path)
    unsafe = unsafe_supplements(person, every) if person is not None else {}
    records = []
    for s in every:
        record: dict[str, Any] = {
            "id": s.id,
            "name": s.name,
            "nutrient": s.nutrient,
            "dose": s.dose,
            "per": s.unit,
            "units_per_day": s.units_per_day,
            "form": s.form,
            "vegan": s.vegan,
            "vegetarian": s.vegetarian,
            "min_age_years": s.min_age_years,
            "label": s.label,
            "source": s.form_source,
            "ul_applies_to": s.ul_applies_to,
            "adult_ul": s.adult_ul,
            "ul_source": s.ul_source,
        }
        if person is not None:
            record["offered"] = s.id not in unsafe
            record["why_not"] = unsafe.get(s.id)
        records.append(record)
    if fmt == "json":
        print(json.dumps(records, indent=2, ensure_ascii=False))
        return 0
    headers = ["Id", "Dose", "Form", "Vegan", "From age", "Adult UL"]
    rows = [
        [
            s.id,
            f"{s.dose:g} {s.nutrient.rsplit('_', 1)[-1].replace('ug', 'µg')}",
            s.form,
            "yes" if s.vegan else "no",
            f"{s.min_age_years:g}",
            _ul_cell(s),
        ]
        for s in every
    ]
    if person is not None:
        headers.append("For this person")
        for row, s in zip(rows, every, strict=True):
            row.append("offered" if s.id not in unsafe else f"no: {unsafe[s.id]}")
    table = Table(headers, rows, set(), {2: 44, 5: 60} if fmt == "text" else {})
    sys.stdout.write(table_text(table, markdown=fmt == "markdown"))
    print(
        "One tablet a day each, at the label dose of common retail products "
        "(foods/supplements.csv); forms and ULs: NIH ODS fact sheets. "
        "Off by default: use --supplements or --supplement ID with 'mealplan plan'."
        if path is None
        else f"Your supplements table {path}; ULs: foods/dri_full.csv. Off by "
        "default: use --supplements or --supplement ID with 'mealplan plan' and "
        "--supplements-file."
    )
    return 0
