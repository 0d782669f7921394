"""The body chart: culprit and victim muscles drawn on the front and back
figure, each on its side, with a legend. Built with ElementTree, so the SVG is
always well-formed XML; every muscle shape carries data-muscle, data-side and
data-role attributes and a <title> for screen readers and tests.

Colours are SVG presentation attributes (fill=, stroke=), not a <style>
element: the chart is inlined into pages whose Content-Security-Policy forbids
inline styles, and it must look the same there, in the admin and opened on its
own. The class names stay, so a page's stylesheet may still restyle a chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from clinic.core.figure import OUTLINE, VIEW_HEIGHT, VIEW_WIDTH, client_side_at_viewer_left

CULPRIT_COLOUR = "#d9480f"  # orange-red: short, pulling
VICTIM_COLOUR = "#1c7ed6"  # blue: overstretched, painful
SVG_NS = "http://www.w3.org/2000/svg"
FONT = "sans-serif"
INK = "#1f2933"
OUTLINE_PAINT = {"fill": "#eef1f4", "stroke": "#9aa5b1", "stroke-width": "1"}
ROLE_PAINT = {
    "culprit": {
        "fill": CULPRIT_COLOUR,
        "fill-opacity": ".85",
        "stroke": "#7c2d12",
        "stroke-width": ".6",
    },
    "victim": {
        "fill": VICTIM_COLOUR,
        "fill-opacity": ".85",
        "stroke": "#1e3a8a",
        "stroke-width": ".6",
    },
}

# slug -> (view, element, attributes at the viewer's left, at the viewer's right).
# A midline (unsided) muscle has one shape: the right-hand attributes are None.
Shape = tuple[str, str, dict[str, float], dict[str, float] | None]


def _e(cx: float, cy: float, rx: float, ry: float) -> dict[str, float]:
    return {"cx": cx, "cy": cy, "rx": rx, "ry": ry}


def _r(x: float, y: float, w: float, h: float) -> dict[str, float]:
    return {"x": x, "y": y, "width": w, "height": h, "rx": min(w, h) / 3}


MUSCLE_SHAPES: dict[str, Shape] = {
    # front view
    "psoas-major": ("front", "ellipse", _e(88, 168, 5, 17), _e(112, 168, 5, 17)),
    "psoas-minor": ("front", "ellipse", _e(93, 160, 2.5, 9), _e(107, 160, 2.5, 9)),
    "iliacus": ("front", "ellipse", _e(77, 190, 9, 10), _e(123, 190, 9, 10)),
    "sartorius": ("front", "rect", _r(70, 222, 5, 70), _r(125, 222, 5, 70)),
    "rectus-femoris": ("front", "rect", _r(76, 228, 12, 60), _r(112, 228, 12, 60)),
    "vastus-lateralis": ("front", "rect", _r(66, 240, 9, 52), _r(125, 240, 9, 52)),
    "vastus-medialis": ("front", "ellipse", _e(93, 284, 5, 10), _e(107, 284, 5, 10)),
    "vastus-intermedius": ("front", "rect", _r(79, 256, 6, 26), _r(115, 256, 6, 26)),
    "adductor-longus": ("front", "rect", _r(90, 222, 5, 30), _r(105, 222, 5, 30)),
    "adductor-brevis": ("front", "ellipse", _e(93, 220, 2.5, 6), _e(107, 220, 2.5, 6)),
    "gracilis": ("front", "rect", _r(95, 236, 3, 56), _r(102, 236, 3, 56)),
    "pectineus": ("front", "ellipse", _e(89, 211, 5, 4), _e(111, 211, 5, 4)),
    "tensor-fasciae-latae": ("front", "ellipse", _e(66, 204, 5, 10), _e(134, 204, 5, 10)),
    "rectus-abdominis": ("front", "rect", _r(90, 112, 9, 58), _r(101, 112, 9, 58)),
    "external-oblique": ("front", "rect", _r(64, 120, 12, 44), _r(124, 120, 12, 44)),
    "internal-oblique": ("front", "rect", _r(77, 140, 10, 24), _r(113, 140, 10, 24)),
    "transversus-abdominis": ("front", "rect", _r(72, 168, 26, 8), _r(102, 168, 26, 8)),
    "diaphragm": ("front", "ellipse", _e(100, 108, 30, 5), None),
    "pelvic-floor": ("front", "ellipse", _e(100, 216, 8, 3.5), None),
    "tibialis-anterior": ("front", "rect", _r(79, 318, 7, 60), _r(114, 318, 7, 60)),
    "fibularis-longus": ("front", "rect", _r(68, 320, 6, 52), _r(126, 320, 6, 52)),
    "fibularis-brevis": ("front", "rect", _r(69, 362, 5, 22), _r(126, 362, 5, 22)),
    "pectoralis-major": ("front", "ellipse", _e(82, 90, 16, 10), _e(118, 90, 16, 10)),
    "serratus-anterior": ("front", "rect", _r(60, 100, 7, 26), _r(133, 100, 7, 26)),
    # back view
    "erector-spinae": ("back", "rect", _r(88, 70, 8, 112), _r(104, 70, 8, 112)),
    "multifidus": ("back", "rect", _r(96, 150, 3, 32), _r(101, 150, 3, 32)),
    "quadratus-lumborum": ("back", "rect", _r(74, 154, 13, 24), _r(113, 154, 13, 24)),
    "latissimus-dorsi": ("back", "ellipse", _e(75, 128, 12, 26), _e(125, 128, 12, 26)),
    "trapezius": ("back", "ellipse", _e(84, 74, 18, 12), _e(116, 74, 18, 12)),
    "rhomboids": ("back", "rect", _r(78, 88, 9, 20), _r(113, 88, 9, 20)),
    "gluteus-maximus": ("back", "ellipse", _e(82, 207, 16, 14), _e(118, 207, 16, 14)),
    "gluteus-medius": ("back", "ellipse", _e(71, 189, 11, 7), _e(129, 189, 11, 7)),
    "gluteus-minimus": ("back", "ellipse", _e(66, 197, 6, 4.5), _e(134, 197, 6, 4.5)),
    "piriformis": ("back", "ellipse", _e(84, 195, 10, 3), _e(116, 195, 10, 3)),
    "obturator-internus": ("back", "ellipse", _e(86, 202, 7, 2.2), _e(114, 202, 7, 2.2)),
    "obturator-externus": ("back", "ellipse", _e(84, 208, 6, 2), _e(116, 208, 6, 2)),
    "gemellus-superior": ("back", "ellipse", _e(87, 199, 5, 1.5), _e(113, 199, 5, 1.5)),
    "gemellus-inferior": ("back", "ellipse", _e(87, 205, 5, 1.5), _e(113, 205, 5, 1.5)),
    "quadratus-femoris": ("back", "ellipse", _e(85, 213, 6, 2.5), _e(115, 213, 6, 2.5)),
    "biceps-femoris": ("back", "rect", _r(69, 230, 11, 58), _r(120, 230, 11, 58)),
    "semitendinosus": ("back", "rect", _r(81, 230, 6, 58), _r(113, 230, 6, 58)),
    "semimembranosus": ("back", "rect", _r(88, 238, 5, 50), _r(107, 238, 5, 50)),
    "adductor-magnus": ("back", "rect", _r(93, 226, 4, 40), _r(103, 226, 4, 40)),
    "gastrocnemius": ("back", "ellipse", _e(80, 330, 12, 22), _e(120, 330, 12, 22)),
    "soleus": ("back", "rect", _r(74, 350, 12, 30), _r(114, 350, 12, 30)),
    "popliteus": ("back", "ellipse", _e(82, 304, 5, 4), _e(118, 304, 5, 4)),
    "tibialis-posterior": ("back", "rect", _r(80, 360, 4, 26), _r(116, 360, 4, 26)),
}


def _num(value: float) -> str:
    return f"{value:g}"


def _shape(
    parent: ET.Element, element: str, attrs: dict[str, float], paint: dict[str, str], **extra: str
) -> ET.Element:
    node = ET.SubElement(parent, element, {k: _num(v) for k, v in attrs.items()})
    for key, value in extra.items():
        node.set(key.replace("_", "-"), value)
    for key, value in paint.items():
        node.set(key, value)
    return node


def render(findings: Iterable[tuple[str, str, str]], *, title: str, names: dict[str, str]) -> str:
    """An SVG document: ``findings`` are (muscle slug, side, role) with role
    "culprit" or "victim"; ``names`` maps slugs to display names."""
    ET.register_namespace("", SVG_NS)
    width, height = VIEW_WIDTH * 2 + 20, VIEW_HEIGHT + 70
    svg = ET.Element(
        f"{{{SVG_NS}}}svg",
        {
            "viewBox": f"0 0 {width} {height}",
            "width": str(width),
            "height": str(height),
            "role": "img",
            "aria-labelledby": "chart-title",
        },
    )
    title_node = ET.SubElement(svg, "title", {"id": "chart-title"})
    title_node.text = title
    groups = {}
    for index, view in enumerate(("front", "back")):
        group = ET.SubElement(
            svg, "g", {"transform": f"translate({index * (VIEW_WIDTH + 20)},0)", "data-view": view}
        )
        for element, attrs in OUTLINE:
            _shape(group, element, attrs, OUTLINE_PAINT, **{"class": "outline"})
        caption = ET.SubElement(
            group,
            "text",
            {
                "x": "100",
                "y": str(VIEW_HEIGHT + 16),
                "class": "caption",
                "font-family": FONT,
                "font-size": "13",
                "fill": INK,
                "text-anchor": "middle",
            },
        )
        caption.text = "Front" if view == "front" else "Back"
        groups[view] = group
    for slug, side, role in findings:
        shape = MUSCLE_SHAPES.get(slug)
        if shape is None or role not in ("culprit", "victim"):
            continue
        view, element, at_left, at_right = shape
        if at_right is None:
            placements = [("", at_left)]
        else:
            viewer_left_side = client_side_at_viewer_left(view)
            by_side = {
                viewer_left_side: at_left,
                ("left" if viewer_left_side == "right" else "right"): at_right,
            }
            sides = ["left", "right"] if side == "both" else [side]
            placements = [(s, by_side[s]) for s in sides if s in by_side]
        for drawn_side, attrs in placements:
            node = _shape(
                groups[view],
                element,
                attrs,
                ROLE_PAINT[role],
                **{
                    "class": role,
                    "data_muscle": slug,
                    "data_side": drawn_side,
                    "data_role": role,
                },
            )
            label = ET.SubElement(node, "title")
            label.text = f"{names.get(slug, slug)}{', ' + drawn_side if drawn_side else ''}: {role}"
    legend = ET.SubElement(
        svg,
        "g",
        {
            "transform": f"translate(10,{VIEW_HEIGHT + 34})",
            "class": "legend",
            "font-family": FONT,
            "font-size": "12",
            "fill": INK,
        },
    )
    for offset, (role, words) in enumerate(
        (("culprit", "Culprit: short, pulling"), ("victim", "Victim: overstretched, painful"))
    ):
        _shape(
            legend,
            "rect",
            {"x": offset * 210, "y": 0, "width": 14, "height": 14},
            ROLE_PAINT[role],
            **{"class": role},
        )
        text = ET.SubElement(legend, "text", {"x": str(offset * 210 + 20), "y": "12"})
        text.text = words
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)
