%{~ if false ~}
Given to terraform-aws-eks as `user_data_template_path` of a managed node group on a custom AMI whose launch
template ekstf writes (with the user data of this module). The EKS module renders its own user data even when it
creates no launch template, and with ami_type CUSTOM it needs a template path to do so; this one renders nothing.
%{~ endif ~}
