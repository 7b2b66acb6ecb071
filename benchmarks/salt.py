#!/usr/bin/env python
"""How much table salt the default one-day plans get (issue 12, session 20).

    python benchmarks/salt.py [--out benchmarks/salt_latest.md]

The 62 one-day default requests of ``benchmarks/ab_days.py`` (the realism
personas of one day and load.py's 48 people), each planned once in this
process with the defaults (added salt on). For each: the sodium of its
foods, the salt added (in 1/8 tsp steps) and the day's total against its
AI and CDRR, and the largest share of an item's weight in salt. The added
salt is arithmetic on the plan: the solve is the same with or without it,
so only the plans' own figures are reported (no timing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from load import requests  # noqa: E402
from realism import PERSONAS  # noqa: E402

import mealplan  # noqa: E402


def _row(body: dict[str, Any], table: mealplan.FoodTable) -> dict[str, Any]:
    plan = mealplan.plan({**body, "time_limit": 60}, table)
    day = plan.days[0]
    salt = [i for i in day.items if i.kind == "salt"]
    grams = {i.food_id: i.grams for i in day.items if i.kind == "food"}
    (sodium,) = [t for t in day.totals if t.nutrient == "sodium_mg"]
    per_g = float(table.numbers("sodium_mg")[table.ids.index("salt")]) / 100
    added = sum(i.grams for i in salt) * per_g
    share = 0.0
    for i in salt:
        assert i.part_of is not None, i.food_id  # salt seasons an item
        share = max(share, i.grams / grams[i.part_of])
    return {
        "who": json.dumps(body, sort_keys=True),
        "total": sodium.amount,
        "foods": sodium.amount - added,
        "tsp": sum(i.portions for i in salt),
        "lines": len(salt),
        "share": share,
        "limit": sodium.maximum,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="benchmarks/salt.py")
    parser.add_argument("--out", default=str(REPO / "benchmarks" / "salt_latest.md"))
    args = parser.parse_args(argv)
    table = mealplan.load_foods()
    bodies = [b for _, b in PERSONAS if b.get("days", 1) == 1] + requests(48)
    rows = [_row(b, table) for b in bodies]
    salted = [r for r in rows if r["tsp"] > 0]
    lines = [
        f"# Added salt on the default one-day plans ({dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC)",
        "",
        "`python benchmarks/salt.py`: the 62 one-day requests of ab_days.py, "
        "defaults (added salt on), time limit 60 s.",
        "",
        f"- Salted: {len(salted)} of {len(rows)} days; the others' foods reach "
        "the sodium AI (or the person is under 4).",
        f"- Foods' sodium on the salted days: median "
        f"{statistics.median(r['foods'] for r in salted):,.0f} mg, least "
        f"{min(r['foods'] for r in salted):,.0f} mg."
        if salted
        else "- No day salted.",
        f"- Salt added: median {statistics.median(r['tsp'] for r in salted):.3f} "
        f"tsp, most {max(r['tsp'] for r in salted):.3f} tsp; lines a day: "
        f"at most {max(r['lines'] for r in salted)}; the saltiest item "
        f"{100 * max(r['share'] for r in salted):.2f} % of its weight."
        if salted
        else "",
        f"- Every day within its sodium limit: "
        f"{all(r['limit'] is None or r['total'] <= r['limit'] + 1e-6 for r in rows)}.",
        "",
        "| request | foods' sodium mg | salt tsp | total mg |",
        "|---|--:|--:|--:|",
    ]
    for r in rows:
        lines.append(
            f"| `{r['who']}` | {r['foods']:,.0f} | {r['tsp']:.3f} | {r['total']:,.0f} |"
        )
    Path(args.out).write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines[:9]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
