module "eks" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = "serverless"
  kubernetes_version = "1.34"

  # Network
  vpc_id                       = local.vpc_id
  subnet_ids                   = local.private_subnet_ids
  control_plane_subnet_ids     = local.control_plane_subnet_ids
  endpoint_public_access       = true
  endpoint_private_access      = true
  endpoint_public_access_cidrs = ["0.0.0.0/0"]
  ip_family                    = "ipv4"

  # Access: who can use the cluster (v21 gives nobody admin unless told to)
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = true

  # Control plane
  create_kms_key = true
  encryption_config = {
    resources = ["secrets"]
  }
  enabled_log_types                      = ["api", "audit", "authenticator"]
  cloudwatch_log_group_retention_in_days = 90
  enable_irsa                            = true

  # Addons
  addons = {
    coredns = {
      most_recent = true
      configuration_values = jsonencode({
        computeType = "Fargate"
      })
      resolve_conflicts_on_create = "OVERWRITE"
      resolve_conflicts_on_update = "OVERWRITE"
    }
    kube-proxy = {
      most_recent                 = true
      resolve_conflicts_on_create = "OVERWRITE"
      resolve_conflicts_on_update = "OVERWRITE"
    }
    vpc-cni = {
      before_compute              = true
      most_recent                 = true
      resolve_conflicts_on_create = "OVERWRITE"
      resolve_conflicts_on_update = "OVERWRITE"
    }
  }

  # Fargate
  fargate_profiles = {
    system = {
      selectors = [
        {
          namespace = "kube-system"
        },
      ]
      subnet_ids = local.private_subnet_ids
    }
    apps = {
      selectors = [
        {
          namespace = "apps"
        },
        {
          namespace = "jobs"
          labels = {
            runtime = "fargate"
          }
        },
      ]
      subnet_ids = local.private_subnet_ids
    }
  }
}
