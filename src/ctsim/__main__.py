"""``python -m ctsim``: the command line (see :mod:`ctsim.cli`)."""

import sys

from ctsim.cli import main

sys.exit(main())
