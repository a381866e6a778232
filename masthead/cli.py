"""The ``masthead`` command: Django's management commands with Masthead's settings."""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in {"demo", "serve"}:
        # These serve with a real server from collected, hashed static files.
        os.environ.setdefault("MASTHEAD_COLLECTED_STATIC", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["masthead", *args])


if __name__ == "__main__":
    main()
