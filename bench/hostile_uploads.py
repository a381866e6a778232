"""What two hostile uploads cost now; prints figures, never fails.

    .venv/bin/python bench/hostile_uploads.py [--document-mb 400]

1. A lying Word file: a real .docx whose word/document.xml is --document-mb MB of
   text deflated to a few hundred KB, its zip headers (local and central) patched to
   declare 30,000 bytes with the checksum of the first 30,000. ``masthead import_docx``
   runs on it in a fresh SQLite site; printed: the answer, wall time, and the peak
   memory of the command and of any child (pandoc).
2. A 1 × 39,000,000 px PNG (under the 40-million-pixel cap) sent to a draft's
   "Insert image" in the admin of the same site (Django's test client): printed,
   the status, the answer and the time.
"""

import argparse
import io
import os
import resource
import struct
import subprocess
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


# The admin's "Insert image" view, through Django's test client (the whole middleware
# stack and the real view, in one process with the site's settings).
UPLOAD = """
import time
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
client = Client(HTTP_HOST="localhost")
client.force_login(get_user_model().objects.get(username="bench"))
data = open("{png}", "rb").read()
started = time.perf_counter()
answer = client.post("/admin/publishing/post/{draft}/images/",
                     {{"alt": "A strip", "image": SimpleUploadedFile("strip.png", data)}})
print(f"HTTP {{answer.status_code}} in {{time.perf_counter() - started:.2f}} s:",
      answer.content.decode()[:300])
"""

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
            ["/usr/bin/time", "-f", "%M", MASTHEAD, "import_docx", str(document),
             "--blog", "energy"],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        seconds = time.perf_counter() - started
        peak_kb = int(done.stderr.strip().splitlines()[-1])
        answer = [
            line
            for line in done.stderr.strip().splitlines()[:-1]
            if line.strip() and not line.startswith("Command exited")
        ]
        print(f"  answer: {answer[-1] if answer else done.stdout.strip()}")
        print(
            f"  exit {done.returncode}, {seconds:.2f} s wall, peak memory {peak_kb / 1024:.0f} MB"
        )

        png = Path(scratch) / "strip.png"
        png.write_bytes(strip_png(39_000_000))
        answer = subprocess.run(
            [MASTHEAD, "shell", "-c", UPLOAD.format(draft=draft, png=png)],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        size_kb = png.stat().st_size / 1024
        print(f"1 x 39,000,000 px PNG ({size_kb:,.0f} KB) to a draft's Insert image:")
        print(f"  {(answer.stdout.strip() or answer.stderr.strip()).splitlines()[-1]}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"(largest child process of this script: {children:.0f} MB)")


if __name__ == "__main__":
    main()
