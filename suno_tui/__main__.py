"""``python -m suno_tui`` runs the same entry point as the ``suno-tui`` command."""

from suno_tui.cli import main

raise SystemExit(main())
