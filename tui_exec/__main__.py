"""``python -m tui_exec``."""

import sys

from .cli import main

sys.exit(main())
