"""The simulated account: every applied resource and every data source read, shared by the provider processes of
one sandbox run through a JSON file (the orchestrator names it in EKSTF_SANDBOX_WORLD)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

WORLD_ENV = "EKSTF_SANDBOX_WORLD"


class FileWorld:
    """A `contracts.World` kept in a JSON file: {type_name: {id: values}}; writes are locked read-modify-writes."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._memory: dict[str, dict[str, Any]] = {}

    @classmethod
    def from_environment(cls) -> FileWorld:
        value = os.environ.get(WORLD_ENV)
        return cls(Path(value) if value else None)

    def _load(self) -> dict[str, dict[str, Any]]:
        if self.path is None:
            return self._memory
        try:
            data = json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except FileNotFoundError:
            return {}
        return data if isinstance(data, dict) else {}

    @contextlib.contextmanager
    def _locked(self) -> Iterator[dict[str, dict[str, Any]]]:
        if self.path is None:
            yield self._memory
            return
        lock_path = self.path.with_suffix(".lock")
        with lock_path.open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            data = self._load()
            yield data
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            temporary.replace(self.path)

    def resources(self, type_name: str) -> Iterable[Mapping[str, Any]]:
        return list(self._load().get(type_name, {}).values())

    def by_id(self, type_name: str, object_id: str) -> Mapping[str, Any] | None:
        found = self._load().get(type_name, {}).get(object_id)
        return found if isinstance(found, dict) else None

    def ids(self, type_name: str) -> set[str]:
        return set(self._load().get(type_name, {}))

    def put(self, type_name: str, object_id: str, values: Mapping[str, Any]) -> None:
        with self._locked() as data:
            data.setdefault(type_name, {})[object_id] = dict(values)

    def remove(self, type_name: str, object_id: str) -> None:
        with self._locked() as data:
            data.get(type_name, {}).pop(object_id, None)
