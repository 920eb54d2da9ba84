# The cluster uses an existing VPC: ekstf reads it and never manages it.
data "aws_vpc" "this" {
  id = "vpc-0a1b2c3d4e5f67890"
}

locals {
  vpc_id                   = data.aws_vpc.this.id
  private_subnet_ids       = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]
  public_subnet_ids        = []
  control_plane_subnet_ids = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002", "subnet-0a1b2c3d4e5f60003"]
}
