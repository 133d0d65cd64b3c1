#!/usr/bin/env python
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cellmeet.settings")
    # Commands run from a checkout default to development settings; a production
    # environment sets DJANGO_DEBUG=0 (the WSGI entry point has no such default).
    os.environ.setdefault("DJANGO_DEBUG", "1")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
