"""`ekstf doctor`: which engine would run, its version, and where Terraform would get providers from."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import EkstfError

_MIRROR = re.compile(r"\b(filesystem_mirror|network_mirror)\b")
_PLUGIN_CACHE = re.compile(r'^\s*plugin_cache_dir\s*=\s*"([^"]*)"', re.MULTILINE)


@dataclass
class DoctorReport:
    engine: str = ""
    version: str = ""
    cli_config: str = ""
    provider_mirror: str = ""
    plugin_cache: str = ""
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[tuple[str, str]]:
        return [
            ("engine", self.engine or "(none)"),
            ("terraform version", self.version or "(unknown)"),
            ("CLI config file", self.cli_config or "(none)"),
            ("provider mirror", self.provider_mirror or "none: providers come from the registry (needs network)"),
            ("plugin cache", self.plugin_cache or "(none)"),
        ]


def cli_config_file() -> Path | None:
    """The CLI config Terraform reads: TF_CLI_CONFIG_FILE, else ~/.terraformrc when present."""
    explicit = os.environ.get("TF_CLI_CONFIG_FILE")
    if explicit:
        return Path(explicit)
    default = Path.home() / ".terraformrc"
    return default if default.exists() else None


def diagnose(kind: str = "auto", terraform_bin: str | None = None) -> DoctorReport:
    from generator.engine import select_engine

    report = DoctorReport()
    try:
        engine = select_engine(kind, terraform_bin)
        report.engine = engine.describe()
        report.version = engine.version()
    except EkstfError as error:
        report.problems.append(error.render())
    config = cli_config_file()
    if config is not None:
        report.cli_config = str(config)
        if not config.is_file():
            report.warnings.append(
                f"TF_CLI_CONFIG_FILE points at {config}, which does not exist (Terraform warns and ignores it)"
            )
        else:
            text = config.read_text(encoding="utf-8", errors="replace")
            mirrors = sorted(set(_MIRROR.findall(text)))
            report.provider_mirror = ", ".join(mirrors) + f" (in {config})" if mirrors else ""
            cache = _PLUGIN_CACHE.search(text)
            report.plugin_cache = cache.group(1) if cache else ""
    report.plugin_cache = os.environ.get("TF_PLUGIN_CACHE_DIR", report.plugin_cache)
    return report
