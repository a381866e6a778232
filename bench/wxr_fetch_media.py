"""Time and peak memory of ``import_wxr --fetch-media`` on a real export; prints figures.

    .venv/bin/python bench/wxr_fetch_media.py [FILE] [--keep DIR]

The old site's pictures are not on this machine, so a local HTTP server stands in for it:
every picture address the export names (attachments, pictures in bodies, at any size) is
answered with a generated stand-in JPEG of the size its name says (``photo-300x200.jpg``
is 300 × 200; an original is 1600 × 1067), and the export is imported from a copy in which
the old site's address is this server's (``http://localhost:PORT``), allowed by name with
``--allow-host localhost``. The import runs in its own process into a fresh SQLite site;
its wall time and peak memory (ru_maxrss of that process) are printed, with what the
server was asked for and the summary's picture lines. FILE defaults to the theme unit
test export in ../shared/data/wordpress/.
"""

import argparse
import io
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
THEME = ROOT.parent / "shared" / "data" / "wordpress" / "themeunittestdata.wordpress.xml"
SIZED = re.compile(r"-(\d{1,4})x(\d{1,4})\.[a-z]+$", re.IGNORECASE)
PICTURE = re.compile(r"\.(jpe?g|png|gif|webp)$", re.IGNORECASE)
# The documents bodies link to (brought home too): stand-ins of each kind, a few kB.
DOCUMENTS = {
    "pdf": b"%PDF-1.4\n% a stand-in for the old site's PDF\n" + b"0" * 4000,
    "mp3": b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" * 1000,
    "mov": b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  " + b"\x00" * 4000,
}


class StandIn(BaseHTTPRequestHandler):
    asked: list[str] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        path = urlsplit(self.path).path
        StandIn.asked.append(path)
        document = DOCUMENTS.get(path.rsplit(".", 1)[-1].lower())
        if document is not None:  # a PDF, a recording: its first bytes make it one
            self.send_response(200)
            self.send_header("Content-Type", "application/octet-stream")
            self.send_header("Content-Length", str(len(document)))
            self.end_headers()
            self.wfile.write(document)
            return
        if not PICTURE.search(path):
            self.send_error(404)
            return
        sized = SIZED.search(path)
        width, height = (int(sized[1]), int(sized[2])) if sized else (1600, 1067)
        colour = zlib.crc32(path.encode()) & 0xFFFFFF
        buffer = io.BytesIO()
        Image.new("RGB", (max(1, width), max(1, height)), colour).save(buffer, "JPEG")
        body = buffer.getvalue()
        self.send_response(200)
        self.send_header("Content-Type", "image/jpeg")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("file", nargs="?", type=Path, default=THEME)
    parser.add_argument("--keep", type=Path, help="import into this data directory (kept)")
    options = parser.parse_args()
    if not options.file.is_file():
        print(f"{options.file} is not here; nothing measured.")
        return 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://localhost:{server.server_address[1]}"
    text = options.file.read_text(encoding="utf-8")
    # The old site and the hosts its uploads are served from (WordPress.com: a files. host).
    hosts = {urlsplit(re.search(r"<wp:base_site_url>(.*?)</wp:base_site_url>", text)[1]).netloc}
    for url in re.findall(r"<wp:attachment_url>(?:<!\[CDATA\[)?(.*?)(?:\]\]>)?<", text):
        hosts.add(urlsplit(url.strip()).netloc)
    moved = text
    for host in filter(None, hosts):
        moved = re.sub(rf"https?://{re.escape(host)}(?=[/\"'<\s\]])", base, moved)
    data_dir = options.keep or Path(tempfile.mkdtemp(prefix="masthead-fetch-media-"))
    data_dir.mkdir(parents=True, exist_ok=True)
    export = data_dir / options.file.name
    export.write_text(moved, encoding="utf-8")
    env = dict(os.environ, MASTHEAD_DATA_DIR=str(data_dir))
    env.pop("DATABASE_URL", None)
    masthead = [sys.executable, "-m", "masthead.cli"]
    subprocess.run([*masthead, "migrate", "-v0"], env=env, check=True, cwd=ROOT)
    started = time.perf_counter()
    done = subprocess.run(
        [*masthead, "import_wxr", str(export), "--fetch-media", "--allow-host", "localhost"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    server.shutdown()
    lines = done.stdout.splitlines()
    print(f"import_wxr --fetch-media {options.file.name}: exit {done.returncode}")
    print(f"  wall time {seconds:.1f} s, peak memory of the largest process {peak_mb:.0f} MB")
    print(f"  the stand-in site was asked for {len(StandIn.asked)} addresses "
          f"({len(set(StandIn.asked))} distinct)")  # fmt: skip
    for line in lines:
        if any(word in line for word in ("picture", "featured", "fetched", "brought")) or (
            line.startswith(("posts:", "attach", "pages:", "documents:"))
        ):
            print("  " + line.strip())
    if done.returncode:
        print(done.stderr[-2000:])
    print(f"  data directory: {data_dir}")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
