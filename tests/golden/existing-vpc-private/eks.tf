module "eks" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/eks/aws"
  version = "21.19.0"

  name               = "payments"
  kubernetes_version = "1.33"

  # Network
  vpc_id                        = local.vpc_id
  subnet_ids                    = local.private_subnet_ids
  control_plane_subnet_ids      = local.control_plane_subnet_ids
  additional_security_group_ids = ["sg-0a1b2c3d4e5f60009"]
  endpoint_public_access        = false
  endpoint_private_access       = true
  ip_family                     = "ipv4"

  # Access: who can use the cluster (v21 gives nobody admin unless told to)
  authentication_mode                      = "API"
  enable_cluster_creator_admin_permissions = true
  access_entries = {
    role_platform_admins = {
      principal_arn = "arn:aws:iam::111122223333:role/platform-admins"
      policy_associations = {
        amazoneksclusteradminpolicy = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy"
          access_scope = {
            type = "cluster"
          }
        }
      }
    }
    role_payments_developers = {
      principal_arn = "arn:aws:iam::111122223333:role/payments-developers"
      policy_associations = {
        amazonekseditpolicy = {
          policy_arn = "arn:aws:eks::aws:cluster-access-policy/AmazonEKSEditPolicy"
          access_scope = {
            type       = "namespace"
            namespaces = ["payments"]
          }
        }
      }
    }
  }

  # Control plane
  create_kms_key = false
  encryption_config = {
    provider_key_arn = "arn:aws:kms:eu-central-1:111122223333:key/2f5c0a1e-6b7d-4c2e-9f1a-0c3d4e5f6a7b"
    resources        = ["secrets"]
  }
  enabled_log_types                      = ["api", "audit", "authenticator", "controllerManager", "scheduler"]
  cloudwatch_log_group_retention_in_days = 365
  enable_irsa                            = true
  upgrade_policy = {
    support_type = "STANDARD"
  }
  deletion_protection = true

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
    apps = {
      ami_type       = "AL2023_x86_64_STANDARD"
      instance_types = ["m7i.xlarge"]
      capacity_type  = "ON_DEMAND"
      min_size       = 3
      max_size       = 9
      desired_size   = 3
      subnet_ids     = local.private_subnet_ids
      labels = {
        workload = "apps"
      }
      update_config = {
        max_unavailable_percentage = 33
      }
      create_launch_template     = false
      use_custom_launch_template = true
      launch_template_id         = aws_launch_template.apps.id
      launch_template_version    = aws_launch_template.apps.latest_version
      iam_role_additional_policies = {
        AmazonSSMManagedInstanceCore = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"
      }
    }
  }
}
