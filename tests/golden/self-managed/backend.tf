# State stays on this machine. Use an S3 backend (terraform.backend in the spec) for anything shared.
terraform {
  backend "local" {
    path = "terraform.tfstate"
  }
}
