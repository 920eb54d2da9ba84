"""EKS-aware review of a Terraform plan: `load_plan` → `build_review` → `render_review`.

from generator.review import build_review, load_plan, render_review
review = build_review(load_plan("plan.json"), mask_patterns=[r"AKIA[0-9A-Z]{16}"])
print(render_review(review, "markdown", max_chars=65_000))
"""

from __future__ import annotations

from generator.review.build import build_review, review_plan
from generator.review.gates import GATES, check_gate_names, enforce_gates, triggered_gates
from generator.review.model import Danger, ResourceChange, Review
from generator.review.plan_input import load_plan, load_plan_fast
from generator.review.render import FORMATS, iter_review, render_review

__all__ = [
    "FORMATS",
    "GATES",
    "Danger",
    "ResourceChange",
    "Review",
    "build_review",
    "check_gate_names",
    "enforce_gates",
    "iter_review",
    "load_plan",
    "load_plan_fast",
    "render_review",
    "review_plan",
    "triggered_gates",
]
