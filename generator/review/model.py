"""The review model: what a plan does, resource by resource, with its dangers. Renderers read only this.

Values are reachable only through methods that mask them (`diff()`, `before_value()`, `after_value()`); the raw
plan values stay private, so no renderer can print a sensitive value by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.review.diff import AttributeDiff, compute_diff
from generator.review.masking import Masker
from generator.review.plan_input import ChangeIn, value

ACTIONS = ("create", "update", "replace", "delete", "read", "import", "move", "forget", "no-op")
# Actions after which the infrastructure is as before (a data source read changes nothing).
NOT_APPLIED_ACTIONS = frozenset({"no-op", "read"})
SEVERITIES = ("critical", "high", "medium", "low")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

REPLACE_DELETE_FIRST = "delete-before-create"
REPLACE_CREATE_FIRST = "create-before-destroy"
CREATE_THEN_FORGET = "create-then-forget"


def classify_actions(actions: list[str]) -> tuple[str, str | None]:
    """Terraform's action list → (our action name, replace order)."""
    if len(actions) == 2:
        if actions == ["delete", "create"]:
            return "replace", REPLACE_DELETE_FIRST
        if actions == ["create", "delete"]:
            return "replace", REPLACE_CREATE_FIRST
        if actions == ["create", "forget"]:
            return "replace", CREATE_THEN_FORGET
    if len(actions) == 1 and actions[0] in ("create", "update", "delete", "read", "no-op", "forget"):
        return actions[0], None
    return "update", None  # an action list newer Terraform may add: treat as a change, never as no-op


class ResourceChange:
    """One entry of `resource_changes` (or `resource_drift`). Small: slots, values decoded lazily and masked."""

    __slots__ = (
        "_change",
        "_masker",
        "action",
        "address",
        "deposed",
        "importing",
        "mode",
        "module_address",
        "moved_from",
        "name",
        "provider",
        "reason",
        "replace_order",
        "replace_paths",
        "type",
    )

    def __init__(
        self,
        *,
        address: str,
        module_address: str,
        mode: str,
        type: str,
        name: str,
        provider: str,
        action: str,
        replace_order: str | None,
        reason: str | None,
        replace_paths: list[str],
        importing: dict[str, Any] | None,
        moved_from: str | None,
        deposed: str | None,
        change: ChangeIn[Any],
        masker: Masker,
    ) -> None:
        self.address = address
        self.module_address = module_address
        self.mode = mode
        self.type = type
        self.name = name
        self.provider = provider
        self.action = action
        self.replace_order = replace_order
        self.reason = reason
        self.replace_paths = replace_paths
        self.importing = importing
        self.moved_from = moved_from
        self.deposed = deposed
        self._change = change
        self._masker = masker

    @property
    def is_change(self) -> bool:
        """Whether the review lists this resource: it changes, or is imported or moved."""
        return self.action != "no-op" or self.importing is not None or self.moved_from is not None

    def diff(self, limit: int | None = None) -> list[AttributeDiff]:
        """Masked attribute diff (empty for deletes and reads: nothing new to review)."""
        if self.action in ("delete", "forget", "read"):
            return []
        change = self._change
        return compute_diff(
            value(change.before),
            value(change.after),
            value(change.after_unknown),
            value(change.before_sensitive),
            value(change.after_sensitive),
            self._masker,
            limit,
        )

    def drift_diff(self, limit: int | None = None) -> list[AttributeDiff]:
        """Masked diff including deletes (for drift: what changed outside Terraform)."""
        change = self._change
        return compute_diff(
            value(change.before),
            value(change.after),
            value(change.after_unknown),
            value(change.before_sensitive),
            value(change.after_sensitive),
            self._masker,
            limit,
        )

    def before_value(self) -> Any:
        """The prior object, masked."""
        return self._masker.value(value(self._change.before), value(self._change.before_sensitive))

    def after_value(self) -> Any:
        """The planned object, masked; unknown attributes are absent or null."""
        return self._masker.value(value(self._change.after), value(self._change.after_sensitive))

    def after_unknown(self) -> Any:
        return value(self._change.after_unknown)

    @property
    def importing_id(self) -> str | None:
        if self.importing is None:
            return None
        ident = self.importing.get("id")
        if ident is None and isinstance(identity := self.importing.get("identity"), dict):
            return render_identity(self._masker.value(identity))
        return self._masker.text(str(ident)) if ident is not None else ""


def render_identity(identity: dict[str, Any]) -> str:
    """An import identity as Terraform prints it: `{ account_id = "111122223333", region = "eu-west-1" }`."""
    import json

    parts = [f"{key} = {json.dumps(val, ensure_ascii=False)}" for key, val in identity.items()]
    return "{ " + ", ".join(parts) + " }" if parts else "{}"


@dataclass(frozen=True, slots=True)
class Danger:
    rule: str
    severity: str
    message: str
    addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OutputChange:
    name: str
    action: str
    sensitive: bool
    before: Any
    after: Any
    unknown: bool


@dataclass(frozen=True, slots=True)
class DeferredChange:
    address: str
    reason: str


@dataclass(frozen=True, slots=True)
class CheckResult:
    address: str
    status: str
    problems: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str
    summary: str
    detail: str
    address: str


@dataclass
class Review:
    """Everything the renderers show. Built by `build_review`."""

    format_version: str
    terraform_version: str | None
    errored: bool
    applyable: bool | None
    complete: bool | None
    counts: dict[str, int]
    replace_orders: dict[str, int]
    resources: list[ResourceChange]
    dangers: list[Danger]
    drift: list[ResourceChange]
    outputs: list[OutputChange]
    deferred: list[DeferredChange] = field(default_factory=list)
    checks: list[CheckResult] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    marks_missing: bool = False  # the plan predates sensitivity marks: values were masked by attribute name

    @property
    def has_changes(self) -> bool:
        counts = self.counts
        return any(counts[a] for a in ACTIONS if a not in NOT_APPLIED_ACTIONS) or any(
            o.action != "no-op" for o in self.outputs
        )

    def dangers_at_least(self, severity: str) -> list[Danger]:
        limit = SEVERITY_RANK[severity]
        return [d for d in self.dangers if SEVERITY_RANK[d.severity] <= limit]

    def severity_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(SEVERITIES, 0)
        for danger in self.dangers:
            counts[danger.severity] += 1
        return counts
