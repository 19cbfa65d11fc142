#!/usr/bin/env python3
"""Generate the eCabinet application icons for the Tauri v2 desktop app.

Design: a deep-red rounded square with a gold document sheet (folded corner)
carrying a red five-pointed star and, at larger sizes, three text lines.
No lettering, so it reads at 16 px and suits a government product.

Requirements (pinned, see requirements.txt):
    Pillow==13.0.0

Usage:
    python3 -m venv /tmp/ecabinet-icons-venv
    /tmp/ecabinet-icons-venv/bin/pip install -r assets/icons/requirements.txt
    /tmp/ecabinet-icons-venv/bin/python assets/icons/generate_icons.py

Writes into src-tauri/icons/:
    32x32.png, 128x128.png, 128x128@2x.png (256 px), icon.png (512 px)
    -- all 8-bit RGBA, as Tauri requires --
    and icon.ico (16, 24, 32, 48, 64, 128, 256 px) for Windows.
Output is deterministic (no timestamps or text chunks are written).
"""

from __future__ import annotations

import math
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "src-tauri" / "icons"

MASTER = 2048  # drawn large, then downsampled (acts as anti-aliasing)

RED_TOP = (196, 22, 28)  # gradient of the background square
RED_BOTTOM = (128, 10, 18)
GOLD = (248, 200, 64)
GOLD_DARK = (214, 158, 30)
STAR_RED = (186, 18, 26)
LINE_RED = (170, 30, 36)


def lerp(a, b, t):
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b))


def star_points(cx, cy, r_outer, r_inner, rotation=-math.pi / 2):
    pts = []
    for i in range(10):
        r = r_outer if i % 2 == 0 else r_inner
        a = rotation + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def draw_master(detail: bool) -> Image.Image:
    """Draw the icon at MASTER px. detail=False drops the thin text lines,
    which would only turn into mush at 16-32 px."""
    s = MASTER
    img = Image.new("RGBA", (s, s), (0, 0, 0, 0))

    # 1. background: rounded square with a vertical red gradient
    margin = round(s * 0.04)
    radius = round(s * 0.20)
    grad = Image.new("RGBA", (s, s))
    gd = ImageDraw.Draw(grad)
    for y in range(s):
        gd.line([(0, y), (s, y)], fill=lerp(RED_TOP, RED_BOTTOM, y / (s - 1)) + (255,))
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle(
        [margin, margin, s - 1 - margin, s - 1 - margin], radius=radius, fill=255
    )
    img.paste(grad, (0, 0), mask)
    d = ImageDraw.Draw(img)

    # thin gold inner frame for a more formal look
    inset = margin + round(s * 0.035)
    d.rounded_rectangle(
        [inset, inset, s - 1 - inset, s - 1 - inset],
        radius=radius - round(s * 0.03),
        outline=GOLD + (150,),
        width=max(2, round(s * 0.008)),
    )

    # 2. gold document sheet with a folded top-right corner
    w, h = s * 0.50, s * 0.62
    x0, y0 = (s - w) / 2, (s - h) / 2 + s * 0.005
    x1, y1 = x0 + w, y0 + h
    fold = w * 0.28
    # soft shadow, composited (ImageDraw would overwrite alpha, not blend)
    sh = round(s * 0.018)
    shadow = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    ImageDraw.Draw(shadow).polygon(
        [(x0 + sh, y0 + sh), (x1 - fold + sh, y0 + sh), (x1 + sh, y0 + fold + sh),
         (x1 + sh, y1 + sh), (x0 + sh, y1 + sh)],
        fill=(60, 0, 6, 110),
    )
    img = Image.alpha_composite(img, shadow)
    d = ImageDraw.Draw(img)
    d.polygon([(x0, y0), (x1 - fold, y0), (x1, y0 + fold), (x1, y1), (x0, y1)], fill=GOLD)
    d.polygon([(x1 - fold, y0), (x1 - fold, y0 + fold), (x1, y0 + fold)], fill=GOLD_DARK)

    # 3. red star on the sheet
    cx = x0 + w * 0.5
    cy = y0 + h * (0.34 if detail else 0.47)
    r = w * (0.25 if detail else 0.33)
    d.polygon(star_points(cx, cy, r, r * 0.382), fill=STAR_RED)

    # 4. text lines (large sizes only)
    if detail:
        lw = round(h * 0.045)
        for i, frac in enumerate((0.80, 0.80, 0.55)):
            ly = y0 + h * (0.66 + i * 0.105)
            lx0 = x0 + w * 0.14
            d.rounded_rectangle([lx0, ly, lx0 + (w * 0.72) * frac, ly + lw],
                                radius=lw // 2, fill=LINE_RED)
    return img


def resized(master: Image.Image, size: int) -> Image.Image:
    im = master.resize((size, size), Image.Resampling.LANCZOS)
    return im.convert("RGBA")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    big = draw_master(detail=True)
    small = draw_master(detail=False)

    def pick(size: int) -> Image.Image:
        return resized(big if size >= 64 else small, size)

    targets = {"32x32.png": 32, "128x128.png": 128, "128x128@2x.png": 256, "icon.png": 512}
    for name, size in targets.items():
        pick(size).save(OUT / name, format="PNG", optimize=True)
        print(f"wrote {OUT / name} ({size}x{size} RGBA)")

    ico_sizes = [16, 24, 32, 48, 64, 128, 256]
    frames = [pick(sz) for sz in ico_sizes]
    # Pillow writes one entry per size, taking each from the matching frame
    frames[-1].save(
        OUT / "icon.ico",
        format="ICO",
        sizes=[(sz, sz) for sz in ico_sizes],
        append_images=frames[:-1],
    )
    print(f"wrote {OUT / 'icon.ico'} ({', '.join(map(str, ico_sizes))} px)")


if __name__ == "__main__":
    main()
