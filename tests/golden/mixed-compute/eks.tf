module "eks" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = "mixed"
  kubernetes_version = "1.34"

  # Network
  vpc_id                       = local.vpc_id
  subnet_ids                   = local.private_subnet_ids
  control_plane_subnet_ids     = local.control_plane_subnet_ids
  endpoint_public_access       = true
  endpoint_private_access      = true
  endpoint_public_access_cidrs = ["203.0.113.0/24"]
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
      labels = {
        role = "system"
      }
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
    spot = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = ["m6i.xlarge", "m6a.xlarge", "m5.xlarge"]
      capacity_type  = "SPOT"
      min_size       = 0
      max_size       = 20
      desired_size   = 0
      subnet_ids     = local.private_subnet_ids
      labels = {
        capacity = "spot"
      }
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.spot.id
      launch_template_version    = aws_launch_template.spot.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
    graviton = {
      ami_type       = "AL2023_ARM_64_STANDARD"
      instance_types = ["m7g.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 1
      max_size       = 6
      desired_size   = 1
      subnet_ids     = [module.vpc.private_subnets[0], module.vpc.private_subnets[1]]
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.graviton.id
      launch_template_version    = aws_launch_template.graviton.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
    gpu = {
      ami_type       = "AL2023_x86_64_NVIDIA"
      instance_types = ["g5.xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 0
      max_size       = 2
      desired_size   = 0
      subnet_ids     = local.private_subnet_ids
      labels = {
        "nvidia.com/gpu.present" = "true"
      }
      taints = {
        "nvidia.com/gpu" = {
          key    = "nvidia.com/gpu"
          value  = "true"
          effect = "NO_SCHEDULE"
        }
      }
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.gpu.id
      launch_template_version    = aws_launch_template.gpu.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
    bottlerocket = {
      ami_type       = "BOTTLEROCKET_x86_64"
      instance_types = ["c6i.large"]
      capacity_type  = "ON_DEMAND"
      min_size       = 1
      max_size       = 3
      desired_size   = 1
      subnet_ids     = local.private_subnet_ids
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.bottlerocket.id
      launch_template_version    = aws_launch_template.bottlerocket.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
  }
}
