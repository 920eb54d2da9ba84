"""ekstf: generate, run, review and migrate Terraform for Amazon EKS."""

__version__ = "0.1.0"
