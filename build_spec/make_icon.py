"""Draw Attention Lab's icon: a 4x4 attention heatmap in viridis colours.

    .venv/bin/python build_spec/make_icon.py

Writes ``resources/icons/``: ``attention-lab.svg``, ``attention-lab-N.png`` for N in
16..512, ``attention-lab.ico`` (Windows) and ``attention-lab.icns`` (macOS). The output
is committed, so a build never needs this script; run it again only to change the icon.
PNGs are drawn with QPainter (offscreen, no display needed) from the same geometry
the SVG is written from, snapped to whole pixels so the 16 px icon stays crisp.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "resources" / "icons"
NAME = "attention-lab"
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (OSType, pixel size) for the .icns: PNG payloads, which macOS reads since 10.7.
ICNS_ENTRIES = (("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512))

# A small attention pattern: each token attends most to itself and to one neighbour.
WEIGHTS = (
    (0.95, 0.35, 0.12, 0.55),
    (0.30, 0.88, 0.62, 0.10),
    (0.18, 0.52, 0.80, 0.40),
    (0.50, 0.14, 0.36, 1.00),
)
# matplotlib's viridis at 0, 1/8, ..., 1; linear in between is close enough for an icon.
VIRIDIS = (
    (0x44, 0x01, 0x54),
    (0x46, 0x32, 0x7E),
    (0x36, 0x5C, 0x8D),
    (0x27, 0x7F, 0x8E),
    (0x1F, 0xA1, 0x87),
    (0x4A, 0xC1, 0x6D),
    (0x9F, 0xDA, 0x3A),
    (0xD6, 0xE3, 0x2A),
    (0xFD, 0xE7, 0x25),
)
BACKGROUND = (0x1C, 0x1B, 0x2E)
BORDER = (0x3A, 0x39, 0x55)


def viridis(t: float) -> tuple[int, int, int]:
    t = min(max(t, 0.0), 1.0) * (len(VIRIDIS) - 1)
    i = min(int(t), len(VIRIDIS) - 2)
    f = t - i
    a, b = VIRIDIS[i], VIRIDIS[i + 1]
    return tuple(round(a[c] + (b[c] - a[c]) * f) for c in range(3))


def layout(size: int) -> dict:
    """Whole-pixel geometry for one icon size: background box and the 16 cells."""
    margin = round(size * 0.03)
    pad = round(size * 0.125)
    gap = round(size * 0.03)
    cell = (size - 2 * pad - 3 * gap) // 4
    grid = 4 * cell + 3 * gap
    off = (size - grid) // 2
    cells = [
        (off + c * (cell + gap), off + r * (cell + gap), cell, viridis(WEIGHTS[r][c]))
        for r in range(4)
        for c in range(4)
    ]
    return {
        "bg": (margin, margin, size - 2 * margin, size - 2 * margin),
        "bg_radius": size * 0.2,
        "border": max(1.0, size / 128) if size >= 32 else 0.0,
        "cells": cells,
        "cell_radius": cell * 0.18 if size >= 32 else 0.0,
    }


def hex_colour(rgb) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def svg_text(size: int = 512) -> str:
    g = layout(size)
    x, y, w, h = g["bg"]
    bw = g["border"]
    lines = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="0 0 {size} {size}">',
        "  <title>Attention Lab</title>",
        f'  <rect x="{x + bw / 2:g}" y="{y + bw / 2:g}" width="{w - bw:g}" height="{h - bw:g}" '
        f'rx="{g["bg_radius"]:g}" fill="{hex_colour(BACKGROUND)}" stroke="{hex_colour(BORDER)}" '
        f'stroke-width="{bw:g}"/>',
    ]
    for cx, cy, c, rgb in g["cells"]:
        lines.append(
            f'  <rect x="{cx}" y="{cy}" width="{c}" height="{c}" rx="{g["cell_radius"]:g}" '
            f'fill="{hex_colour(rgb)}"/>'
        )
    lines.append("</svg>")
    return "\n".join(lines) + "\n"


def render_png(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QColor, QImage, QPainter, QPen

    g = layout(size)
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    x, y, w, h = g["bg"]
    bw = g["border"]
    if bw:
        p.setPen(QPen(QColor(*BORDER), bw))
    else:
        p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(*BACKGROUND))
    p.drawRoundedRect(QRectF(x + bw / 2, y + bw / 2, w - bw, h - bw), g["bg_radius"], g["bg_radius"])
    p.setPen(Qt.PenStyle.NoPen)
    for cx, cy, c, rgb in g["cells"]:
        p.setBrush(QColor(*rgb))
        if g["cell_radius"]:
            p.drawRoundedRect(QRectF(cx, cy, c, c), g["cell_radius"], g["cell_radius"])
        else:
            p.drawRect(QRectF(cx, cy, c, c))
    p.end()
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise RuntimeError(f"Qt could not encode the {size} px PNG")
    buf.close()
    return bytes(data.data())


def ico_bytes(pngs: dict[int, bytes]) -> bytes:
    """An .ico holding PNG images (read by Windows Vista and later)."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))
    entries, payload = b"", b""
    offset = 6 + 16 * len(ICO_SIZES)
    for s in ICO_SIZES:
        data = pngs[s]
        dim = 0 if s >= 256 else s  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset + len(payload))
        payload += data
    return header + entries + payload


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    body = b"".join(
        kind.encode("ascii") + struct.pack(">I", 8 + len(pngs[s])) + pngs[s] for kind, s in ICNS_ENTRIES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    OUT.mkdir(parents=True, exist_ok=True)
    pngs = {s: render_png(s) for s in PNG_SIZES}
    for s, data in pngs.items():
        (OUT / f"{NAME}-{s}.png").write_bytes(data)
    (OUT / f"{NAME}.svg").write_text(svg_text(), encoding="utf-8")
    (OUT / f"{NAME}.ico").write_bytes(ico_bytes(pngs))
    (OUT / f"{NAME}.icns").write_bytes(icns_bytes(pngs))
    print(f"Wrote {len(pngs)} PNGs, the SVG, the .ico and the .icns to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
