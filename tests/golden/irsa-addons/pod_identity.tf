# EKS Pod Identity: roles trusted by pods.eks.amazonaws.com, bound to one service account by an association.
# Needs the eks-pod-identity-agent addon.

module "pod_identity_orders_orders_api" {
  # checkov:skip=CKV_TF_1: registry module pinned to an exact version (ekstf's pin, overridable in the spec)
  source  = "terraform-aws-modules/iam/aws//modules/iam-role"
  version = "6.5.0"

  name            = "platform-orders-orders-api"
  use_name_prefix = false
  trust_policy_permissions = {
    PodIdentity = {
      actions = ["sts:AssumeRole", "sts:TagSession"]
      principals = [
        {
          type        = "Service"
          identifiers = ["pods.eks.amazonaws.com"]
        },
      ]
    }
  }
  policies = {
    policy_0 = "arn:aws:iam::aws:policy/AmazonDynamoDBReadOnlyAccess"
  }
  create_inline_policy = true
  inline_policy_permissions = {
    PublishOrderEvents = {
      effect    = "Allow"
      actions   = ["sns:Publish"]
      resources = ["arn:aws:sns:eu-west-1:111122223333:orders"]
    }
  }
}

resource "aws_eks_pod_identity_association" "orders_orders_api" {
  cluster_name    = module.eks.cluster_name
  namespace       = "orders"
  service_account = "orders-api"
  role_arn        = module.pod_identity_orders_orders_api.arn
}
