"""What a rule matcher reads (`RuleContext`: the plan's resources indexed by type) and yields (`Finding`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.review.masking import Masker
from generator.review.model import ResourceChange


@dataclass(frozen=True, slots=True)
class Finding:
    addresses: tuple[str, ...]
    detail: str = ""
    severity: str | None = None


@dataclass
class RuleContext:
    """The plan's managed resources, indexed for rules; `configuration` is decoded only if a rule asks."""

    resources: list[ResourceChange]
    masker: Masker
    configuration_source: Callable[[], Any]
    by_type: dict[str, list[ResourceChange]] = field(default_factory=dict)
    _configuration: Any = None
    _configuration_loaded: bool = False

    def __post_init__(self) -> None:
        index: dict[str, list[ResourceChange]] = defaultdict(list)
        for resource in self.resources:
            if resource.mode == "managed" and resource.deposed is None:
                index[resource.type].append(resource)
        self.by_type = dict(index)

    def of_type(self, *types: str) -> Iterator[ResourceChange]:
        for type_name in types:
            yield from self.by_type.get(type_name, ())

    @property
    def configuration(self) -> Any:
        if not self._configuration_loaded:
            self._configuration = self.configuration_source()
            self._configuration_loaded = True
        return self._configuration
