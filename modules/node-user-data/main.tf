# Renders the user data of one node group's launch template, in the format of its AMI family.
#
# An idiom used throughout: compact([x]) is [] when x is null or "" and [x] otherwise, so
# `for v in compact([x])` and formatlist("...%s...", compact([x])) emit a piece only when its input is set.

locals {
  mime_boundary = "==EKSTF-BOUNDARY=="
  shell_part    = "text/x-shellscript; charset=\"us-ascii\""

  # Blank inputs count as unset; otherwise only trailing newlines are dropped (the templates add their own).
  pre_script                 = can(regex("\\S", var.pre_bootstrap_script)) ? chomp(var.pre_bootstrap_script) : ""
  bottlerocket_settings_toml = can(regex("\\S", var.bottlerocket_settings_toml)) ? chomp(var.bottlerocket_settings_toml) : ""
  max_pods                   = one(compact([var.kubelet_max_pods])) # the number as a string, or null
  # A user's bootstrap replaces the one this module writes (full bootstrap only); blank counts as unset.
  override_script = var.full_bootstrap && can(regex("\\S", var.bootstrap_script)) ? chomp(var.bootstrap_script) : ""

  # The cluster DNS service is the 10th address of the service CIDR (IPv4 and IPv6 alike).
  cluster_dns_ip       = try(cidrhost(var.cluster_service_cidr, 10), "")
  service_cidr_is_ipv6 = strcontains(var.cluster_service_cidr, ":")

  # Inputs a full bootstrap cannot do without, each mapped to whether it is usable.
  cluster_input_checks = {
    for name, usable in {
      cluster_name         = can(regex("\\S", var.cluster_name))
      cluster_endpoint     = can(regex("^https://\\S+$", var.cluster_endpoint))
      cluster_ca_data      = can(regex("^[A-Za-z0-9+/]+={0,2}$", var.cluster_ca_data))
      cluster_service_cidr = can(cidrhost(var.cluster_service_cidr, 10))
    } : name => usable if var.full_bootstrap
  }
  unusable_cluster_inputs = [for name, usable in local.cluster_input_checks : name if !usable]

  # --- kubelet command-line flags (AL2023 NodeConfig flags, AL2 and Windows kubelet extra args) --------------------
  label_assignments = [for key, value in var.node_labels : "${key}=${value}"]
  # key=value:Effect, or key:Effect for a taint without a value.
  taint_specs = [for taint in var.node_taints : "${join("=", compact([taint.key, taint.value]))}:${taint.effect}"]
  registration_flags = concat(
    formatlist("--node-labels=%s", compact([join(",", local.label_assignments)])),
    formatlist("--register-with-taints=%s", compact([join(",", local.taint_specs)])),
  )
  kubelet_args = concat(local.registration_flags, formatlist("--max-pods=%s", compact([local.max_pods])))

  # A shell script part: the user's script as written if it names its interpreter, else run with bash.
  pre_script_parts = [
    for script in compact([local.pre_script]) : {
      content_type = local.shell_part
      body         = startswith(script, "#!") ? script : "#!/bin/bash\n${script}"
    }
  ]
  override_parts = [
    for script in compact([local.override_script]) : {
      content_type = local.shell_part
      body         = startswith(script, "#!") ? script : "#!/bin/bash\n${script}"
    }
  ]

  # --- AL2023: nodeadm NodeConfig in MIME multipart ------------------------------------------------------------------
  al2023_cluster = {
    name                 = var.cluster_name
    apiServerEndpoint    = var.cluster_endpoint
    certificateAuthority = var.cluster_ca_data
    cidr                 = var.cluster_service_cidr
  }
  al2023_kubelet_config = merge(
    var.kubelet_extra_config,
    { for value in compact([local.max_pods]) : "maxPods" => tonumber(value) },
    try(var.node_config.kubelet.config, {}),
  )
  al2023_kubelet_flags = concat(
    var.full_bootstrap ? local.registration_flags : [],
    try(var.node_config.kubelet.flags, []),
  )
  al2023_kubelet = merge(
    try(var.node_config.kubelet, {}),
    { for key, value in { config = local.al2023_kubelet_config } : key => value if length(value) > 0 },
    { for key, value in { flags = local.al2023_kubelet_flags } : key => value if length(value) > 0 },
  )
  # The user's fragment is merged one level deeper than merge() alone would: its cluster fields and kubelet
  # config keys override ours one by one, its kubelet flags are appended to ours.
  al2023_spec = merge(
    var.node_config,
    {
      for key, value in { cluster = merge(local.al2023_cluster, try(var.node_config.cluster, {})) } :
      key => value if var.full_bootstrap
    },
    { for key, value in { kubelet = local.al2023_kubelet } : key => value if length(value) > 0 },
  )
  al2023_parts = concat(
    [
      for spec in [local.al2023_spec] : {
        content_type = "application/node.eks.aws"
        body         = chomp("---\n${yamlencode({ apiVersion = "node.eks.aws/v1alpha1", kind = "NodeConfig", spec = spec })}")
      } if length(spec) > 0 && local.override_script == ""
    ],
    local.pre_script_parts,
    local.override_parts,
  )

  # --- AL2: /etc/eks/bootstrap.sh in a MIME multipart shell part --------------------------------------------------
  # Single-quoted for the shell: ' becomes '\''.
  al2_quoted = {
    for name, value in {
      cluster_name     = var.cluster_name
      cluster_endpoint = var.cluster_endpoint
      cluster_ca_data  = var.cluster_ca_data
      service_cidr     = var.cluster_service_cidr
      cluster_dns_ip   = local.cluster_dns_ip
      kubelet_args     = join(" ", local.kubelet_args)
    } : name => "'${replace(value, "'", "'\\''")}'"
  }
  al2_bootstrap_args = concat(
    [
      local.al2_quoted.cluster_name,
      "--b64-cluster-ca ${local.al2_quoted.cluster_ca_data}",
      "--apiserver-endpoint ${local.al2_quoted.cluster_endpoint}",
      local.service_cidr_is_ipv6
      ? "--ip-family ipv6 --service-ipv6-cidr ${local.al2_quoted.service_cidr}"
      : "--dns-cluster-ip ${local.al2_quoted.cluster_dns_ip}",
    ],
    # bootstrap.sh would otherwise also write its own max pods into the kubelet config.
    [for value in compact([local.max_pods]) : "--use-max-pods false"],
    [for args in compact([join(" ", local.kubelet_args)]) : "--kubelet-extra-args ${local.al2_quoted.kubelet_args}"],
    compact([trimspace(var.bootstrap_extra_args)]),
  )
  al2_full_script = join("\n", concat(
    ["#!/bin/bash", "set -o errexit"],
    compact([local.pre_script]),
    ["/etc/eks/bootstrap.sh ${join(" \\\n  ", local.al2_bootstrap_args)}"],
  ))
  al2_parts = (
    local.override_script != "" ? concat(local.pre_script_parts, local.override_parts)
    : var.full_bootstrap ? [{ content_type = local.shell_part, body = local.al2_full_script }]
    : local.pre_script_parts
  )

  # --- Bottlerocket: TOML settings ---------------------------------------------------------------------------------
  # TOML basic strings use JSON's escapes, so jsonencode() quotes keys and values safely.
  bottlerocket_tables = {
    "settings.kubernetes" = merge(
      {
        for key, value in {
          cluster-name        = var.cluster_name
          api-server          = var.cluster_endpoint
          cluster-certificate = var.cluster_ca_data
          cluster-dns-ip      = local.cluster_dns_ip
        } : key => jsonencode(value) if var.full_bootstrap
      },
      { for value in compact([local.max_pods]) : "max-pods" => value },
    )
    "settings.kubernetes.node-labels" = {
      for key, value in var.node_labels : jsonencode(key) => jsonencode(value) if var.full_bootstrap
    }
    # Bottlerocket maps each key to a list of "value:Effect" (":Effect" without a value), so one key may carry
    # several effects.
    "settings.kubernetes.node-taints" = {
      for key, specs in { for taint in var.node_taints : taint.key => "${taint.value}:${taint.effect}"... } :
      jsonencode(key) => jsonencode(specs) if var.full_bootstrap
    }
  }
  bottlerocket_sections = concat(
    flatten([
      for header, settings in local.bottlerocket_tables :
      formatlist("[${header}]\n%s", compact([join("\n", [for key, value in settings : "${key} = ${value}"])]))
    ]),
    compact([local.bottlerocket_settings_toml]),
  )

  # --- Windows: PowerShell -----------------------------------------------------------------------------------------
  # Single-quoted for PowerShell: ' becomes ''.
  windows_quoted = {
    for name, value in {
      cluster_name     = var.cluster_name
      cluster_endpoint = var.cluster_endpoint
      cluster_ca_data  = var.cluster_ca_data
      cluster_dns_ip   = local.cluster_dns_ip
      kubelet_args     = join(" ", local.kubelet_args)
    } : name => "'${replace(value, "'", "''")}'"
  }
  windows_bootstrap = [
    "[string]$EKSBootstrapScript = Join-Path $env:ProgramFiles 'Amazon\\EKS\\Start-EKSBootstrap.ps1'",
    join(" ", concat(
      [
        "& $EKSBootstrapScript",
        "-EKSClusterName ${local.windows_quoted.cluster_name}",
        "-APIServerEndpoint ${local.windows_quoted.cluster_endpoint}",
        "-Base64ClusterCA ${local.windows_quoted.cluster_ca_data}",
        "-DNSClusterIP ${local.windows_quoted.cluster_dns_ip}",
      ],
      [for args in compact([join(" ", local.kubelet_args)]) : "-KubeletExtraArgs ${local.windows_quoted.kubelet_args}"],
    )),
  ]
  windows_body = join("\n", concat(
    compact([local.pre_script]),
    local.override_script != "" ? [local.override_script] : var.full_bootstrap ? local.windows_bootstrap : [],
  ))

  # --- The selected family ------------------------------------------------------------------------------------------
  user_data_by_family = {
    al2023 = length(local.al2023_parts) > 0 ? templatefile("${path.module}/templates/mime-multipart.tpl", {
      boundary = local.mime_boundary
      parts    = local.al2023_parts
    }) : ""
    al2 = length(local.al2_parts) > 0 ? templatefile("${path.module}/templates/mime-multipart.tpl", {
      boundary = local.mime_boundary
      parts    = local.al2_parts
    }) : ""
    bottlerocket = join("", formatlist("%s\n", compact([join("\n\n", local.bottlerocket_sections)])))
    windows      = join("", [for body in compact([local.windows_body]) : templatefile("${path.module}/templates/windows.ps1.tpl", { body = body })])
  }
  user_data = local.user_data_by_family[var.ami_family]
}

