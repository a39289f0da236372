"""HTML of the definitions page (``/definitions``): every metric of ``hubsense.glossary`` with
its name, unit, API field and definition in the page's language, one anchor per field name,
so every figure and table header can link to the definition of what it shows. The same
glossary is the terms table of docs/metrics.md, so the page and the doc cannot differ."""

from __future__ import annotations

import re

from dashboards.i18n import choose_lang, tr
from dashboards.render import DEFINITIONS_PATH, Ctx, esc, page
from hubsense.glossary import GLOSSARY, UNITS, Lang, Term

_CODE = re.compile(r"`([^`]*)`")
_NAME = re.compile(r"[a-z_]+")


def definition_html(text: str) -> str:
    """A definition with its `code` spans as ``<code>``; a name of another metric inside a
    span links to that metric's anchor."""
    out: list[str] = []
    last = 0
    for match in _CODE.finditer(text):
        out.append(esc(text[last : match.start()]))
        out.append(f"<code>{_code_html(match.group(1))}</code>")
        last = match.end()
    out.append(esc(text[last:]))
    return "".join(out)


def _code_html(code: str) -> str:
    out: list[str] = []
    last = 0
    for match in _NAME.finditer(code):
        if match.group(0) in GLOSSARY:
            out.append(esc(code[last : match.start()]))
            out.append(f'<a href="#{esc(match.group(0))}">{esc(match.group(0))}</a>')
            last = match.end()
    out.append(esc(code[last:]))
    return "".join(out)


def _term_html(lang: Lang, term: Term) -> str:
    unit = UNITS[term.unit][lang] if term.unit else ""
    unit_part = (
        f'<span class="term-unit">{esc(tr(lang, "definitions_unit"))}: {esc(unit)}</span> · '
        if unit
        else ""
    )
    return f"""<div class="term-def" id="{esc(term.key)}">
<dt><dfn>{esc(term.label(lang))}</dfn></dt>
<dd><p>{definition_html(term.definition(lang))}</p>
<p class="term-meta">{unit_part}{esc(tr(lang, "definitions_field"))}: \
<code>{esc(term.key)}</code></p></dd>
</div>"""


def definitions_page(ctx: Ctx) -> str:
    lang: Lang = "sv" if choose_lang(ctx.lang) == "sv" else "en"
    terms = "\n".join(_term_html(lang, term) for term in GLOSSARY.values())
    body = f"""<h1>{esc(tr(lang, "definitions_title"))}</h1>
<p class="subtitle">{esc(tr(lang, "definitions_lead"))}</p>
<dl class="definitions" id="definitions">
{terms}
</dl>"""
    return page(ctx, title=tr(lang, "definitions_title"), path=DEFINITIONS_PATH, body=body)
