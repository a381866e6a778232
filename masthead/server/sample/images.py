"""Pictures for the demo content, drawn with Pillow: no stock photos to license or ship.

Every picture is a pure function of its arguments (a seeded random generator,
no clock), so the demo draws the same image on every machine. Shapes are drawn
at twice the size and averaged down, which gives smooth edges without a vector
renderer.
"""

import io
import math
import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

FEATURE_SIZE = (1200, 675)
PORTRAIT_SIZE = 400
_SCALE = 2

# Each blog has a palette: sky (top, bottom), three depths of shape from far to
# near, and an accent. Muted tones so the images sit quietly beside text.
PALETTES: dict[str, dict[str, tuple]] = {
    "teal": {
        "sky": ((214, 232, 230), (244, 236, 218)),
        "layers": ((140, 184, 182), (62, 128, 130), (20, 72, 80)),
        "accent": (232, 163, 61),
    },
    "slate": {
        "sky": ((222, 228, 240), (246, 232, 222)),
        "layers": ((150, 164, 190), (86, 104, 140), (36, 48, 76)),
        "accent": (222, 110, 90),
    },
    "green": {
        "sky": ((222, 238, 226), (246, 244, 232)),
        "layers": ((150, 196, 166), (76, 142, 110), (26, 84, 64)),
        "accent": (236, 128, 112),
    },
    "navy": {
        "sky": ((226, 230, 238), (244, 238, 224)),
        "layers": ((156, 168, 196), (70, 88, 132), (22, 36, 70)),
        "accent": (214, 170, 72),
    },
}


