"""The human figure behind the intake body map and the session-note body chart:
one drawing of ours, 200 x 420 units per view (front and back)."""

from __future__ import annotations

OUTLINE: list[tuple[str, dict[str, float]]] = [
    ("ellipse", {"cx": 100, "cy": 26, "rx": 18, "ry": 21}),  # head
    ("rect", {"x": 91, "y": 44, "width": 18, "height": 22, "rx": 6}),  # neck
    ("rect", {"x": 58, "y": 66, "width": 84, "height": 124, "rx": 22}),  # trunk
    ("rect", {"x": 36, "y": 72, "width": 18, "height": 120, "rx": 9}),  # arm (viewer left)
    ("rect", {"x": 146, "y": 72, "width": 18, "height": 120, "rx": 9}),  # arm (viewer right)
    ("rect", {"x": 60, "y": 182, "width": 80, "height": 40, "rx": 16}),  # pelvis
    ("rect", {"x": 64, "y": 214, "width": 34, "height": 186, "rx": 14}),  # leg (viewer left)
    ("rect", {"x": 102, "y": 214, "width": 34, "height": 186, "rx": 14}),  # leg (viewer right)
]
VIEW_WIDTH, VIEW_HEIGHT = 200, 420


def client_side_at_viewer_left(view: str) -> str:
    """On the front view the figure faces us, so its right side is on our left."""
    return "right" if view == "front" else "left"
