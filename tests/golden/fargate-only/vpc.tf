# The first 2 AZs the account can use in the region (opt-in zones excluded).
# Pin vpc.availabilityZones in the spec to keep them fixed.
data "aws_availability_zones" "available" {
  # checkov:skip=CKV_AWS_394: only the first N names are used (slice), so a new AZ does not change the VPC
  state = "available"

  filter {
    name   = "opt-in-status"
    values = ["opt-in-not-required"]
  }
}

module "vpc" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/vpc/aws"
  version = "6.6.0"

  name = "serverless"
  cidr = "10.0.0.0/16"
  azs  = slice(data.aws_availability_zones.available.names, 0, 2)

  # eksctl's layout: every subnet is the VPC prefix + 3, public subnets first, then private.
  public_subnets  = ["10.0.0.0/19", "10.0.32.0/19"]
  private_subnets = ["10.0.64.0/19", "10.0.96.0/19"]

  # One NAT gateway for the VPC (eksctl's default): cheap, but one AZ's outage cuts all egress.
  enable_nat_gateway = true
  single_nat_gateway = true

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
