# State in S3 with S3-native locking (use_lockfile, Terraform >= 1.10); no DynamoDB table needed.
terraform {
  backend "s3" {
    bucket       = "payments-terraform-state"
    key          = "payments/terraform.tfstate"
    region       = "eu-central-1"
    encrypt      = true
    use_lockfile = true
  }
}
