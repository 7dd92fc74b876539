"""The self-assessment as text, Markdown, HTML or JSON.

The figures come from `self_assessment.self_assessment`; this module words each commitment with
the Code section it evidences and lays the lines out with the Jinja templates in
`templates/reports/`. Text a person typed (extension reasons) is escaped for Markdown and HTML as
in the annual report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from complaintctl.domain.vocabulary import FINDINGS
from complaintctl.errors import TemplateProblem
from complaintctl.reports.annual_render import (
    exclusion_name,
    long_date,
    markdown_cell,
    money,
)
from complaintctl.reports.self_assessment import CODE_TIMESCALES

TEMPLATES = {"text": "self_assessment.txt.j2", "markdown": "self_assessment.md.j2", "html": "self_assessment.html.j2"}
# A share with nothing to count (no complaint at that step in the year).
NONE = "–"


def pct(value: float | None) -> str:
    return NONE if value is None else f"{value:.2f}%"


def counted(number: int, one: str, many: str | None = None) -> str:
    """`1 request`, `2 requests`."""
    return f"{number} {one if number == 1 else (many or one + 's')}"


def days(value: float | None) -> str:
    return NONE if value is None else f"{value:g}"


def _stage_lines(r: dict[str, Any], n: int) -> list[dict[str, str]]:
    s = r[f"stage{n}"]
    section = r["sections"]
    lines = [
        {
            "section": section[f"stage{n}.acknowledged_in_time"],
            "commitment": f"Stage {n} complaints acknowledged by the policy's date (the Code: {CODE_TIMESCALES[n]['acknowledge_days']} "
            f"working days from {'receipt' if n == 1 else 'the request'})",
            "figure": f"{pct(s['acknowledged_in_time_pct'])}: {s['acknowledged_in_time']} of {s['acknowledgements_due']} "
            f"due; {s['acknowledged_late']} late, {s['not_acknowledged']} not acknowledged",
        },
        {
            "section": section[f"stage{n}.answered_in_time"],
            "commitment": f"Stage {n} complaints answered by the policy's date (the Code: {CODE_TIMESCALES[n]['respond_days']} "
            "working days, with permitted extensions)",
            "figure": f"{pct(s['answered_in_time_pct'])}: {s['answered_in_time']} of {s['responded']} responses; "
            f"{s['open_past_response_date']} still open past the response date",
        },
        {
            "section": section[f"stage{n}.extended"],
            "commitment": f"Stage {n} extensions (the Code: at most {s['extension_cap_days']} working days "
            "without good reason)",
            "figure": f"{pct(s['extended_pct'])}: {s['extended']} of {s['received']} extended, on average "
            f"{days(s['extension_average_days'])} working days; {s['beyond_cap']} beyond "
            f"{s['extension_cap_days']} working days",
        },
    ]
    if n == 2:
        lines.append(
            {
                "section": section["stage2.different_handler"],
                "commitment": "Stage 2 considered by someone other than the stage 1 handler",
                "figure": f"{pct(s['different_handler_pct'])}: {s['different_handler']} of {s['handlers_compared']}; "
                f"{s['handler_not_recorded']} without a stage 2 handler yet",
            }
        )
    return lines


def lines(r: dict[str, Any]) -> list[dict[str, str]]:
    """Each commitment of the report: its Code section, the commitment in words and the figure."""
    section = r["sections"]
    escalations, remedies, ombudsman = r["escalations"], r["remedies"], r["ombudsman"]
    refused = ", ".join(f"{exclusion_name(code)} {count}" for code, count in r["exclusions"].items())
    on_time = ombudsman["orders_complied_by_due"]
    not_yet_due = ombudsman["orders_outstanding"] - ombudsman["orders_overdue"]
    return [
        *_stage_lines(r, 1),
        *_stage_lines(r, 2),
        {
            "section": section["escalations"],
            "commitment": "Escalation requests refused, or accepted outside the window",
            "figure": f"{counted(escalations['requested'], 'request')}: {escalations['refused']} refused, "
            f"{escalations['accepted_late']} accepted outside the window",
        },
        {
            "section": section["remedies"],
            "commitment": "Putting things right: remedies in the responses of the year",
            "figure": f"{counted(remedies['decisions'], 'decision')}, {remedies['upheld']} upheld or partly upheld; "
            f"{counted(remedies['apologies'], 'apology', 'apologies')}, {remedies['compensation_cases']} with compensation, "
            f"{money(remedies['compensation_total'])} in total",
        },
        {
            "section": section["exclusions"],
            "commitment": "Complaints not accepted, by exclusion",
            "figure": f"{r['exclusions_total']} refused" + (f": {refused}" if refused else ""),
        },
        {
            "section": section["ombudsman.findings"],
            "commitment": "Ombudsman determinations (reported in the annual report)",
            "figure": f"{counted(ombudsman['determinations'], 'determination')}; "
            f"{counted(ombudsman['adverse_findings'], 'finding')} of "
            "severe maladministration, maladministration or service failure",
        },
        {
            "section": NONE,
            "commitment": "Ombudsman orders complied with by their compliance date (the Ombudsman's orders, "
            "not a Code section)",
            "figure": f"{pct(ombudsman['orders_on_time_pct'])}: {on_time} of {on_time + ombudsman['orders_complied_late'] + ombudsman['orders_overdue']} "
            f"fallen due; {ombudsman['orders_complied_late']} late, {ombudsman['orders_overdue']} overdue, "
            f"{not_yet_due} not yet due",
        },
    ]


class _MarkdownText(str):
    """Text already escaped for Markdown."""


def _markdown_value(value: Any) -> Any:
    """Every `{{ … }}` of the Markdown template: text is escaped once, as in the annual report."""
    if isinstance(value, _MarkdownText) or not isinstance(value, str):
        return value
    return markdown_cell(value)


def render(report: dict[str, Any], fmt: str, templates: Path) -> str:
    """The report in `fmt`; `templates` is the folder of the report templates."""
    if fmt == "json":
        return json.dumps(report, indent=2, ensure_ascii=False) + "\n"
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

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
        pct=pct, money=money, long_date=long_date, exclusion=exclusion_name,
        cell=lambda text: _MarkdownText(markdown_cell(text)),
    )
    values = {"r": report, "lines": lines(report), "findings_words": FINDINGS}
    try:
        return env.get_template(TEMPLATES[fmt]).render(**values)
    except jinja2.TemplateError as problem:
        raise TemplateProblem(f"the {fmt} self-assessment template failed: {problem}; check {templates}") from None
