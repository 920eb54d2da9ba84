"""Kubernetes minor versions: parsing, the one-minor-at-a-time upgrade path, support status on a date."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from generator.errors import Problem, UserInputError
from generator.spec import catalog

_MINOR = re.compile(r"^1\.(\d{1,2})$")


def minor_of(version: str) -> int:
    match = _MINOR.match(version)
    if match is None:
        raise ValueError(version)
    return int(match.group(1))


def version_of(minor: int) -> str:
    return f"1.{minor}"


def check_target(text: str, key: str = "--to") -> str:
    """A target version the user typed: `1.NN` and offered by EKS (else exit 2)."""
    value = text.strip()
    if _MINOR.match(value) is None:
        raise UserInputError(
            Problem(
                f"{text!r} is not a Kubernetes minor version",
                key_path=key,
                expected='"1.NN", e.g. 1.34',
                hint=f"EKS offers {', '.join(catalog.OFFERED_KUBERNETES_VERSIONS)}",
            )
        )
    if value not in catalog.OFFERED_KUBERNETES_VERSIONS:
        raise UserInputError(
            Problem(
                f"EKS does not offer Kubernetes {value}",
                key_path=key,
                expected="one of: " + ", ".join(catalog.OFFERED_KUBERNETES_VERSIONS),
                hint="pick an offered version; ekstf upgrades one minor at a time up to it",
            )
        )
    return value


@dataclass(frozen=True)
class Step:
    """One minor upgrade of the control plane, e.g. 1.32 → 1.33."""

    source: str
    target: str

    @property
    def label(self) -> str:
        return f"{self.source} → {self.target}"


def upgrade_path(current: str, target: str) -> list[Step]:
    """One step per minor (EKS refuses skipped minors); a downgrade is refused (exit 2)."""
    start, end = minor_of(current), minor_of(target)
    if end < start:
        raise UserInputError(
            Problem(
                f"{target} is older than the cluster's version {current}: EKS cannot downgrade a control plane",
                key_path="--to",
                expected=f"a version newer than {current} (or {current} to finish the node and addon stages)",
                hint="to run older nodes, pin `version` on the node groups (at most "
                f"{catalog.KUBELET_MAX_SKEW} minors behind the control plane)",
            )
        )
    return [Step(version_of(m), version_of(m + 1)) for m in range(start, end)]


def max_kubelet_skew(control_plane: str) -> int:
    """How many minors kubelets may lag behind the API server (3 since Kubernetes 1.28, 2 before)."""
    return catalog.KUBELET_MAX_SKEW if minor_of(control_plane) >= 28 else 2


@dataclass(frozen=True)
class Support:
    version: str
    phase: str  # "standard", "extended", "ended" or "unknown"
    standard_end: str | None
    extended_end: str | None


def support_on(version: str, today: date) -> Support:
    dates = catalog.KUBERNETES_SUPPORT.get(version)
    if dates is None:
        return Support(version, "unknown", None, None)
    _, standard_end, extended_end = dates
    if today <= date.fromisoformat(standard_end):
        phase = "standard"
    elif today <= date.fromisoformat(extended_end):
        phase = "extended"
    else:
        phase = "ended"
    return Support(version, phase, standard_end, extended_end)


def addon_line(version: str) -> str:
    """'v1.11.4-eksbuild.33' → 'v1.11'."""
    parts = version.split("-", 1)[0].split(".")
    return ".".join(parts[:2])


def addon_compatible(addon: str, version: str, kubernetes: str) -> bool | None:
    """Whether the shipped catalog says `version` of `addon` runs on `kubernetes` (None: the catalog does not know)."""
    lines = catalog.ADDON_LINE_MINORS.get(addon)
    if lines is None:
        return None
    minors = lines.get(addon_line(version))
    if minors is None:
        return None
    return kubernetes in minors


def addon_default(addon: str, kubernetes: str) -> str | None:
    return catalog.ADDON_DEFAULT_VERSIONS.get(addon, {}).get(kubernetes)
