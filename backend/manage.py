#!/usr/bin/env python
"""Django's command-line utility, with configuration errors reported in one line."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coditect_license.settings")
    from coditect_license.cli import run_django

    run_django(sys.argv)


if __name__ == "__main__":
    main()
