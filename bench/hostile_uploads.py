"""What two hostile uploads cost now; prints figures, never fails.

    .venv/bin/python bench/hostile_uploads.py [--document-mb 400]

1. A lying Word file: a real .docx whose word/document.xml is --document-mb MB of
   text deflated to a few hundred KB, its zip headers (local and central) patched to
   declare 30,000 bytes with the checksum of the first 30,000. ``masthead import_docx``
   runs on it in a fresh SQLite site; printed: the answer, wall time, and the peak
   memory of the command and of any child (pandoc).
2. A 1 × 39,000,000 px PNG (under the 40-million-pixel cap) sent to a draft's
   "Insert image" in the admin of the same site, through ``masthead serve``: printed,
   the status, the answer and the time.
"""

import argparse
import io
import os
import resource
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = ROOT / ".venv" / "bin" / "masthead"
DECLARED = 30_000


def lying_docx(path: Path, megabytes: int) -> None:
    from docx import Document

    honest = io.BytesIO()
    Document().save(honest)
    first = b""
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(path, "w") as copy:
        for item in source.infolist():
            if item.filename != "word/document.xml":
                copy.writestr(item, source.read(item.filename), zipfile.ZIP_DEFLATED)
                continue
            packed = zipfile.ZipInfo(item.filename)
            packed.compress_type = zipfile.ZIP_DEFLATED
            with copy.open(packed, "w", force_zip64=False) as member:
                head = b'<?xml version="1.0"?><w:document xmlns:w="urn:x"><w:body><w:p><w:r><w:t>'
                member.write(head)
                first = head
                for _ in range(megabytes):
                    chunk = b"a" * 2**20
                    if len(first) < DECLARED:
                        first += chunk[: DECLARED - len(first)]
                    member.write(chunk)
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.getinfo("word/document.xml").header_offset
    crc, size = struct.pack("<I", zlib.crc32(first)), struct.pack("<I", DECLARED)
    data[offset + 14 : offset + 18], data[offset + 22 : offset + 26] = crc, size
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"word/document.xml"))
    data[entry + 16 : entry + 20], data[entry + 24 : entry + 28] = crc, size
    path.write_bytes(bytes(data))


def strip_png(height: int) -> bytes:
    def chunk(kind, body):
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    compressor = zlib.compressobj(9)
    parts = [compressor.compress(b"\0\0" * 500_000) for _ in range(height // 500_000)]
    parts.append(compressor.compress(b"\0\0" * (height % 500_000)) + compressor.flush())
    header = struct.pack(">IIBBBBB", 1, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )  # fmt: skip


SETUP = """
from django.contrib.auth import get_user_model
from masthead.publishing.models import Blog, Post
Blog.objects.create(name="Energy Desk", slug="energy", tagline="On energy")
get_user_model().objects.create_superuser("bench", "bench@example.org", "bench-password-123")
print(Post.objects.create(blog=Blog.objects.get(), title="Draft", slug="draft", body="x").pk)
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--document-mb", type=int, default=400)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="hostile-uploads-") as scratch:
        env = {**os.environ, "MASTHEAD_DATA_DIR": scratch}
        env.pop("DATABASE_URL", None)
        subprocess.run([MASTHEAD, "migrate", "-v0"], env=env, check=True)
        draft = subprocess.run(
            [MASTHEAD, "shell", "-c", SETUP], env=env, check=True, capture_output=True, text=True
        ).stdout.split()[-1]

        document = Path(scratch) / "lying.docx"
        lying_docx(document, options.document_mb)
        print(
            f"lying .docx: {document.stat().st_size / 1024:,.0f} KB on disk, "
            f"word/document.xml {options.document_mb} MB declared as {DECLARED:,} bytes"
        )
        started = time.perf_counter()
        done = subprocess.run(
            ["/usr/bin/time", "-f", "%M", MASTHEAD, "import_docx", str(document), "--blog", "energy"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak_kb = int(done.stderr.strip().splitlines()[-1])
        answer = [line for line in done.stderr.strip().splitlines()[:-1] if line.strip()]
        print(f"  answer: {answer[-1] if answer else done.stdout.strip()}")
        print(
            f"  exit {done.returncode}, {seconds:.2f} s wall, peak memory {peak_kb / 1024:.0f} MB"
        )

        sys.path.insert(0, str(ROOT))
        from tests.caches import free_port

        port = free_port()
        server = subprocess.Popen(
            [MASTHEAD, "serve", "--port", str(port), "--workers", "1", "--no-worker"],
            env={**env, "MASTHEAD_SITE_URL": f"http://127.0.0.1:{port}"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            post_strip(port, draft)
        finally:
            server.terminate()
            server.wait(timeout=20)
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"(largest child process of this script: {children:.0f} MB)")


def post_strip(port: int, draft: str) -> None:
    import re

    import httpx

    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            httpx.get(f"{base}/robots.txt", timeout=2)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    with httpx.Client(base_url=base, timeout=120) as client:
        login = client.get("/admin/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[1]
        client.post(
            "/admin/login/",
            data={"username": "bench", "password": "bench-password-123",
                  "csrfmiddlewaretoken": token, "next": "/admin/"},
            headers={"Referer": f"{base}/admin/login/"},
        )  # fmt: skip
        png = strip_png(39_000_000)
        started = time.perf_counter()
        answer = client.post(
            f"/admin/publishing/post/{draft}/images/",
            data={"alt": "A strip"},
            files={"image": ("strip.png", png, "image/png")},
            headers={"X-CSRFToken": client.cookies.get("csrftoken", ""), "Referer": base + "/"},
        )
        seconds = time.perf_counter() - started
        print(f"1 x 39,000,000 px PNG ({len(png) / 1024:,.0f} KB) to a draft's Insert image:")
        print(f"  HTTP {answer.status_code} in {seconds:.2f} s: {answer.text[:300]}")


if __name__ == "__main__":
    main()
