"""QR codes of invitation links for printed cards (pure: segno only)."""

from __future__ import annotations

import io

import segno


def qr_png(link: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    # Error correction M survives a folded or slightly smudged card.
    segno.make(link, error="m").save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_svg(link: str, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m").save(out, kind="svg", scale=scale, border=4, xmldecl=True)
    return out.getvalue()
