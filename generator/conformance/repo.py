"""The Terraform files of a repo, parsed once and shared by the checks that read HCL."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from generator.conformance.hcl_reader import HclFile, HclSyntaxError, parse_hcl

_SKIPPED_DIRS = {".terraform", ".git"}


def terraform_files(repo: Path) -> list[Path]:
    """Every `.tf` file under repo (sorted), skipping `.terraform/` (installed modules) and hidden directories."""
    files = []
    for path in repo.rglob("*.tf"):
        relative = path.relative_to(repo)
        if any(part in _SKIPPED_DIRS or part.startswith(".") for part in relative.parts[:-1]):
            continue
        if path.is_file():
            files.append(path)
    return sorted(files)


def relative_name(repo: Path, path: Path) -> str:
    try:
        return path.resolve().relative_to(repo.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True)
class ParseFailure:
    file: str
    line: int | None
    message: str


@dataclass
class ParsedRepo:
    root: Path
    files: dict[str, HclFile] = field(default_factory=dict)  # keyed by path relative to root
    failures: list[ParseFailure] = field(default_factory=list)

    def files_in(self, directory: Path) -> list[HclFile]:
        """Parsed files directly inside directory (a Terraform module is one directory)."""
        wanted = directory.resolve()
        return [f for f in self.files.values() if f.path.parent.resolve() == wanted]


def parse_repo(repo: Path) -> ParsedRepo:
    parsed = ParsedRepo(root=repo)
    for path in terraform_files(repo):
        name = relative_name(repo, path)
        try:
            parsed.files[name] = parse_hcl(path.read_text(encoding="utf-8"), path)
        except (HclSyntaxError, UnicodeDecodeError) as exc:
            line = exc.line if isinstance(exc, HclSyntaxError) else None
            parsed.failures.append(ParseFailure(name, line, str(exc)))
    return parsed


def parse_module_dir(directory: Path) -> tuple[list[HclFile], list[ParseFailure]]:
    """Parse a module directory outside any ParsedRepo (e.g. a local module referenced with ../)."""
    files: list[HclFile] = []
    failures: list[ParseFailure] = []
    for path in sorted(directory.glob("*.tf")):
        try:
            files.append(parse_hcl(path.read_text(encoding="utf-8"), path))
        except (HclSyntaxError, UnicodeDecodeError) as exc:
            failures.append(ParseFailure(path.as_posix(), getattr(exc, "line", None), str(exc)))
    return files, failures
