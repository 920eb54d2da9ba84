module "eks" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = "batch"
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
      most_recent                 = true
      resolve_conflicts_on_create = "OVERWRITE"
      resolve_conflicts_on_update = "OVERWRITE"
    }
    eks-pod-identity-agent = {
      before_compute              = true
      most_recent                 = true
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

  # EKS managed node groups (launch templates in launch_templates.tf)
  eks_managed_node_groups = {
    system = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = ["m6i.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 2
      max_size       = 3
      desired_size   = 2
      subnet_ids     = local.private_subnet_ids
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.system.id
      launch_template_version    = aws_launch_template.system.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
  }

  # Self-managed node groups (node roles in node_iam.tf)
  self_managed_node_groups = {
    workers = {
      ami_type                    = "AL2023_x86_64_STANDARD"
      min_size                    = 0
      max_size                    = 30
      desired_size                = 2
      subnet_ids                  = local.private_subnet_ids
      create_launch_template      = false
      launch_template_id          = aws_launch_template.workers.id
      launch_template_version     = aws_launch_template.workers.latest_version
      create_iam_instance_profile = false
      iam_instance_profile_arn    = module.node_role_workers.instance_profile_arn
      iam_role_arn                = module.node_role_workers.arn
      create_access_entry         = true
      use_mixed_instances_policy  = true
      mixed_instances_policy = {
        instances_distribution = {
          on_demand_base_capacity                  = 1
          on_demand_percentage_above_base_capacity = 20
          spot_allocation_strategy                 = "price-capacity-optimized"
        }
        launch_template = {
          override = [
            {
              instance_type = "c6i.2xlarge"
            },
            {
              instance_type = "c6a.2xlarge"
            },
            {
              instance_type = "c5.2xlarge"
            },
          ]
        }
      }
      capacity_rebalance = true
    }
  }
}
