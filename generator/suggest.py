"""'Did you mean' suggestions: the real name or value nearest to a misspelt, renamed or mis-cased one.

Used for spec keys and enum values (spec/), access policy and well-known policy names, and Terraform
argument names (conformance/). Nearness, in order: the same word in another case; the same letters and
digits once case, `-`, `_`, `.` and spaces are ignored (`perAz` → `per-az`); a name left after dropping
leading `_`-separated words (module majors rename `cluster_endpoint_public_access` → `endpoint_public_access`);
a real name that contains the word (`ClusterAdmin` → `AmazonEKSClusterAdminPolicy`); then the closest
spelling.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_SEPARATORS = re.compile(r"[\s_.\-]+")
_MIN_CONTAINED = 3  # shorter words are contained in too many names to mean one of them
_CUTOFF = 0.6


def _folded(text: str) -> str:
    return _SEPARATORS.sub("", text).lower()


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate `word` most likely meant, or None when none is near (or `word` is itself a candidate)."""
    options = list(dict.fromkeys(candidates))
    if not options or word in options:
        return None
    for option in options:
        if option.lower() == word.lower():
            return option
    folded = {_folded(option): option for option in options}
    word_folded = _folded(word)
    if word_folded in folded:
        return folded[word_folded]
    parts = word.split("_")
    for index in range(1, len(parts)):
        remainder = "_".join(parts[index:])
        if remainder in options:
            return remainder
    if len(word_folded) >= _MIN_CONTAINED:
        containing = [key for key in folded if word_folded in key]
        if containing:
            return folded[max(containing, key=lambda key: _ratio(word_folded, key))]
    close = difflib.get_close_matches(word_folded, list(folded), n=1, cutoff=_CUTOFF)
    return folded[close[0]] if close else None


def _ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def did_you_mean(word: str, candidates: Iterable[str], what: str = "names") -> str:
    """`did you mean `X`?` (noting that `what` are case-sensitive when only the case differs), or ""."""
    match = nearest(word, candidates)
    if match is None:
        return ""
    if match.lower() == word.lower():
        return f"did you mean `{match}`? ({what} are case-sensitive)"
    return f"did you mean `{match}`?"
