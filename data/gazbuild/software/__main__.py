"""`python data/gazbuild/software` (or `python -m gazbuild.software` from data/): build the threat
actors (for `used_by`) and the software alone and print the counts of the build log."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a folder: python data/gazbuild/software
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gazbuild.software import main

sys.exit(main(sys.argv[1:]))
