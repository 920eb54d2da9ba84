"""The sandbox: real Terraform and the real modules planned and applied against a simulated AWS (a provider double)."""
