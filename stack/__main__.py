"""`python -m stack …` is `uat stack …`."""

import sys

from stack.cli import main

sys.exit(main(prog="python -m stack"))
