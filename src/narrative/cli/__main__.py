"""`python -m narrative.cli`: the same as the `narrative` console script."""

from . import main

if __name__ == "__main__":  # guarded: serve's flow runs start in spawned processes, which import __main__ again
    raise SystemExit(main())
