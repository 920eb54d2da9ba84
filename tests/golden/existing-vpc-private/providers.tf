provider "aws" {
  region = "eu-central-1"

  # Every resource gets these tags; node instances get theirs from the launch templates.
  default_tags {
    tags = {
      Team       = "payments"
      CostCenter = "4711"
      ManagedBy  = "ekstf"
      Cluster    = "payments"
    }
  }
}
