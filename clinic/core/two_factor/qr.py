"""The set-up QR code as an inline SVG element: drawn here, nothing fetched."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(data: str) -> SafeString:
    """An ``<svg>`` of ``data`` as a QR code (segno writes only numbers and
    path commands: safe to put in the page as it is)."""
    code = segno.make(data, error="m")
    svg = code.svg_inline(scale=5, border=4, dark="#000", light="#fff", svgclass="qr-code")
    return mark_safe(svg)
