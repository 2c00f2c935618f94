"""``python -m synth``: see ``synth.cli``."""

from synth.cli import main

raise SystemExit(main())
