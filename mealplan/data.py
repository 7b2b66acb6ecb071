r"""Maintainer commands for the bundled food table.

Usage::

    python -m mealplan.data build-foods --sr28 ../shared/data/usda-sr-legacy \
        --prices ../shared/data/prices --fndds ../shared/data/fndds-2017-2018 \
        --out foods/

regenerates ``foods/foods.csv``, ``foods/portions.csv`` and
``foods/dish_ingredients.csv`` from ``foods/selection.csv``,
``foods/structure.csv``, ``foods/article_mentions.csv``,
``foods/dish_selection.csv``, SR28, FNDDS 2017-2018 and the prices folder. A bad input
row is reported in one line and the command exits with status 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from mealplan._build import build_foods
from mealplan._errors import FoodTableError

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = argparse.ArgumentParser(prog="python -m mealplan.data")
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build-foods", help="regenerate foods.csv and portions.csv"
    )
    build.add_argument("--sr28", required=True, help="folder of the SR28 ASCII release")
    build.add_argument("--prices", help="folder of the PP-NAP price files")
    build.add_argument(
        "--fndds", help="folder of FNDDS 2017-2018 (adds the dishes; needs --prices)"
    )
    build.add_argument("--out", required=True, help="output folder (normally foods/)")
    build.add_argument("--selection", help="selection.csv (default: OUT/selection.csv)")
    build.add_argument(
        "--mentions", help="article_mentions.csv (default: beside selection)"
    )
    args = parser.parse_args(argv)
    try:
        foods, portions = build_foods(
            args.sr28,
            args.out,
            prices_dir=args.prices,
            selection_path=args.selection,
            mentions_path=args.mentions,
            fndds_dir=args.fndds,
        )
    except FoodTableError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {foods} and {portions}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
