#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("SECRET_KEY") and not os.environ.get("DEBUG"):
        # A developer's command line (make run, score_sheet, ...): development settings. Servers
        # load config.wsgi, which has no such default and refuses to start without SECRET_KEY.
        os.environ["DEBUG"] = "true"
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
