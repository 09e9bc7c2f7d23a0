"""`python -m crossbrief ...`: the same command line as the `crossbrief` script."""

import sys

from crossbrief.cli import main

if __name__ == "__main__":
    sys.exit(main())
