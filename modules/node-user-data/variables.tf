variable "ami_family" {
  description = "AMI family of the node group: al2023, bottlerocket, al2 or windows. Decides the user data format."
  type        = string

  validation {
    condition     = contains(["al2023", "bottlerocket", "al2", "windows"], var.ami_family)
    error_message = "ami_family must be one of: al2023, bottlerocket, al2, windows."
  }
}

variable "full_bootstrap" {
  description = <<-EOT
    true for a custom AMI or a self-managed node group: the user data carries the complete bootstrap configuration
    (cluster name, endpoint, CA, service CIDR, labels, taints, max pods). false for a managed node group on an
    EKS-optimized AMI: only the fragment EKS merges with its own user data (EKS supplies the cluster details and applies
    labels and taints itself).
  EOT
  type        = bool
  default     = false
  nullable    = false
}

variable "cluster_name" {
  description = "Name of the EKS cluster. Required when full_bootstrap is true."
  type        = string
  default     = ""
  nullable    = false
}

variable "cluster_endpoint" {
  description = "Endpoint URL of the cluster's Kubernetes API server. Required when full_bootstrap is true."
  type        = string
  default     = ""
  nullable    = false
}

variable "cluster_ca_data" {
  description = "Base64-encoded certificate authority data, as the EKS API returns it. Required when full_bootstrap is true."
  type        = string
  default     = ""
  nullable    = false
}

variable "cluster_service_cidr" {
  description = "Service CIDR of the cluster (the DNS address is its 10th host). Required when full_bootstrap is true."
  type        = string
  default     = ""
  nullable    = false
}

variable "pre_bootstrap_script" {
  description = "Script run before the node joins the cluster: shell on AL2023 and AL2, PowerShell on Windows. Not used on Bottlerocket."
  type        = string
  default     = ""
  nullable    = false
}

variable "bootstrap_script" {
  description = "Full bootstrap only: a script that replaces the bootstrap this module writes (eksctl's overrideBootstrapCommand). It runs after pre_bootstrap_script and must join the node to the cluster itself: shell on AL2023 and AL2 (no NodeConfig is written), PowerShell on Windows. Not used on Bottlerocket."
  type        = string
  default     = ""
  nullable    = false
}

variable "node_config" {
  description = "AL2023 only: a NodeConfig `spec` fragment merged into the NodeConfig this module writes (the fragment wins)."
  type        = any
  default     = {}
  nullable    = false

  validation {
    condition     = can(keys(var.node_config))
    error_message = "node_config must be an object: a NodeConfig spec fragment such as { kubelet = { config = { ... } } }."
  }
}

variable "kubelet_max_pods" {
  description = "Maximum number of pods the kubelet runs on the node. null keeps the AMI's default."
  type        = number
  default     = null

  validation {
    # compact() drops the null, so an unset value passes.
    condition     = alltrue([for value in compact([var.kubelet_max_pods]) : can(regex("^[1-9][0-9]*$", value))])
    error_message = "kubelet_max_pods must be a positive whole number (or null)."
  }
}

variable "kubelet_extra_config" {
  description = "AL2023 only: KubeletConfiguration fields (camelCase, as in kubelet's config file) for spec.kubelet.config."
  type        = any
  default     = {}
  nullable    = false

  validation {
    condition     = can(keys(var.kubelet_extra_config))
    error_message = "kubelet_extra_config must be an object of KubeletConfiguration fields, such as { shutdownGracePeriod = \"30s\" }."
  }
}

variable "node_labels" {
  description = "Kubernetes labels the node registers with. Used by full bootstrap only (EKS applies a managed group's labels)."
  type        = map(string)
  default     = {}
  nullable    = false
}

variable "node_taints" {
  description = "Taints the node registers with; effect is NoSchedule, NoExecute or PreferNoSchedule. Used by full bootstrap only."
  type = list(object({
    key    = string
    value  = string
    effect = string
  }))
  default  = []
  nullable = false

  validation {
    condition     = alltrue([for taint in var.node_taints : contains(["NoSchedule", "NoExecute", "PreferNoSchedule"], taint.effect)])
    error_message = "Each node_taints effect must be NoSchedule, NoExecute or PreferNoSchedule."
  }

  validation {
    condition     = alltrue([for taint in var.node_taints : can(regex("^\\S+$", taint.key))])
    error_message = "Each node_taints key must be non-empty and contain no whitespace."
  }
}

variable "bottlerocket_settings_toml" {
  description = "Bottlerocket only: extra TOML settings appended after the settings this module writes. Start it with a table header."
  type        = string
  default     = ""
  nullable    = false
}

variable "bootstrap_extra_args" {
  description = "AL2 with full bootstrap only: extra arguments appended, as written, to /etc/eks/bootstrap.sh."
  type        = string
  default     = ""
  nullable    = false
}
