"""When no app server answers, nginx's answer tells a commenter what happened and what to do.

deploy/nginx.conf, run by the real nginx, in front of an app server that is not
there (all restarting): a comment post gets a 503 saying plainly that the
comment may not have arrived and to send it again in a moment, not nginx's bare
502. And the configuration passes ``nginx -t`` without a warning.
"""

import subprocess

from harness.http import exchange, free_port, status_of
from harness.nginx import NGINX, local_config, start_nginx, stop


def test_a_comment_sent_while_no_app_server_answers_gets_a_page_that_says_what_to_do(tmp_path):
    (tmp_path / "site").mkdir()
    nobody_listens = free_port()
    nginx, port = start_nginx(tmp_path, root=tmp_path / "site", app_ports=[nobody_listens],
                              media=tmp_path)  # fmt: skip
    try:
        body = b"author_name=Ines&email=ines%40example.org&body=Storage+first.&started=x"
        request = (
            b"POST /comments/1/ HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
        )  # fmt: skip
        head, page = exchange(port, request).split(b"\r\n\r\n", 1)
    finally:
        stop(nginx)
    assert status_of(head) == 503
    assert b"retry-after: 10" in head.lower()
    text = page.decode()
    assert "If you were sending a comment, it may not have reached us." in text
    assert "send it again in a moment" in text
    assert "nginx" not in text.lower()


def test_the_deployment_config_passes_nginx_t_without_a_warning(tmp_path):
    (tmp_path / "site").mkdir()
    config = local_config(tmp_path, root=tmp_path / "site", port=free_port(), app_ports=[8000],
                          media=tmp_path)  # fmt: skip
    checked = subprocess.run(
        [NGINX, "-t", "-p", str(tmp_path), "-c", str(config), "-e", str(tmp_path / "error.log")],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    assert "[warn]" not in checked.stderr, checked.stderr
