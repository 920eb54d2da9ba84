provider "aws" {
  region = "us-west-2"

  # Every resource gets these tags; node instances get theirs from the launch templates.
  default_tags {
    tags = {
      ManagedBy = "ekstf"
      Cluster   = "mixed"
    }
  }
}
