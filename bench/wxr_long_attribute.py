"""How the time to import a WordPress export grows with one very long attribute; prints figures.

    .venv/bin/python bench/wxr_long_attribute.py [MB ...]      (default: 2 8 30)

For each size it writes two exports of one post: one where an XML attribute of the
export itself (on the post's <category>) is that long, one where an attribute of the
post's HTML (a link's href) is. Each is imported with ``masthead import_wxr`` into a
fresh SQLite site in its own process; the wall time and the last line printed are shown.
Growth that is linear shows as time roughly proportional to the size. Never fails on time.
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = ROOT / ".venv" / "bin" / "masthead"

EXPORT = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0" xmlns:excerpt="https://wordpress.org/export/1.2/excerpt/"
  xmlns:content="http://purl.org/rss/1.0/modules/content/"
  xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="https://wordpress.org/export/1.2/">
<channel>
  <title>Old Blog</title><link>https://old.example.org</link>
  <wp:wxr_version>1.2</wp:wxr_version>
  <wp:author><wp:author_login>ada</wp:author_login>
    <wp:author_display_name>Ada Okafor</wp:author_display_name></wp:author>
  <item>
    <title>Why the Grid Needs Lines</title>
    <link>https://old.example.org/2021/03/04/grid/</link>
    <dc:creator>ada</dc:creator>
    <category domain="category" nicename="energy"{xml_attribute}>Energy</category>
    <content:encoded><![CDATA[<p>Transmission is the <a href="{href}">bottleneck</a>.</p>]]>
    </content:encoded>
    <wp:post_id>1</wp:post_id><wp:post_date_gmt>2021-03-04 09:30:00</wp:post_date_gmt>
    <wp:post_name>grid</wp:post_name><wp:status>publish</wp:status>
    <wp:post_type>post</wp:post_type>
  </item>
</channel>
</rss>
"""


def export(where: str, megabytes: float) -> str:
    long = "x" * int(megabytes * 2**20)
    if where == "xml":
        return EXPORT.format(xml_attribute=f' data-note="{long}"', href="https://example.org/")
    return EXPORT.format(xml_attribute="", href=f"https://example.org/{long}")


def run(where: str, megabytes: float) -> None:
    with tempfile.TemporaryDirectory(prefix="wxr-attribute-") as scratch:
        environment = {**os.environ, "MASTHEAD_DATA_DIR": scratch}
        environment.pop("DATABASE_URL", None)
        subprocess.run([MASTHEAD, "migrate", "-v0"], env=environment, check=True)
        path = Path(scratch) / "export.xml"
        path.write_text(export(where, megabytes), encoding="utf-8")
        started = time.perf_counter()
        done = subprocess.run(
            [MASTHEAD, "import_wxr", str(path)], env=environment, capture_output=True, text=True
        )
        seconds = time.perf_counter() - started
        said = (done.stdout.strip() or done.stderr.strip()).splitlines()
        outcome = "imported" if done.returncode == 0 else f"refused: {said[-1] if said else ''}"
        print(f"{where} attribute of {megabytes:g} MB: {seconds:.1f} s ({outcome})", flush=True)


def main() -> None:
    sizes = [float(size) for size in sys.argv[1:]] or [2.0, 8.0, 30.0]
    for where in ("xml", "html"):
        for megabytes in sizes:
            run(where, megabytes)


if __name__ == "__main__":
    main()
