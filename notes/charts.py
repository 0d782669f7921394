"""The pain trend: 0-10 ratings over time (intake, each visit before and after,
homework replies), one line, with a marker for every visit. SVG via ElementTree,
coloured by presentation attributes rather than a <style> element, so the
page's Content-Security-Policy (no inline styles) leaves it as drawn."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import datetime

SVG_NS = "http://www.w3.org/2000/svg"
SOURCE_COLOURS = {
    "intake": "#6741d9",
    "visit_before": "#d9480f",
    "visit_after": "#2f9e44",
    "homework": "#1c7ed6",
}
# What each class of mark looks like, as SVG presentation attributes.
PAINT = {
    "axis": {"stroke": "#9aa5b1", "stroke-width": "1"},
    "grid": {"stroke": "#e4e7eb", "stroke-width": "1"},
    "label": {"font-family": "sans-serif", "font-size": "11", "fill": "#52606d"},
    "line": {"fill": "none", "stroke": "#334e68", "stroke-width": "2"},
    "visit": {"stroke": "#9aa5b1", "stroke-width": "1", "stroke-dasharray": "4 3"},
}
SOURCE_NAMES = {
    "intake": "Intake form",
    "visit_before": "Visit, before",
    "visit_after": "Visit, after",
    "homework": "Homework reply",
}


def render_pain_trend(
    points: Sequence[tuple[datetime, int, str]], visits: Sequence[datetime], *, title: str
) -> str:
    """``points`` are (when, score 0-10, source), ``visits`` the visit times."""
    ET.register_namespace("", SVG_NS)
    width, height = 640, 300
    left, right, top, bottom = 40, 20, 30, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "trend-title",
        },
    )
    title_node = ET.SubElement(svg, "title", {"id": "trend-title"})
    title_node.text = title
    times = [p[0] for p in points] + list(visits)
    if not times:
        empty = ET.SubElement(
            svg,
            "text",
            {
                "x": str(width / 2),
                "y": str(height / 2),
                "class": "label",
                "text-anchor": "middle",
                **PAINT["label"],
            },
        )
        empty.text = "No pain ratings yet."
        return ET.tostring(svg, encoding="unicode")
    start, end = min(times), max(times)
    span = (end - start).total_seconds() or 1.0

    def x(when: datetime) -> float:
        return left + plot_w * ((when - start).total_seconds() / span)

    def y(score: float) -> float:
        return top + plot_h * (1 - score / 10)

    for score in range(0, 11, 2):
        ET.SubElement(
            svg,
            "line",
            {
                "x1": str(left),
                "x2": str(left + plot_w),
                "y1": f"{y(score):.1f}",
                "y2": f"{y(score):.1f}",
                "class": "grid",
                **PAINT["grid"],
            },
        )
        label = ET.SubElement(
            svg,
            "text",
            {
                "x": str(left - 8),
                "y": f"{y(score) + 4:.1f}",
                "class": "label",
                **PAINT["label"],
                "text-anchor": "end",
            },
        )
        label.text = str(score)
    ET.SubElement(
        svg,
        "line",
        {
            "x1": str(left),
            "x2": str(left),
            "y1": str(top),
            "y2": str(top + plot_h),
            "class": "axis",
            **PAINT["axis"],
        },
    )
    for when in visits:
        marker = ET.SubElement(
            svg,
            "line",
            {
                "x1": f"{x(when):.1f}",
                "x2": f"{x(when):.1f}",
                "y1": str(top),
                "y2": str(top + plot_h),
                "class": "visit",
                **PAINT["visit"],
                "data-visit": when.isoformat(),
            },
        )
        ET.SubElement(marker, "title").text = f"Visit {when:%d %b %Y}"
    ordered = sorted(points, key=lambda p: p[0])
    if len(ordered) > 1:
        ET.SubElement(
            svg,
            "polyline",
            {
                "class": "line",
                **PAINT["line"],
                "points": " ".join(f"{x(w):.1f},{y(s):.1f}" for w, s, _ in ordered),
            },
        )
    for when, score, source in ordered:
        dot = ET.SubElement(
            svg,
            "circle",
            {
                "cx": f"{x(when):.1f}",
                "cy": f"{y(score):.1f}",
                "r": "4.5",
                "fill": SOURCE_COLOURS.get(source, "#334e68"),
                "data-score": str(score),
                "data-source": source,
            },
        )
        ET.SubElement(
            dot, "title"
        ).text = f"{score}/10, {SOURCE_NAMES.get(source, source).lower()}, {when:%d %b %Y}"
    for axis_time, anchor in ((start, "start"), (end, "end")):
        label = ET.SubElement(
            svg,
            "text",
            {
                "x": f"{x(axis_time):.1f}",
                "y": str(top + plot_h + 16),
                "class": "label",
                **PAINT["label"],
                "text-anchor": anchor,
            },
        )
        label.text = f"{axis_time:%d %b %Y}"
    legend_y = height - 14
    for index, (source, name) in enumerate(SOURCE_NAMES.items()):
        ET.SubElement(
            svg,
            "circle",
            {
                "cx": str(left + index * 140),
                "cy": str(legend_y - 4),
                "r": "4.5",
                "fill": SOURCE_COLOURS[source],
            },
        )
        text = ET.SubElement(
            svg,
            "text",
            {
                "x": str(left + index * 140 + 9),
                "y": str(legend_y),
                "class": "label",
                **PAINT["label"],
            },
        )
        text.text = name
    return ET.tostring(svg, encoding="unicode")
