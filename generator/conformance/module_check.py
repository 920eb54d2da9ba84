"""Check `module` calls against the interface of the module they call (pinned registry modules, local modules)."""

from __future__ import annotations

from pathlib import Path

from generator.conformance.hcl_reader import Block, HclFile, Literal
from generator.conformance.interfaces import (
    META_ARGUMENTS,
    ModuleInterface,
    UnknownSubmodule,
    local_interface,
    normalise_version,
    registry_interface,
    split_registry_source,
)
from generator.conformance.repo import ParsedRepo, parse_module_dir, relative_name
from generator.conformance.report import Finding, Severity
from generator.conformance.shape import check_value
from generator.suggest import did_you_mean

CHECK_ID = "module-interface"


def check_module_calls(parsed: ParsedRepo) -> list[Finding]:
    findings: list[Finding] = []
    for name, hcl_file in sorted(parsed.files.items()):
        for block in hcl_file.walk_blocks("module"):
            findings += _check_call(parsed, name, hcl_file, block)
    return findings


def _literal_string(block: Block, name: str) -> str | None:
    attribute = block.attribute(name)
    if attribute is not None and isinstance(attribute.value, Literal) and isinstance(attribute.value.value, str):
        return attribute.value.value
    return None


def _check_call(parsed: ParsedRepo, file_name: str, hcl_file: HclFile, block: Block) -> list[Finding]:
    def finding(line: int | None, message: str, severity: Severity = "error") -> Finding:
        return Finding(CHECK_ID, file_name, line, message, severity)

    label = block.labels[0] if block.labels else "?"
    source = _literal_string(block, "source")
    if source is None:
        return []  # Terraform itself (load check) reports a missing or non-literal source
    findings: list[Finding] = []
    interface: ModuleInterface | None
    if source.startswith(("./", "../")):
        interface, problems = _local(parsed, hcl_file, source)
        if interface is None:
            return [finding(block.line, f'module "{label}": local module directory `{source}` not found')]
        findings += [Finding(CHECK_ID, relative_name(parsed.root, f.path), line, msg) for f, line, msg in problems]
    else:
        registry = split_registry_source(source)
        if registry is None:
            return []  # a module whose interface we do not ship: nothing to check against
        version_attribute = block.attribute("version")
        version = _literal_string(block, "version")
        try:
            interface = registry_interface(registry[0], registry[1], version)
        except UnknownSubmodule as exc:
            return [finding(block.line, f'module "{label}": {exc}')]
        if version is None:
            line = version_attribute.line if version_attribute else block.line
            findings.append(
                finding(
                    line, f'module "{label}": no literal `version` pin; checked against {interface.version}', "warning"
                )
            )
        elif normalise_version(version) != interface.version:
            findings.append(
                finding(
                    version_attribute.line if version_attribute else block.line,
                    f'module "{label}": version "{version}" is not the version whose interface was checked '
                    f"({interface.version}); pin it exactly",
                    "warning",
                )
            )
    for nested in block.blocks:
        findings.append(finding(nested.line, f'module "{label}": unexpected block `{nested.type}` in a module call'))
    given = {attribute.name for attribute in block.attributes}
    for attribute in block.attributes:
        if attribute.name in META_ARGUMENTS:
            continue
        variable = interface.variables.get(attribute.name)
        if variable is None:
            hint = did_you_mean(attribute.name, interface.variables)
            findings.append(
                finding(
                    attribute.line,
                    f'module "{label}": `{attribute.name}` is not an input of {interface.label}'
                    + (f"; {hint}" if hint else ""),
                )
            )
            continue
        for problem in check_value(attribute.value, variable.type, attribute.name):
            findings.append(finding(problem.line, f'module "{label}": {problem.message}'))
    missing = sorted(name for name, variable in interface.variables.items() if variable.required and name not in given)
    if missing:
        names = ", ".join(f"`{m}`" for m in missing)
        findings.append(
            finding(block.line, f'module "{label}": missing required input(s) {names} of {interface.label}')
        )
    return findings


def _local(
    parsed: ParsedRepo, hcl_file: HclFile, source: str
) -> tuple[ModuleInterface | None, list[tuple[HclFile, int, str]]]:
    directory = (hcl_file.path.parent / source).resolve()
    if not directory.is_dir():
        return None, []
    root = parsed.root.resolve()
    if directory == root or root in directory.parents:
        files = parsed.files_in(directory)
    else:
        files, _ = parse_module_dir(directory)
    return local_interface(directory, files)


def module_directories(parsed: ParsedRepo) -> list[Path]:
    """Local module directories inside the repo that some module block calls (for the load check)."""
    found: set[Path] = set()
    root = parsed.root.resolve()
    for hcl_file in parsed.files.values():
        for block in hcl_file.walk_blocks("module"):
            source = _literal_string(block, "source")
            if source is None or not source.startswith(("./", "../")):
                continue
            directory = (hcl_file.path.parent / source).resolve()
            if directory.is_dir() and directory != root and root in directory.parents:
                found.add(directory)
    return sorted(found)
