"""The Markdown annual report shows typed text as typed: a learning item, service or category
cannot become a link, an image, HTML, code or a heading wherever the report is published.

Through the real command line on a real SQLite file; the Markdown is read back with
markdown-it (Rich's own Markdown parser) to see what a reader would get.
"""

from __future__ import annotations

from freezegun import freeze_time
from markdown_it import MarkdownIt

TODAY = "2026-03-02 10:00:00"


def _log(cli, *args: str) -> str:
    return cli.ok("log", *args).stdout.strip()


JS_LINK = "[click here](javascript:alert(document.cookie))"
IMAGE = "![tracking](http://evil.example/pixel.png)"
AUTOLINK = "<http://evil.example/a>"


def test_markdown_report_shows_links_and_images_as_text(cli):
    with freeze_time(TODAY):
        ref = _log(cli, "--name", "A Tenant", "--summary", "Damp", "--service", f"# Repairs {JS_LINK}",
                   "--category", "`code` | *stars*", "--received", "2025-10-01")
        cli.ok("acknowledge", ref, "--on", "2025-10-02")
        cli.ok("close", ref, "--outcome", "upheld", "--reasons", "Late", "--on", "2025-10-10")
        cli.ok("learning", ref, f"See {JS_LINK} and {IMAGE} and {AUTOLINK}", "--on", "2025-10-11")
        report = cli.ok("report", "annual", "--year", "2025", "--format", "markdown").stdout
    html = MarkdownIt("commonmark").enable("table").render(report)
    assert "<a " not in html and "<img" not in html and "javascript:" not in html.replace("javascript:alert", "")
    # Read as Markdown, the typed text comes back exactly as typed.
    assert f"See {JS_LINK} and {IMAGE} and {AUTOLINK}".replace("<", "&lt;").replace(">", "&gt;") in html
    assert f"# Repairs {JS_LINK}" in html and "<h1># Repairs" not in html
    assert "`code` | *stars*" in html and "<code>code</code>" not in html and "<em>stars</em>" not in html
    assert r"\[click here\]\(javascript:alert\(document.cookie\)\)" in report
    assert r"\!\[tracking\]\(http://evil.example/pixel.png\)" in report


def test_markdown_cell():
    from complaintctl.reports.annual_render import markdown_cell

    assert markdown_cell("Repairs & Maintenance 2025/26, 50.00%") == "Repairs & Maintenance 2025/26, 50.00%"
    assert markdown_cell("[a](b)") == r"\[a\]\(b\)"
    assert markdown_cell("![a](b)") == r"\!\[a\]\(b\)"
    assert markdown_cell("<b> `c` a|b") == r"\<b\> \`c\` a\|b"
    assert markdown_cell("# one\n- two") == r"\# one - two"  # one line: the dash starts nothing
    assert markdown_cell("-5") == r"\-5" and markdown_cell("1-2") == "1-2"