def _canvas(palette: dict) -> Image.Image:
    """A soft vertical gradient from the palette's sky colours."""
    top, bottom = palette["sky"]
    steps = 64
    column = Image.new("RGB", (1, steps))
    for y in range(steps):
        t = y / (steps - 1)
        column.putpixel(
            (0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        )
    size = (FEATURE_SIZE[0] * _SCALE, FEATURE_SIZE[1] * _SCALE)
    return column.resize(size, Image.Resampling.BILINEAR)


def _with_alpha(colour: tuple, alpha: int) -> tuple:
    return (*colour[:3], alpha)


def _skyline(draw: ImageDraw.ImageDraw, rng: random.Random, palette: dict, w: int, h: int):
    sun_x, sun_r = rng.randint(w // 5, 4 * w // 5), h // 7
    draw.ellipse(
        (sun_x - sun_r, h // 4 - sun_r, sun_x + sun_r, h // 4 + sun_r),
        fill=_with_alpha(palette["accent"], 200),
    )
    for depth, colour in enumerate(palette["layers"]):
        x = -rng.randint(0, 60)
        base_height = h * (0.62 - 0.14 * depth)  # far rows rise highest
        while x < w:
            width = rng.randint(70, 170) + 20 * depth
            height = base_height * rng.uniform(0.55, 1.25)
            top = h - height
            draw.rectangle((x, top, x + width, h), fill=colour)
            if rng.random() < 0.25:  # a roofline detail: mast or stepped top
                draw.rectangle((x + width // 2 - 4, top - 60, x + width // 2 + 4, top), fill=colour)
            if depth == 2:
                _windows(draw, rng, palette, (x, top, x + width, h))
            x += width + rng.randint(0, 24)


def _windows(draw, rng, palette, box):
    left, top, right, bottom = box
    lit = _with_alpha(palette["accent"], 170)
    for y in range(int(top) + 30, int(bottom) - 30, 46):
        for x in range(int(left) + 18, int(right) - 30, 36):
            if rng.random() < 0.22:
                draw.rectangle((x, y, x + 16, y + 22), fill=lit)


def _bars(draw, rng, palette, w, h, trend: float):
    _gridlines(draw, palette, w, h)
    count = 12
    gap = w * 0.8 / count
    level = rng.uniform(0.18, 0.3) if trend >= 0 else rng.uniform(0.65, 0.8)
    for i in range(count):
        level = min(0.85, max(0.12, level + trend + rng.uniform(-0.06, 0.06)))
        left = w * 0.1 + i * gap + gap * 0.18
        right = left + gap * 0.64
        top = h * 0.88 - level * h * 0.7
        colour = palette["accent"] if i == count - 1 else palette["layers"][1 + i % 2]
        draw.rounded_rectangle((left, top, right, h * 0.88), radius=12, fill=colour)
    draw.line((w * 0.08, h * 0.88, w * 0.92, h * 0.88), fill=palette["layers"][2], width=6)


def _gridlines(draw, palette, w, h):
    faint = _with_alpha(palette["layers"][0], 110)
    for i in range(1, 6):
        y = h * 0.88 - i * h * 0.14
        draw.line((w * 0.08, y, w * 0.92, y), fill=faint, width=3)


def _line_chart(draw, rng, palette, w, h, spike: bool):
    _gridlines(draw, palette, w, h)
    points, level = [], 0.35
    steps = 28
    for i in range(steps + 1):
        level += rng.uniform(-0.05, 0.06)
        if spike and steps * 0.6 <= i <= steps * 0.72:
            level += 0.12
        elif spike and i > steps * 0.72:
            level -= 0.07
        level = min(0.85, max(0.1, level))
        points.append((w * 0.08 + i * w * 0.84 / steps, h * 0.88 - level * h * 0.72))
    area = [(points[0][0], h * 0.88), *points, (points[-1][0], h * 0.88)]
    draw.polygon(area, fill=_with_alpha(palette["layers"][1], 90))
    draw.line(points, fill=palette["layers"][2], width=10, joint="curve")
    x, y = points[-1]
    draw.ellipse((x - 18, y - 18, x + 18, y + 18), fill=palette["accent"])


def _network(draw, rng, palette, w, h):
    _hills(draw, rng, palette, w, h, layers=2)
    # A jittered grid spreads the nodes like towns on a map, never in one clump.
    nodes = [
        ((col + 0.5 + rng.uniform(-0.3, 0.3)) * w / 6, (row + 0.6 + rng.uniform(-0.3, 0.3)) * h / 5)
        for row in range(3)
        for col in range(6)
    ]
    line = _with_alpha(palette["layers"][2], 150)
    for x1, y1 in nodes:
        nearest = sorted(nodes, key=lambda p: (p[0] - x1) ** 2 + (p[1] - y1) ** 2)[1:3]
        for x2, y2 in nearest:
            draw.line((x1, y1, x2, y2), fill=line, width=8)
    for i, (x, y) in enumerate(nodes):
        r = 32 if i % 5 == 0 else 19
        colour = palette["accent"] if i % 5 == 0 else palette["layers"][2]
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour, outline=(255, 255, 255), width=5)


def _hills(draw, rng, palette, w, h, layers=3):
    for depth, colour in enumerate(palette["layers"][3 - layers :]):
        base = h * (0.62 + 0.12 * depth)
        phase, amp = rng.uniform(0, 6.28), h * rng.uniform(0.03, 0.07)
        outline = [(x, base + amp * math.sin(x / w * 5 + phase)) for x in range(0, w + 40, 40)]
        draw.polygon([(0, h), *outline, (w, h)], fill=colour)


def _waves(draw, rng, palette, w, h):
    horizon = h * 0.55
    sun_x, sun_r = w * rng.uniform(0.6, 0.8), h // 8
    draw.ellipse(
        (sun_x - sun_r, horizon - sun_r * 1.6, sun_x + sun_r, horizon + sun_r * 0.4),
        fill=_with_alpha(palette["accent"], 210),
    )
    # Turbines on the horizon: a mast and three blades each.
    for i in range(5):
        x = w * (0.12 + 0.1 * i) + rng.uniform(-20, 20)
        tower = h * rng.uniform(0.16, 0.24)
        top = horizon - tower
        colour = palette["layers"][1]
        draw.line((x, horizon, x, top), fill=colour, width=10)
        angle = rng.uniform(0, 2 * math.pi)
        for blade in range(3):
            a = angle + blade * 2 * math.pi / 3
            draw.line((x, top, x + math.cos(a) * tower * 0.45, top + math.sin(a) * tower * 0.45),
                      fill=colour, width=9)  # fmt: skip
    for depth, colour in enumerate(palette["layers"]):
        base = horizon + depth * h * 0.13
        phase = rng.uniform(0, 6.28)
        crest = [(x, base + 14 * math.sin(x / 90 + phase)) for x in range(0, w + 30, 30)]
        draw.polygon([(0, h), *crest, (w, h)], fill=colour)


def _circles(draw, rng, palette, w, h):
    colours = [*palette["layers"], palette["accent"]]
    for i in range(7):
        r = rng.uniform(0.14, 0.3) * h
        x, y = (i + 0.5) / 7 * w + rng.uniform(-60, 60), rng.uniform(0.3, 0.7) * h
        draw.ellipse((x - r, y - r, x + r, y + r), fill=_with_alpha(colours[i % 4], 120))


def _blocks(draw, rng, palette, w, h):
    """City blocks seen from above, with a few highlighted parcels."""
    street = 34
    y = street // 2
    while y < h:
        block_h = rng.randint(150, 260)
        x = street // 2 - rng.randint(0, 80)
        while x < w:
            block_w = rng.randint(170, 340)
            roll = rng.random()
            if roll < 0.08:
                fill = palette["accent"]
            elif roll < 0.3:
                fill = palette["layers"][0]
            else:
                fill = palette["layers"][1 + (roll > 0.7)]
            draw.rounded_rectangle((x, y, x + block_w, y + block_h), radius=14, fill=fill)
            x += block_w + street
        y += block_h + street


def _scatter(draw, rng, palette, w, h):
    _gridlines(draw, palette, w, h)
    slope = rng.uniform(0.25, 0.45)
    for _ in range(70):
        t = rng.uniform(0, 1)
        level = 0.2 + slope * t + rng.gauss(0, 0.09)
        x, y = w * (0.1 + 0.8 * t), h * 0.88 - min(0.85, max(0.05, level)) * h * 0.7
        draw.ellipse((x - 14, y - 14, x + 14, y + 14), fill=_with_alpha(palette["layers"][1], 170))
    start, end = h * 0.88 - 0.2 * h * 0.7, h * 0.88 - (0.2 + slope) * h * 0.7
    draw.line((w * 0.1, start, w * 0.9, end), fill=palette["accent"], width=10)


MOTIFS: dict[str, Callable] = {
    "skyline": _skyline,
    "rising-bars": lambda d, r, p, w, h: _bars(d, r, p, w, h, trend=0.04),
    "falling-bars": lambda d, r, p, w, h: _bars(d, r, p, w, h, trend=-0.04),
    "line": lambda d, r, p, w, h: _line_chart(d, r, p, w, h, spike=False),
    "spike": lambda d, r, p, w, h: _line_chart(d, r, p, w, h, spike=True),
    "network": _network,
    "waves": _waves,
    "circles": _circles,
    "blocks": _blocks,
    "scatter": _scatter,
    "hills": _hills,
}


def feature_image(motif: str, palette: str, seed: str) -> bytes:
    """A 1200×675 JPEG: ``motif`` drawn in ``palette``, varied by ``seed``."""
    colours = PALETTES[palette]
    image = _canvas(colours)
    draw = ImageDraw.Draw(image, "RGBA")
    MOTIFS[motif](draw, random.Random(seed), colours, image.width, image.height)
    image = image.reduce(_SCALE)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=82, optimize=True, progressive=True)
    return out.getvalue()


def _initials_font(size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype("DejaVuSans-Bold.ttf", size)
    except OSError:  # no DejaVu on this system: Pillow's own font still draws letters
        return ImageFont.load_default(size)


def portrait(initials: str, colour: tuple[int, int, int]) -> bytes:
    """A square PNG: the initials, white on a coloured disc (the page crops it round)."""
    size = PORTRAIT_SIZE * _SCALE
    image = Image.new("RGB", (size, size), (244, 241, 234))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=colour)
    inner = size * 0.06
    draw.ellipse((inner, inner, size - inner, size - inner), outline=(255, 255, 255), width=6)
    draw.text((size / 2, size / 2), initials, font=_initials_font(int(size * 0.36)),
              fill=(255, 255, 255), anchor="mm")  # fmt: skip
    image = image.reduce(_SCALE)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()
