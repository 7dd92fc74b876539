"""The annual report as text, Markdown, HTML (with inline SVG charts) or JSON.

The figures come from `annual.annual_report`; this module only words and lays them out, with
the Jinja templates in `templates/reports/`.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from complaintctl.reports import charts
from complaintctl.reports.annual import NOT_RECORDED
from complaintctl.errors import TemplateProblem
from complaintctl.domain.vocabulary import EXCLUSIONS, OUTCOME_WORDS
from complaintctl.domain.vocabulary import FINDINGS, ORDER_KINDS

TEMPLATES = {"text": "annual.txt.j2", "markdown": "annual.md.j2", "html": "annual.html.j2"}
SERVICES_CHARTED = 12


def pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}%"


def money(value: float) -> str:
    return f"£{value:,.2f}"


def rate(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def long_date(value: str) -> str:
    day = date.fromisoformat(value)
    return f"{day.day} {day.strftime('%B %Y')}"


def exclusion_name(code: str | None) -> str:
    if not code:
        return NOT_RECORDED
    return code.replace("-", " ").capitalize() if code in EXCLUSIONS else code


# Characters that make Markdown links, images, autolinks, raw HTML, code and table breaks.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]()!<>|])")
# At the start of a line these make a heading or a list item (`>`, `*` and `|` are escaped anywhere).
_MARKDOWN_LEADING = re.compile(r"^([#+-])")


def markdown_cell(text: Any) -> str:
    """Typed text inside a Markdown table, list item or line: shown as typed, never as Markdown.

    One line, with a backslash before every character that could start a link or image
    (`[x](javascript:…)`, `![x](http://…)`), an autolink or raw HTML (`<…>`: Markdown passes HTML
    through, so a service named `<script>…` would run wherever the report is published), code,
    emphasis or a column break; a leading `#`, `-` or `+` is escaped too, so text cannot start a
    heading or a list.
    """
    line = " ".join(str(text).split())
    return _MARKDOWN_LEADING.sub(r"\\\1", _MARKDOWN_SPECIAL.sub(r"\\\1", line))


class _MarkdownText(str):
    """Text already escaped for Markdown by the `cell` filter."""


def _markdown_value(value: Any) -> Any:
    """Every `{{ … }}` of the Markdown template goes through here: text is escaped (once)."""
    if isinstance(value, _MarkdownText) or not isinstance(value, str):
        return value
    return markdown_cell(value)


def chart_svgs(report: dict[str, Any]) -> dict[str, str]:
    monthly = report["monthly"]
    per_month = charts.grouped_bars(
        f"Complaints received per month by stage, {report['year']}",
        [date.fromisoformat(f"{row['month']}-01").strftime("%b") for row in monthly],
        [
            ("Stage 1", charts.STAGE1, [row["stage1"] for row in monthly]),
            ("Stage 2", charts.STAGE2, [row["stage2"] for row in monthly]),
        ],
    )
    quarters = report["quarterly"]
    in_time = charts.grouped_bars(
        f"Share of responses within the timescale per quarter, {report['year']}",
        [row["quarter"] for row in quarters],
        [
            ("Stage 1", charts.STAGE1, [row["stage1_pct"] for row in quarters]),
            ("Stage 2", charts.STAGE2, [row["stage2_pct"] for row in quarters]),
        ],
        maximum=100,
        suffix="%",
        label_zero=True,
    )
    services = list(report["by_service"].items())
    if len(services) > SERVICES_CHARTED:
        rest = sum(count for _, count in services[SERVICES_CHARTED - 1 :])
        services = services[: SERVICES_CHARTED - 1] + [("All other service areas", rest)]
    by_service = charts.horizontal_bars(f"Stage 1 complaints by service area, {report['year']}", services)
    return {"per_month": per_month, "in_time": in_time, "by_service": by_service}


def render(report: dict[str, Any], fmt: str, templates: Path) -> str:
    """The report in `fmt`; `templates` is the folder of the report templates."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    # Built-in templates only, but sandboxed all the same: nothing in them needs Python's insides.
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(str(templates)),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_markdown_value if fmt == "markdown" else None,
    )
    env.filters.update(
        pct=pct, money=money, rate=rate, long_date=long_date, exclusion=exclusion_name,
        cell=lambda text: _MarkdownText(markdown_cell(text)),
    )
    values: dict[str, Any] = {
        "r": report,
        "findings_words": FINDINGS,
        "order_words": ORDER_KINDS,
        "outcome_words": OUTCOME_WORDS,
    }
    if fmt == "html":
        from markupsafe import Markup

        values["charts"] = {name: Markup(svg) for name, svg in chart_svgs(report).items()}
    try:
        return env.get_template(TEMPLATES[fmt]).render(**values)
    except jinja2.TemplateError as problem:
        raise TemplateProblem(f"the {fmt} annual report template failed: {problem}; check {templates}") from None
