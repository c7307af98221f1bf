"""`python -m tools <command>`: see `tools.cli`."""

from tools.cli import main

raise SystemExit(main())
