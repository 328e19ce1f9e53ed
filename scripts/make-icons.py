#!/usr/bin/env python3
"""Draws the app icons (a yellow star on party red) as PNG, with no dependencies.
   python3 scripts/make-icons.py  ->  public/icons/{icon,maskable}-{192,512}.png, badge-96.png
"Maskable" icons keep the star inside the central 80% safe zone; the badge is a white star on
transparency (Android draws badges as a silhouette)."""
import math, struct, zlib, os

RED = (139, 0, 0, 255)
YELLOW = (255, 215, 0, 255)
WHITE = (255, 255, 255, 255)
CLEAR = (0, 0, 0, 0)

def star(cx, cy, r_out, r_in):
    pts = []
    for i in range(10):
        r = r_out if i % 2 == 0 else r_in
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts

def inside(poly, x, y):
    n, c = len(poly), False
    j = n - 1
    for i in range(n):
        xi, yi = poly[i]
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            c = not c
        j = i
    return c

def draw(size, bg, fg, scale, rounded):
    poly = star(size / 2, size / 2 + size * 0.03, size * scale, size * scale * 0.382)
    radius = size * 0.18 if rounded else 0
    rows = []
    ss = 3  # supersampling for smooth edges
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            cover = 0
            for sy in range(ss):
                for sx in range(ss):
                    if inside(poly, x + (sx + 0.5) / ss, y + (sy + 0.5) / ss):
                        cover += 1
            t = cover / (ss * ss)
            base = bg
            if rounded:
                dx = max(radius - x - 0.5, 0, x + 0.5 - (size - radius))
                dy = max(radius - y - 0.5, 0, y + 0.5 - (size - radius))
                if dx > 0 and dy > 0 and math.hypot(dx, dy) > radius:
                    base = CLEAR
            px = tuple(round(base[i] * (1 - t) + fg[i] * t) for i in range(4))
            row += bytes(px)
        rows.append(bytes(row))
    raw = b"".join(rows)
    def chunk(tag, data):
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

out = os.path.join(os.path.dirname(__file__), "..", "public", "icons")
os.makedirs(out, exist_ok=True)
for size in (192, 512):
    open(os.path.join(out, f"icon-{size}.png"), "wb").write(draw(size, RED, YELLOW, 0.40, True))
    open(os.path.join(out, f"maskable-{size}.png"), "wb").write(draw(size, RED, YELLOW, 0.30, False))
open(os.path.join(out, "badge-96.png"), "wb").write(draw(96, CLEAR, WHITE, 0.45, False))
