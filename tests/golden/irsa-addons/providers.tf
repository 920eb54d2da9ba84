provider "aws" {
  region = "eu-west-1"

  # Every resource gets these tags; node instances get theirs from the launch templates.
  default_tags {
    tags = {
      ManagedBy = "ekstf"
      Cluster   = "platform"
    }
  }
}
