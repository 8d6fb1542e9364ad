"""The report's HTML page: one self-contained file (inline CSS and SVG, no scripts, no external URLs)."""

from __future__ import annotations

import jinja2

PAGE = """<!DOCTYPE html>
<html lang="nl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Nationale Voice Monitor {{ wave }}</title>
<style>
  body { margin: 0; background: #f4f6f8; color: #1d2a36; font: 15px/1.5 Helvetica, Arial, sans-serif; }
  header { background: #0b3c49; color: #fff; padding: 32px 48px 24px; }
  header h1 { margin: 0 0 4px; font-size: 32px; letter-spacing: .02em; }
  header p { margin: 4px 0; opacity: .9; }
  main { max-width: 1240px; margin: 0 auto; padding: 8px 32px 48px; }
  nav ol { columns: 2; padding-left: 20px; }
  nav a, a { color: #0b6e79; }
  section.chapter { background: #fff; border-radius: 6px; margin: 24px 0; padding: 20px 28px;
                    box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  h2 { color: #0b3c49; margin-top: 0; }
  h3 { color: #0b3c49; margin: 18px 0 8px; }
  h4 { margin: 8px 0 4px; font-size: 14px; }
  .lead { color: #3c4b57; }
  .base { color: #5a6873; font-size: 12px; margin: 2px 0 16px; }
  table.grid { border-collapse: collapse; margin: 8px 0; font-size: 14px; }
  table.grid th, table.grid td { border-bottom: 1px solid #e3e7ea; padding: 5px 10px; }
  table.grid thead th { background: #eef3f4; font-size: 12px; text-align: center; vertical-align: bottom; }
  table.grid tbody th { text-align: left; font-weight: 400; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  td.sig strong { font-weight: 700; }
  tr.n td, tr.n th { color: #5a6873; font-size: 12px; }
  .panels { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px 24px; }
  .panel svg { max-width: 100%; height: auto; }
  .tag { display: inline-block; background: #0b6e79; color: #fff; border-radius: 3px; padding: 0 6px;
         margin-right: 6px; }
  section.sector { border-top: 1px solid #e3e7ea; margin-top: 16px; }
  svg { max-width: 100%; height: auto; display: block; margin: 6px 0; }
  .quotes { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 12px 24px; }
  figure.quote { margin: 0; background: #f7f4fb; border-left: 4px solid #6a4c93; padding: 10px 14px; }
  figure.quote blockquote { margin: 0 0 6px; font-style: italic; }
  figure.quote figcaption { color: #5a6873; font-size: 12px; }
  footer { color: #5a6873; font-size: 12px; text-align: center; padding: 24px; }
</style>
</head>
<body>
<header>
  <h1>Nationale Voice Monitor {{ wave }}</h1>
  <p>Kwantitatief onderzoek onder Nederlandse consumenten (18+), n = {{ n }}, veldwerk {{ fieldwork }};
     gewogen naar geslacht, leeftijd, regio en opleiding (weegefficiëntie {{ efficiency }}).</p>
  <p>Metingen in dit rapport: {{ waves }}.{% if prev %} Significante verschillen t.o.v. {{ prev }} zijn
     <strong>vetgedrukt</strong> (95%-betrouwbaarheid, twee-proportietoets op de effectieve basis).{% endif %}</p>
</header>
<main>
<nav><h2>Inhoud</h2><ol>
{% for s in sections %}  <li><a href="#{{ s.id }}">{{ s.title }}</a></li>
{% endfor %}</ol></nav>
{% for s in sections %}
<section class="chapter" id="{{ s.id }}">
  <h2>{{ s.title }}</h2>
  {% if s.lead %}<p class="lead">{{ s.lead }}</p>{% endif %}
  {% for part in s.parts %}{{ part | safe }}
  {% endfor %}
</section>
{% endfor %}
</main>
<footer>Gemaakt door de Voice Monitor warehouse op {{ generated }} uit de gepubliceerde database
  (publicatie {{ publish }}). Percentages zijn afgerond; de onafgeronde waarden staan in de marts.</footer>
</body>
</html>
"""

_env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_template = _env.from_string(PAGE)


def render(context: dict) -> str:
    return _template.render(**context)
