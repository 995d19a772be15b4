"""Drawn photos for the demo inventory: a car's side view in its colour, with its make and model written on it.

Real photos cannot ship with the code; a grey placeholder on every card makes the demo look broken. Pillow draws
each car's picture in a few milliseconds, and its thumbnail at once, so `marketplace demo`
stays fast and the cards have pictures before any job runs.
"""

from __future__ import annotations

import io
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 480
COLOURS: dict[str, tuple[int, int, int]] = {
    "白色": (244, 244, 242), "黑色": (34, 36, 40), "灰色": (118, 124, 132), "银色": (192, 196, 202),
    "蓝色": (38, 84, 160), "红色": (176, 32, 38), "棕色": (118, 80, 52), "绿色": (44, 108, 72),
}  # fmt: skip
# Body outlines on a 100 x 40 grid (x right, y down; the wheels' centres sit on y = 32).
_BODIES: dict[str, list[tuple[float, float]]] = {
    "sedan": [(4, 30), (4, 24), (10, 21), (27, 19), (37, 11), (62, 11), (74, 19), (93, 21), (96, 25), (96, 30)],
    "suv": [(4, 30), (4, 20), (8, 17), (22, 16), (30, 7), (80, 7), (88, 16), (95, 18), (96, 30)],
    "hatchback": [(6, 30), (6, 22), (12, 19), (28, 18), (38, 9), (70, 9), (84, 17), (92, 20), (94, 30)],
    "mpv": [(4, 30), (4, 20), (8, 16), (18, 14), (26, 5), (88, 5), (94, 14), (96, 30)],
}
_WINDOWS: dict[str, list[list[tuple[float, float]]]] = {
    "sedan": [[(30, 19), (39, 12.5), (49, 12.5), (49, 19)], [(51, 19), (51, 12.5), (61, 12.5), (70, 19)]],
    "suv": [[(25, 16), (32, 8.5), (52, 8.5), (52, 16)], [(54, 16), (54, 8.5), (78, 8.5), (84, 16)]],
    "hatchback": [[(31, 18), (40, 10.5), (54, 10.5), (54, 18)], [(56, 18), (56, 10.5), (69, 10.5), (79, 17)]],
    "mpv": [[(21, 14), (28, 6.5), (48, 6.5), (48, 14)], [(50, 14), (50, 6.5), (70, 6.5), (70, 14)],
            [(72, 14), (72, 6.5), (87, 6.5), (91, 14)]],
}  # fmt: skip
_WHEELS = (22.0, 78.0)


def _shape(body: str) -> str:
    return body if body in _BODIES else ("suv" if body in ("pickup", "wagon") else "sedan")


@lru_cache(maxsize=1)
def _fonts() -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, ImageFont.FreeTypeFont | ImageFont.ImageFont]:
    return ImageFont.load_default(size=36), ImageFont.load_default(size=22)


@lru_cache(maxsize=1)
def _backdrop() -> Image.Image:
    img = Image.new("RGB", (WIDTH, HEIGHT), (236, 240, 245))
    draw = ImageDraw.Draw(img)
    for y in range(HEIGHT // 2):  # a pale sky fading towards the floor
        shade = 226 + y * 24 // (HEIGHT // 2)
        draw.line([(0, y), (WIDTH, y)], fill=(shade - 8, shade - 3, shade))
    draw.rectangle([0, 320, WIDTH, HEIGHT], fill=(204, 208, 214))
    return img


def _draw(title: str, subtitle: str, body: str, colour: str) -> Image.Image:
    img = _backdrop().copy()
    draw = ImageDraw.Draw(img)
    scale, left, top = 5.6, 40.0, 164.0

    def pt(x: float, y: float) -> tuple[float, float]:
        return left + x * scale, top + y * scale

    shape = _shape(body)
    paint = COLOURS.get(colour, (118, 124, 132))
    outline = (70, 74, 80) if sum(paint) > 600 else tuple(max(0, c - 40) for c in paint)
    draw.ellipse([pt(2, 30.5), pt(98, 35.5)], fill=(170, 174, 180))  # the shadow under the car
    draw.polygon([pt(*p) for p in _BODIES[shape]], fill=paint, outline=outline, width=3)
    for window in _WINDOWS[shape]:
        draw.polygon([pt(*p) for p in window], fill=(150, 176, 198), outline=outline, width=2)
    draw.rectangle([pt(92, 22), pt(96, 24.5)], fill=(250, 236, 170))  # headlight
    draw.rectangle([pt(4, 22), pt(6.5, 24.5)], fill=(200, 40, 40))  # tail light
    for x in _WHEELS:
        cx, cy = pt(x, 30)
        draw.ellipse([cx - 37, cy - 37, cx + 37, cy + 37], fill=(28, 28, 30))
        draw.ellipse([cx - 21, cy - 21, cx + 21, cy + 21], fill=(176, 180, 186), outline=(90, 94, 100), width=3)
    big, small = _fonts()
    draw.text((32, 28), title, fill=(30, 34, 40), font=big)
    draw.text((34, 76), subtitle, fill=(90, 96, 104), font=small)
    return img


def _jpeg(img: Image.Image, quality: int) -> bytes:
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def car_photo(title: str, subtitle: str, body: str, colour: str) -> tuple[bytes, bytes]:
    """The photo (640 x 480 JPEG) and its thumbnail, for a car described in Latin letters (the bundled font has
    no Chinese)."""
    img = _draw(title, subtitle, body, colour)
    # Halving by box averaging is many times faster than resampling to THUMB_SIDE, and stays within it.
    small = img.reduce(2)
    return _jpeg(img, 85), _jpeg(small, 80)
