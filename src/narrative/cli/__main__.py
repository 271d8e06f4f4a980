"""`python -m narrative.cli`: the same as the `narrative` console script."""

from . import main

raise SystemExit(main())
