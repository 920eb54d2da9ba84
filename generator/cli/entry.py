"""The `ekstf` console script: `ekstf review …` runs without importing the full CLI (typer, rich and every
command area cost more than reviewing a 1 MB plan); everything else goes to `generator.cli.main`."""

from __future__ import annotations

import sys


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "review":
        from generator.cli.review_run import main_fast

        code = main_fast(sys.argv[2:])
        if code is not None:
            sys.exit(code)
    from generator.cli.main import main as full_main

    full_main()


if __name__ == "__main__":
    main()
