"""Running Terraform safely: plan → review → apply with saved plans, outputs, kubeconfig, state bucket."""
