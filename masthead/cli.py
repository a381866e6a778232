"""The ``masthead`` command: Django's management commands with Masthead's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "db_worker":
        from masthead.server.lifeline import exit_with_parent

        # The task worker `masthead serve` starts ends with it, even while Django loads.
        exit_with_parent()
    if args and args[0] in {"demo", "serve"}:
        # These serve with a real server from collected, hashed static files.
        os.environ.setdefault("MASTHEAD_COLLECTED_STATIC", "true")
    if args and args[0] == "demo":
        # Stored references and mails carry the address the demo is served on.
        os.environ.setdefault("MASTHEAD_SITE_URL", f"http://127.0.0.1:{demo_port(args[1:])}")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *args])


def demo_port(args: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--port", type=int, default=8000)
    known, _ = parser.parse_known_args(args)
    return known.port


if __name__ == "__main__":
    main()
