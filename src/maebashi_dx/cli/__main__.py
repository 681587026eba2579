"""``python -m maebashi_dx.cli``: the same as the ``maebashi-dx`` command."""

import sys

from maebashi_dx.cli import main

sys.exit(main())
