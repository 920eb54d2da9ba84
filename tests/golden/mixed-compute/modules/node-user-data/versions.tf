terraform {
  # No providers: the module only renders text, so it plans offline and needs no credentials.
  required_version = ">= 1.5.7"
}
