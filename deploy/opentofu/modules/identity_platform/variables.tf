variable "project_id" {
  description = "ID of the GCP project whose Identity Platform is configured (its ID tokens name https://securetoken.google.com/<project_id>)."
  type        = string
}

variable "authorized_domains" {
  description = "Domains allowed to run Identity Platform sign-in flows (the dashboard's public host, and localhost for development)."
  type        = list(string)
}

variable "idps" {
  description = "Sign-in providers to enable, by Identity Platform id (google.com, github.com): the OAuth client id and the Secret Manager secret ID that holds its client secret."
  type = map(object({
    client_id        = string
    client_secret_id = string
  }))
  default = {}

  validation {
    condition     = alltrue([for id in keys(var.idps) : contains(["google.com", "github.com"], id)])
    error_message = "Supported providers: google.com, github.com."
  }
}
