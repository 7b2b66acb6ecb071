"""The web page of ``mealplan serve``: a form to try the planner.

The page is one HTML document built from the contract's enums (so its
choices never drift from what the API accepts), plus ``_static/app.js`` and
``_static/page.css`` shipped in the package: nothing comes from a CDN, so
it works offline. The script calls the public ``/v1`` routes and asks
``/ui/render`` for the report, which is the same HTML as
:func:`mealplan.render_html`.
"""

from __future__ import annotations

from functools import cache
from html import escape

from mealplan._html import REPORT_CSS
from mealplan._models import DISCLAIMER
from mealplan._nutrients import Allergen, Diet, FreeFrom

__all__ = ["page_html"]

_LIFE_STAGES = (
    ("", "Not pregnant or breastfeeding"),
    ("pregnant-1", "Pregnant, trimester 1"),
    ("pregnant-2", "Pregnant, trimester 2"),
    ("pregnant-3", "Pregnant, trimester 3"),
    ("lactating", "Breastfeeding"),
)


def _options(pairs: tuple[tuple[str, str], ...] | list[tuple[str, str]]) -> str:
    return "".join(
        f'<option value="{escape(v)}">{escape(label)}</option>' for v, label in pairs
    )


@cache
def page_html() -> str:
    """Return the page's HTML."""
    diets = _options([(d.value, d.value.capitalize()) for d in Diet])
    allergies = "".join(
        f'<label class="chip"><input type="checkbox" name="allergy" '
        f'value="{escape(a.value)}"> {escape(a.value.replace("_", " "))}</label>'
        for a in Allergen
    )
    needs = "".join(
        f'<label class="chip"><input type="checkbox" name="free_from" '
        f'value="{escape(n.value)}"> {escape(n.value)}-free</label>'
        for n in FreeFrom
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mealplan: meals that meet your magnesium, calcium, vitamin D and B12 needs</title>
<link rel="stylesheet" href="/static/page.css">
<style>{REPORT_CSS}</style>
</head>
<body>
<header>
<h1>mealplan</h1>
<p>Meal plans from USDA foods that meet magnesium, calcium, vitamin D and
vitamin B12 needs, and the rest of the Dietary Reference Intakes.</p>
<p class="mp-disclaimer" id="disclaimer" role="note">{escape(DISCLAIMER)}</p>
</header>
<main>
<form id="plan-form" novalidate>
<fieldset>
<legend>Who</legend>
<div class="row">
<label>Age (years) <input id="age" name="age" type="number" min="0" max="120"
  step="any" value="35" required inputmode="decimal"></label>
<label>Sex <select id="sex" name="sex">
  <option value="female">Female</option><option value="male">Male</option>
</select></label>
<label>Life stage <select id="life-stage" name="life_stage">
  {_options(_LIFE_STAGES)}</select></label>
</div>
<div class="row">
<label>Weight, kg (optional) <input id="weight" name="weight_kg" type="number"
  min="1" max="400" step="any" inputmode="decimal"></label>
<label>Height, cm (optional) <input id="height" name="height_cm" type="number"
  min="1" max="260" step="any" inputmode="decimal"></label>
</div>
</fieldset>
<fieldset>
<legend>What you eat</legend>
<div class="row">
<label>Diet <select id="diet" name="diet">{diets}</select></label>
<label>Budget, US$ a day (optional) <input id="budget" name="budget_per_day"
  type="number" min="0.5" step="any" inputmode="decimal"></label>
<label>Days <input id="days" name="days" type="number" min="1" max="28" value="1"
  inputmode="numeric"></label>
</div>
<div class="allergies" role="group" aria-label="Allergies">
<span>Allergies:</span> {allergies}
</div>
<div class="allergies" role="group" aria-label="Free from">
<span>Free from:</span> {needs}
</div>
<label class="chip"><input type="checkbox" id="supplements" name="supplements">
  Allow single-nutrient supplements (vitamin D, B12, magnesium, calcium
  tablets; listed apart from the food)</label>
<label class="chip"><input type="checkbox" id="no-added-salt" name="added_salt">
  No added salt (told to limit salt; by default a day short of the sodium
  AI gets measured table salt)</label>
<label class="wide">Leave out (food ids, words of names or food groups, comma
separated) <input id="exclude" name="exclude" type="text"
  placeholder="e.g. liver, spinach"></label>
</fieldset>
<button id="submit" type="submit">Plan my meals</button>
<span id="status" role="status" aria-live="polite"></span>
</form>
<div id="error" class="error" role="alert" hidden></div>
<div id="result"></div>
</main>
<footer><p>Information, not medical advice. API: the
<a href="/openapi.json">OpenAPI document</a>.</p></footer>
<script src="/static/app.js"></script>
</body>
</html>
"""
