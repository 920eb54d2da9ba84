"""The ekstf package: generate, run, review and migrate Terraform for Amazon EKS.

The folder is `generator/` (the project's design card names it so); the distribution, the CLI, the environment
variables and the `.ekstf/` directory are all called ekstf.
"""

__version__ = "0.1.0"
