"""The channel report's charts as SVG, drawn by pygal (no hand-made paths).

Readable in print and in greyscale: shades of one dark blue to light grey,
values printed on the bars, a title and axis titles on every chart. Each
chart on the page has its data table beside it for screen readers.
"""

from __future__ import annotations

import re
from typing import Any

import pygal
from pygal.style import Style

SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
GREYSCALE_SAFE = Style(
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#000000",
    foreground_subtle="#555555",
    colors=("#08306b", "#2171b5", "#6baed6", "#9e9e9e", "#d0d0d0", "#525252", "#000000"),
    font_family="sans-serif",
    value_font_size=11,
)


def _config(**options) -> dict[str, Any]:
    return {
        "style": GREYSCALE_SAFE,
        "js": [],  # no scripts: the page's policy allows none
        "disable_xml_declaration": True,
        "print_values": True,
        "legend_at_bottom": True,
        "width": 800,
        "height": 400,
        **options,
    }


def monthly_turns(
    report: dict[str, Any], labels: dict[str, str], formats: dict[str, Any] | None = None
) -> bytes:
    """Stacked bars: new turns per month and channel."""
    chart = pygal.StackedBar(
        **_config(
            title=labels["monthly_title"],
            x_title=labels["month"],
            y_title=labels["turns"],
            print_values=False,
            **({"value_formatter": formats["count"]} if formats else {}),
        )
    )
    names = formats["month_names"] if formats else {}
    chart.x_labels = [names.get(entry["month"], str(entry["month"])) for entry in report["months"]]
    for channel in sorted({c for entry in report["months"] for c in entry["by_channel"]}):
        chart.add(
            labels.get(channel, channel),
            [entry["by_channel"].get(channel, 0) for entry in report["months"]],
        )
    return _without_scripts(chart.render())


def kept_share(
    report: dict[str, Any], labels: dict[str, str], formats: dict[str, Any] | None = None
) -> bytes:
    """Bars: share of turns answered by the due time, per channel, in percent."""
    chart = pygal.Bar(
        **_config(
            title=labels["kept_title"],
            x_title=labels["channel"],
            y_title=labels["percent"],
            range=(0, 100),
            show_legend=False,
            **({"value_formatter": formats["percent"]} if formats else {}),
        )
    )
    channels = list(report["channels"])
    chart.x_labels = [labels.get(channel, channel) for channel in channels]
    chart.add(
        labels["percent"],
        [round((report["channels"][c]["by_due_share"] or 0) * 100, 1) for c in channels],
    )
    return _without_scripts(chart.render())


def _without_scripts(svg) -> bytes:
    """pygal embeds its configuration as a script even with ``js=[]``; charts need none."""
    text = svg.decode() if isinstance(svg, bytes) else svg
    return SCRIPT.sub("", text).encode()
