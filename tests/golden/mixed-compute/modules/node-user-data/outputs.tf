output "user_data" {
  description = "The rendered user data as text; \"\" when the node group needs none."
  value       = local.user_data

  precondition {
    condition     = alltrue(values(local.cluster_input_checks))
    error_message = "full_bootstrap = true needs usable cluster details; missing or invalid: ${join(", ", local.unusable_cluster_inputs)} (cluster_endpoint must be an https:// URL, cluster_ca_data base64, cluster_service_cidr a CIDR block)."
  }
}

output "user_data_base64" {
  description = "The user data base64-encoded, ready for a launch template's user_data; null when the node group needs none."
  value       = one([for text in compact([local.user_data]) : base64encode(text)])

  precondition {
    condition     = alltrue(values(local.cluster_input_checks))
    error_message = "full_bootstrap = true needs usable cluster details; missing or invalid: ${join(", ", local.unusable_cluster_inputs)}."
  }
}
