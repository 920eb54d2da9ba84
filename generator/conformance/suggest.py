"""'Did you mean' suggestions for misspelt or renamed names."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    options = list(candidates)
    lowered = {c.lower(): c for c in options}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return f"did you mean `{lowered[word.lower()]}`? (names are case-sensitive)"
    # Module majors often drop a prefix (eks v21: cluster_endpoint_public_access -> endpoint_public_access;
    # iam v6: role_name -> name): prefer the name left after removing leading words.
    parts = word.split("_")
    for index in range(1, len(parts)):
        remainder = "_".join(parts[index:])
        if remainder in options:
            return f"did you mean `{remainder}`?"
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else ""
