"""Filling permission-matrix rows: "{name}" placeholders in URLs and bodies."""

from __future__ import annotations

from typing import Any


def fill(value: Any, ids: dict[str, int]) -> Any:
    """Replace placeholders; a body value that is only a placeholder becomes the id."""
    if isinstance(value, str):
        filled = value.format(**ids)
        return int(filled) if value.startswith("{") and value.endswith("}") else filled
    if isinstance(value, dict):
        return {k: fill(v, ids) for k, v in value.items()}
    return value
