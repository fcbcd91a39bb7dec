"""``python -m cdv_analysis.cli``: the ``cdv`` command."""

import sys

from .app import main

sys.exit(main())
