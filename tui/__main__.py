"""``python -m tui`` runs the ``zhudian`` command (used by tests that start real processes)."""

from tui.cli import main

main()
