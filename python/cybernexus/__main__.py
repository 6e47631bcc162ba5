"""``python -m cybernexus``: the command line."""

import sys

from cybernexus.cli import main

sys.exit(main())
