"""`ekstf migrate --from-cluster`: discover → spec + report + import blocks + runbook, written atomically."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.migrate.api import check_spec_text, write_texts
from generator.migrate.aws import make_clients
from generator.migrate.discovery import LiveCluster, discover
from generator.migrate.live_spec import ImportBlock, LiveMapping, build, imports_tf
from generator.migrate.report import Report
from generator.migrate.runbook import runbook
from generator.migrate.spec_yaml_writer import spec_yaml


@dataclass
class LiveMigration:
    live: LiveCluster
    mapping: LiveMapping
    spec_text: str

    @property
    def report(self) -> Report:
        return self.mapping.report

    @property
    def imports(self) -> list[ImportBlock]:
        return self.mapping.imports


def migrate_live(name: str, region: str, kubernetes_version: str | None = None, session: Any = None) -> LiveMigration:
    clients = make_clients(region, session)
    live = discover(clients, name)
    return migration_from(live, kubernetes_version)


def migration_from(
    live: LiveCluster, kubernetes_version: str | None = None, spec_file: str = "ekstf.yaml"
) -> LiveMigration:
    mapping = build(live, kubernetes_version)
    header = [
        f"ekstf spec migrated by `ekstf migrate --from-cluster {live.name} --region {live.region}`.",
        "Existing roles, subnets, security groups and launch templates are referenced by id; the import blocks adopt",
        "the rest. Follow MIGRATION.md.",
    ]
    text = spec_yaml(mapping.spec, header)
    check_spec_text(text, mapping.report, spec_file)
    return LiveMigration(live=live, mapping=mapping, spec_text=text)


def write_live(
    migration: LiveMigration,
    output: Path,
    report_path: Path | None,
    imports_path: Path,
    runbook_path: Path,
    *,
    force: bool = False,
) -> list[Path]:
    report = migration.report
    texts: list[tuple[Path, str]] = [
        (output, migration.spec_text),
        (imports_path, imports_tf(migration.mapping, migration.live.name)),
        (runbook_path, runbook(migration.live, migration.mapping, output, imports_path, report_path)),
    ]
    if report_path is not None:
        texts.append((report_path, report.to_json() if report_path.suffix.lower() == ".json" else report.to_markdown()))
    write_texts(texts, force=force)
    return [p for p, _ in texts]
