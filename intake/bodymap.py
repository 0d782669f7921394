"""The body map: a simple front and back figure drawn as SVG shapes, one per
region code of the vocabulary. The drawing is ours; left and right are the
client's own (on the front view their left is on the viewer's right)."""

from __future__ import annotations

from dataclasses import dataclass

from clinic.core.figure import OUTLINE as FIGURE_OUTLINE
from intake.vocabulary import REGION_BY_CODE


@dataclass(frozen=True)
class Shape:
    region: str
    element: str  # "rect" or "ellipse"
    attrs: dict[str, float]


# Each view is 200 x 420 units; the figure faces the viewer on the front view.
# x-coordinates on the viewer's left/right: front view puts the client's left
# at larger x, back view at smaller x.
def _pair(
    area: str,
    view: str,
    element: str,
    viewer_left: dict[str, float],
    viewer_right: dict[str, float],
) -> list[Shape]:
    left_attrs, right_attrs = (
        (viewer_right, viewer_left) if view == "front" else (viewer_left, viewer_right)
    )
    return [
        Shape(f"{area}_left", element, left_attrs),
        Shape(f"{area}_right", element, right_attrs),
    ]


FRONT: list[Shape] = [
    *_pair(
        "hip",
        "front",
        "ellipse",
        {"cx": 72, "cy": 196, "rx": 16, "ry": 14},
        {"cx": 128, "cy": 196, "rx": 16, "ry": 14},
    ),
    *_pair(
        "groin",
        "front",
        "ellipse",
        {"cx": 90, "cy": 214, "rx": 9, "ry": 10},
        {"cx": 110, "cy": 214, "rx": 9, "ry": 10},
    ),
    *_pair(
        "front_thigh",
        "front",
        "rect",
        {"x": 74, "y": 228, "width": 18, "height": 62},
        {"x": 108, "y": 228, "width": 18, "height": 62},
    ),
    *_pair(
        "outer_thigh",
        "front",
        "rect",
        {"x": 62, "y": 222, "width": 11, "height": 66},
        {"x": 127, "y": 222, "width": 11, "height": 66},
    ),
    *_pair(
        "inner_thigh",
        "front",
        "rect",
        {"x": 93, "y": 232, "width": 6, "height": 54},
        {"x": 101, "y": 232, "width": 6, "height": 54},
    ),
    *_pair(
        "knee",
        "front",
        "ellipse",
        {"cx": 82, "cy": 302, "rx": 12, "ry": 11},
        {"cx": 118, "cy": 302, "rx": 12, "ry": 11},
    ),
    *_pair(
        "ankle_foot",
        "front",
        "ellipse",
        {"cx": 82, "cy": 398, "rx": 13, "ry": 10},
        {"cx": 118, "cy": 398, "rx": 13, "ry": 10},
    ),
]

BACK: list[Shape] = [
    Shape("neck", "rect", {"x": 90, "y": 46, "width": 20, "height": 18}),
    *_pair(
        "shoulder",
        "back",
        "ellipse",
        {"cx": 66, "cy": 76, "rx": 16, "ry": 11},
        {"cx": 134, "cy": 76, "rx": 16, "ry": 11},
    ),
    *_pair(
        "upper_back",
        "back",
        "rect",
        {"x": 72, "y": 86, "width": 26, "height": 34},
        {"x": 102, "y": 86, "width": 26, "height": 34},
    ),
    Shape("mid_back", "rect", {"x": 76, "y": 122, "width": 48, "height": 28}),
    Shape("lower_back_left", "rect", {"x": 72, "y": 152, "width": 17, "height": 32}),
    Shape("lower_back_centre", "rect", {"x": 90, "y": 152, "width": 20, "height": 32}),
    Shape("lower_back_right", "rect", {"x": 111, "y": 152, "width": 17, "height": 32}),
    *_pair(
        "buttock",
        "back",
        "ellipse",
        {"cx": 82, "cy": 204, "rx": 18, "ry": 17},
        {"cx": 118, "cy": 204, "rx": 18, "ry": 17},
    ),
    *_pair(
        "back_thigh",
        "back",
        "rect",
        {"x": 70, "y": 226, "width": 24, "height": 64},
        {"x": 106, "y": 226, "width": 24, "height": 64},
    ),
    *_pair(
        "calf",
        "back",
        "ellipse",
        {"cx": 82, "cy": 344, "rx": 12, "ry": 30},
        {"cx": 118, "cy": 344, "rx": 12, "ry": 30},
    ),
]

OUTLINE = FIGURE_OUTLINE


def views() -> list[tuple[str, str, list[tuple[Shape, str]]]]:
    """(view, title, [(shape, label)]) for the template."""
    return [
        ("front", "Front", [(s, REGION_BY_CODE[s.region].label) for s in FRONT]),
        ("back", "Back", [(s, REGION_BY_CODE[s.region].label) for s in BACK]),
    ]


def check_coverage() -> set[str]:
    """Region codes with no shape (should be none)."""
    drawn = {s.region for s in FRONT + BACK}
    return set(REGION_BY_CODE) - drawn
