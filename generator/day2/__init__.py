"""Day-2 operations on a cluster ekstf generated: guided upgrades, status, scaling, leftovers before destroy.

`upgrade` plans a Kubernetes upgrade one minor at a time and edits the spec stage by stage (control plane, node
groups, addons), keeping the user's YAML comments and order; `plancheck` verifies that a stage's plan shows only that
stage's changes. `status` compares the live cluster with the spec, `scale` edits sizes, `leftovers` finds what
Kubernetes controllers created outside Terraform before a destroy.
"""
