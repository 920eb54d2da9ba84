# Node roles of the self-managed groups, with their instance profiles. They live outside module "eks" because the
# launch templates need the instance profile, and the module's own per-group role would make a dependency cycle.

module "node_role_workers" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  name                    = "batch-workers-node"
  use_name_prefix         = false
  description             = "Nodes of self-managed group workers"
  create_instance_profile = true

  trust_policy_permissions = {
    EC2AssumeRole = {
      actions = ["sts:AssumeRole"]
      principals = [{
        type        = "Service"
        identifiers = ["ec2.amazonaws.com"]
      }]
    }
  }

  policies = {
    AmazonEKSWorkerNodePolicy          = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    AmazonEC2ContainerRegistryPullOnly = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly"
    AmazonSSMManagedInstanceCore       = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
    AmazonEKS_CNI_Policy               = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
  }
}
