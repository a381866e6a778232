"""How soon the desk's preview shows a keystroke, on a 5,000-word post, in Chromium.

Starts its own ``masthead serve`` on 127.0.0.1 with a temporary MASTHEAD_DATA_DIR and
a fresh SQLite database holding one writer's draft of about 5,000 words (headings,
lists, a table, footnotes), signs in as that writer in Debian's Chromium, opens the
writing view, and then ``--keys`` times types one character at the end of the body and
measures, in the page, the time from the keystroke to the preview frame showing it
(the autosave's round trip, the server's rendering through the post's renderer, and the
frame's body replaced). Keystrokes are ``--gap`` ms apart, as a typist's are.

    .venv/bin/python bench/desk_preview.py [--keys 40] [--gap 250]

Prints the median, 90th percentile and worst; passes or fails nothing (target: 150 ms).
"""

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from comments_load import MASTHEAD, ROOT, free_port, run, wait_for_port  # noqa: E402

WORDS = 5000
SETUP = """
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from masthead.publishing.models import Author, Blog, Institution, Post, PostAuthor

Institution.objects.create(name="Bench Institute", short_name="Bench")
blog = Blog.objects.create(name="Bench Blog", slug="bench", tagline="Load")
user = get_user_model().objects.create_user("writer", "w@example.org", "bench-password",
                                            is_staff=True)
user.groups.add(Group.objects.get(name="Writers"))
author = Author.objects.create(display_name="Ada Okafor", given_name="Ada",
                               family_name="Okafor", slug="ada", user=user)
paragraph = ("Storage shifts power in time while lines shift it in space, and the grid "
             "needs both to keep prices steady through a cold and windless week. ")
parts = []
for section in range(19):
    parts.append(f"## Section {section + 1}")
    parts += [paragraph * 3 + f"See the note.[^{section + 1}]" for _ in range(3)]
    parts.append("- one point\\n- another point\\n- a third point")
    parts.append("| Year | Price |\\n| --- | --- |\\n| 2024 | 41 |\\n| 2025 | 38 |")
parts += [f"[^{n + 1}]: Source number {n + 1}." for n in range(19)]
post = Post.objects.create(blog=blog, title="A long draft", slug="long",
                           status="draft", body="\\n\\n".join(parts))
PostAuthor.objects.create(post=post, author=author, position=0)
print(len(post.body.split()), post.pk)
"""

MEASURE = """async ([keys, gap]) => {
    const frame = document.getElementById("preview-frame");
    const cm = window.deskEditor.codemirror;
    const figures = [];
    for (let n = 0; n < keys; n++) {
        const mark = `zq${n}x`;
        cm.setCursor(cm.lastLine(), cm.getLine(cm.lastLine()).length);
        const shown = new Promise((resolve) => {
            const check = () => {
                const body = frame.contentDocument.querySelector(".post__body");
                if (body && body.textContent.includes(mark)) resolve(performance.now());
                else requestAnimationFrame(check);
            };
            check();
        });
        const typed = performance.now();
        cm.replaceSelection(` ${mark}`);
        figures.push((await shown) - typed);
        await new Promise((resolve) => setTimeout(resolve, gap));
    }
    return figures;
}"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--keys", type=int, default=40)
    parser.add_argument("--gap", type=int, default=250, help="ms between keystrokes")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="masthead-bench-") as data_dir:
        port = free_port()
        env = {
            **os.environ,
            "MASTHEAD_DATA_DIR": data_dir,
            "MASTHEAD_COLLECTED_STATIC": "true",
            "MASTHEAD_LOG_LEVEL": "ERROR",
            "MASTHEAD_SITE_URL": f"http://127.0.0.1:{port}",
        }
        env.pop("DATABASE_URL", None)
        print(f"Preparing a database in {data_dir} ...", flush=True)
        run([*MASTHEAD, "migrate", "--verbosity", "0"], env)
        run([*MASTHEAD, "collectstatic", "--noinput", "--verbosity", "0"], env)
        words, post_id = run(
            [*MASTHEAD, "shell", "-c", SETUP], env, capture_output=True
        ).stdout.split()[-2:]
        serve = [*MASTHEAD, "serve", "--host", "127.0.0.1", "--port", str(port),
                 "--no-collectstatic"]  # fmt: skip
        server = subprocess.Popen(serve, env=env, cwd=ROOT, start_new_session=True)
        try:
            wait_for_port(port)
            figures = measure(port, int(post_id), options)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
    figures.sort()
    print(f"Post: {words} words. Keystrokes: {len(figures)}, {options.gap} ms apart.")
    print(
        f"Keystroke to preview: median {statistics.median(figures):.0f} ms, "
        f"90th percentile {figures[int(len(figures) * 0.9) - 1]:.0f} ms, "
        f"worst {figures[-1]:.0f} ms (target 150 ms)"
    )


def measure(port: int, post_id: int, options) -> list[float]:
    from playwright.sync_api import sync_playwright

    base = f"http://127.0.0.1:{port}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        )  # fmt: skip
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/admin/login/?next=/desk/{post_id}/")
            page.fill("#id_username", "writer")
            page.fill("#id_password", "bench-password")
            page.click("input[type=submit]")
            page.wait_for_function("() => window.deskEditor")
            page.frame_locator("#preview-frame").locator(".post__body h2").first.wait_for()
            # The first round trips warm the server's connection and caches.
            page.evaluate(MEASURE, [3, options.gap])
            return page.evaluate(MEASURE, [options.keys, options.gap])
        finally:
            browser.close()


if __name__ == "__main__":
    main()
