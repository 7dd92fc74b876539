"""Small bar charts as inline SVG: no scripts, no fonts or images to fetch, and they print.
Inline in HTML5 an <svg> needs no namespace, so the page names no address at all.

Each chart carries its numbers as text labels too, so it reads in grey on paper and to a screen
reader (role="img" with a title).
"""

from __future__ import annotations

from html import escape

STAGE1 = "#1f4e79"
STAGE2 = "#e07b00"
GRID = "#c8c8c8"
INK = "#222222"
FONT = "font-family=\"Arial, Helvetica, sans-serif\""


def _tick_step(value: float) -> float:
    """A round step (1, 2 or 5 times a power of ten, at least 1) so that four steps reach `value`."""
    step = 1
    while True:
        for multiple in (1, 2, 5):
            if 4 * step * multiple >= value:
                return step * multiple
        step *= 10


def _number(value: float) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _svg(width: int, height: int, title: str, body: list[str]) -> str:
    return (
        f'<svg class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>" + "".join(body) + "</svg>"
    )


def _legend(x: int, y: int, series: list[tuple[str, str]]) -> list[str]:
    parts = []
    for label, colour in series:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" font-size="11" fill="{INK}" {FONT}>{escape(label)}</text>')
        x += 18 + 7 * len(label)
    return parts


def grouped_bars(
    title: str,
    labels: list[str],
    series: list[tuple[str, str, list[float | None]]],
    maximum: float | None = None,
    suffix: str = "",
    label_zero: bool = False,
    width: int = 680,
    height: int = 240,
) -> str:
    """Vertical bars, one group per label, one bar per series; None is drawn as 'n/a'.

    Zero bars are unlabelled unless `label_zero` (a 0% is news, an empty month is not)."""
    left, right, top, bottom = 40, 10, 28, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [value for _, _, data in series for value in data if value is not None]
    top_value = maximum or 4 * _tick_step(max(values, default=0))
    body = _legend(left, 14, [(name, colour) for name, colour, _ in series])
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{GRID}" stroke-width="0.5"/>')
        body.append(f'<text x="{left - 4}" y="{y + 4:.1f}" font-size="10" text-anchor="end" fill="{INK}" {FONT}>{_number(round(value, 1))}{suffix}</text>')
    group_w = plot_w / max(len(labels), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    for index, label in enumerate(labels):
        x0 = left + group_w * index + group_w * 0.1
        for number, (name, colour, data) in enumerate(series):
            value = data[index]
            x = x0 + bar_w * number
            if value is None:
                body.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h - 3}" font-size="10" text-anchor="middle" fill="{INK}" {FONT}>n/a</text>')
                continue
            bar_h = plot_h * min(value, top_value) / top_value
            y = top + plot_h - bar_h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 1:.1f}" height="{bar_h:.1f}" fill="{colour}">'
                f"<title>{escape(name)}, {escape(label)}: {_number(value)}{suffix}</title></rect>"
            )
            if value or label_zero:
                body.append(f'<text x="{x + bar_w / 2:.1f}" y="{y - 2:.1f}" font-size="10" text-anchor="middle" fill="{INK}" {FONT}>{_number(value)}{suffix}</text>')
        body.append(
            f'<text x="{x0 + group_w * 0.4:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" fill="{INK}" {FONT}>{escape(label)}</text>'
        )
    body.append(f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="{INK}" stroke-width="1"/>')
    return _svg(width, height, title, body)


def horizontal_bars(title: str, items: list[tuple[str, int]], colour: str = STAGE1, width: int = 680) -> str:
    """One bar per item, longest first as given, with its label on the left and count on the right."""
    row_h, left, right, top = 22, 220, 50, 8
    height = top * 2 + row_h * max(len(items), 1)
    largest = max((count for _, count in items), default=0) or 1
    body: list[str] = []
    if not items:
        body.append(f'<text x="{width / 2}" y="{height / 2 + 4}" font-size="12" text-anchor="middle" fill="{INK}" {FONT}>No complaints in the year</text>')
    for index, (label, count) in enumerate(items):
        y = top + row_h * index
        bar_w = (width - left - right) * count / largest
        short = label if len(label) <= 34 else label[:33] + "…"
        body.append(f'<text x="{left - 6}" y="{y + 15}" font-size="11" text-anchor="end" fill="{INK}" {FONT}>{escape(short)}</text>')
        body.append(
            f'<rect x="{left}" y="{y + 4}" width="{bar_w:.1f}" height="{row_h - 8}" fill="{colour}">'
            f"<title>{escape(label)}: {count}</title></rect>"
        )
        body.append(f'<text x="{left + bar_w + 4:.1f}" y="{y + 15}" font-size="11" fill="{INK}" {FONT}>{count}</text>')
    return _svg(width, height, title, body)