# Inputs the chosen family has no place for are dropped; say so in plan output (a warning, not an error).
locals {
  inputs_used_by_family = {
    al2023 = concat(
      ["pre_bootstrap_script"],
      local.override_script != "" ? ["bootstrap_script"] : ["node_config", "kubelet_extra_config", "kubelet_max_pods"],
    )
    al2 = concat(
      ["pre_bootstrap_script"],
      local.override_script != "" ? ["bootstrap_script"] : var.full_bootstrap ? ["bootstrap_extra_args", "kubelet_max_pods"] : [],
    )
    bottlerocket = ["bottlerocket_settings_toml", "kubelet_max_pods"]
    windows = concat(
      ["pre_bootstrap_script"],
      local.override_script != "" ? ["bootstrap_script"] : var.full_bootstrap ? ["kubelet_max_pods"] : [],
    )
  }
  family_specific_inputs_set = {
    pre_bootstrap_script       = can(regex("\\S", var.pre_bootstrap_script))
    bootstrap_script           = can(regex("\\S", var.bootstrap_script))
    node_config                = length(var.node_config) > 0
    kubelet_extra_config       = length(var.kubelet_extra_config) > 0
    bottlerocket_settings_toml = can(regex("\\S", var.bottlerocket_settings_toml))
    bootstrap_extra_args       = can(regex("\\S", var.bootstrap_extra_args))
    kubelet_max_pods           = length(compact([local.max_pods])) > 0
  }
  ignored_inputs = [
    for name, set in local.family_specific_inputs_set :
    name if set && !contains(local.inputs_used_by_family[var.ami_family], name)
  ]
}

check "inputs_apply_to_ami_family" {
  assert {
    condition     = length(local.ignored_inputs) == 0
    error_message = "Ignored for ami_family = \"${var.ami_family}\" (full_bootstrap = ${var.full_bootstrap}): ${join(", ", local.ignored_inputs)}."
  }
}
