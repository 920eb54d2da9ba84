provider "aws" {
  region = "us-east-1"

  # Every resource gets these tags; node instances get theirs from the launch templates.
  default_tags {
    tags = {
      ManagedBy = "ekstf"
      Cluster   = "serverless"
    }
  }
}
