module "vpc" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = "mixed"
  cidr = "10.20.0.0/16"
  azs  = ["us-west-2a", "us-west-2b", "us-west-2c"]

  # eksctl's layout: every subnet is the VPC prefix + 3, public subnets first, then private.
  public_subnets  = ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"]
  private_subnets = ["10.20.96.0/19", "10.20.128.0/19", "10.20.160.0/19"]

  # One NAT gateway per AZ: egress survives the loss of an AZ.
  enable_nat_gateway     = true
  one_nat_gateway_per_az = true

  enable_dns_hostnames = true
  enable_dns_support   = true

  # Load balancers find their subnets by these tags.
  public_subnet_tags = {
    "kubernetes.io/role/elb" = "1"
  }
  private_subnet_tags = {
    "kubernetes.io/role/internal-elb" = "1"
  }
}

locals {
  vpc_id                   = module.vpc.vpc_id
  private_subnet_ids       = module.vpc.private_subnets
  public_subnet_ids        = module.vpc.public_subnets
  control_plane_subnet_ids = module.vpc.private_subnets
}
