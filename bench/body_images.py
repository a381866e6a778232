"""What an editor's "Insert image" costs: checking, cleaning and resizing one upload.

Makes a photo-like JPEG of each size with Pillow, runs it through the same
``prepare_body_image`` the upload view uses (decode, EXIF rotation, re-encode,
four narrower copies), and prints the time per upload and the bytes a reader's
browser fetches at 390 px (the 480w copy) against the full copy, side by side.
A decompression bomb's header is refused before decoding: its time is printed too.

    .venv/bin/python bench/body_images.py [--repeat 3]

Prints figures; passes or fails nothing. Bounded: three sizes, a few repeats.
"""

import argparse
import io
import os
import statistics
import struct
import sys
import time
import zlib

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")


def photo(width: int, height: int) -> bytes:
    from PIL import Image

    # Noise compresses like a photo does (badly), unlike a flat colour.
    picture = Image.effect_noise((width, height), 60).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def bomb() -> bytes:
    def chunk(kind, data):
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    header = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    repeat = max(1, min(parser.parse_args().repeat, 5))

    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from masthead.publishing.images import prepare_body_image

    print(
        f"{'upload':>14} {'bytes in':>10} {'wall ms':>8} {'CPU ms':>8} "
        f"{'full copy':>10} {'480w copy':>10}"
    )
    for width, height in ((1600, 1067), (4000, 3000), (6000, 1500)):
        data = photo(width, height)
        times, cpu = [], []
        for _ in range(repeat):
            started, started_cpu = time.perf_counter(), time.process_time()
            prepared = prepare_body_image(SimpleUploadedFile("photo.jpg", data))
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        smallest = prepared.renditions[0][1] if prepared.renditions else prepared.full
        print(
            f"{width:>6} × {height:<5} {len(data):>10} {statistics.median(times):>8.0f} "
            f"{statistics.median(cpu):>8.0f} "
            f"{len(prepared.full):>10} {len(smallest):>10}"
        )
    started = time.perf_counter()
    try:
        prepare_body_image(SimpleUploadedFile("bomb.png", bomb()))
    except ValidationError as refusal:
        elapsed = (time.perf_counter() - started) * 1000
        print(f"60000 × 60000 PNG header ({len(bomb())} bytes): refused in {elapsed:.1f} ms")
        print(f"  “{refusal.messages[0]}”")
    return 0


if __name__ == "__main__":
    sys.exit(main())
