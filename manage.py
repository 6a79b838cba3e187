#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiujiang_inspect.settings")
    if "SECRET_KEY" not in os.environ and "DEBUG" not in os.environ:
        # A developer's checkout has no secret: run commands in development mode instead of failing.
        # Served processes (gunicorn via wsgi.py) still refuse to start without SECRET_KEY, and every
        # production unit sets it (deploy/), so this never applies there.
        os.environ["DEBUG"] = "1"
        print("manage.py: SECRET_KEY is not set, running in development mode (DEBUG=1).", file=sys.stderr)
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
