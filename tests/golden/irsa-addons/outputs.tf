output "region" {
  description = "AWS region of the cluster."
  value       = "eu-west-1"
}

output "cluster_name" {
  description = "Name of the EKS cluster."
  value       = module.eks.cluster_name
}

output "cluster_endpoint" {
  description = "Endpoint of the Kubernetes API."
  value       = module.eks.cluster_endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the cluster."
  value       = module.eks.cluster_certificate_authority_data
}

output "cluster_oidc_issuer_url" {
  description = "OIDC issuer URL of the cluster (IRSA)."
  value       = module.eks.cluster_oidc_issuer_url
}

output "oidc_provider_arn" {
  description = "ARN of the IAM OIDC provider IRSA roles trust."
  value       = module.eks.oidc_provider_arn
}

output "node_security_group_id" {
  description = "Security group of the nodes."
  value       = module.eks.node_security_group_id
}

output "eks_managed_node_group_role_arns" {
  description = "IAM role ARN of each managed node group."
  value       = { for k, v in module.eks.eks_managed_node_groups : k => v.iam_role_arn }
}

output "irsa_kube_system_aws_load_balancer_controller_role_arn" {
  description = "IRSA role of kube-system/aws-load-balancer-controller."
  value       = module.irsa_kube_system_aws_load_balancer_controller.arn
}

output "irsa_external_dns_external_dns_role_arn" {
  description = "IRSA role of external-dns/external-dns."
  value       = module.irsa_external_dns_external_dns.arn
}

output "pod_identity_orders_orders_api_role_arn" {
  description = "Pod Identity role of orders/orders-api."
  value       = module.pod_identity_orders_orders_api.arn
}

output "irsa_kube_system_ebs_csi_controller_sa_role_arn" {
  description = "IRSA role of kube-system/ebs-csi-controller-sa."
  value       = module.irsa_kube_system_ebs_csi_controller_sa.arn
}

output "kubeconfig_command" {
  description = "Run this to point kubectl at the cluster."
  value       = format("aws eks update-kubeconfig --region %s --name %s", "eu-west-1", module.eks.cluster_name)
}

output "service_account_manifests" {
  description = "ServiceAccounts with their role ARNs, for `kubectl apply -f -`."
  value = join("---\n", [
    yamlencode({
      apiVersion = "v1"
      kind       = "Namespace"
      metadata = {
        name = "external-dns"
      }
    }),
    yamlencode({
      apiVersion = "v1"
      kind       = "Namespace"
      metadata = {
        name = "orders"
      }
    }),
    yamlencode({
      apiVersion = "v1"
      kind       = "ServiceAccount"
      metadata = {
        name      = "aws-load-balancer-controller"
        namespace = "kube-system"
        annotations = {
          "eks.amazonaws.com/role-arn" = module.irsa_kube_system_aws_load_balancer_controller.arn
        }
      }
    }),
    yamlencode({
      apiVersion = "v1"
      kind       = "ServiceAccount"
      metadata = {
        name      = "external-dns"
        namespace = "external-dns"
        annotations = {
          "eks.amazonaws.com/role-arn" = module.irsa_external_dns_external_dns.arn
        }
      }
    }),
    yamlencode({
      apiVersion = "v1"
      kind       = "ServiceAccount"
      metadata = {
        name      = "orders-api"
        namespace = "orders"
      }
    }),
  ])
}
