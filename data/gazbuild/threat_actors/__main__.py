"""`python data/gazbuild/threat_actors` (or `python -m gazbuild.threat_actors` from data/): build the
threat actors alone and print the counts of the build log."""

from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # run as a folder: python data/gazbuild/threat_actors
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from gazbuild.threat_actors import main

sys.exit(main(sys.argv[1:]))
