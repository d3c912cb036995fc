"""``python -m ctsim.docs [--check] [FILES]``: rewrite (or check) the generated tables of docs/odd.md,
docs/levers.md and docs/scenario-files.md."""

import sys

from ctsim.docs import main

sys.exit(main())
