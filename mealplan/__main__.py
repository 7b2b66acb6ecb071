"""Run the command line as ``python -m mealplan``."""

from __future__ import annotations

import sys

from mealplan._entry import main

if __name__ == "__main__":
    sys.exit(main())
