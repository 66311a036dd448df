variable "env" {
  type    = string
  default = "dev"
}

variable "admin_ports" {
  type    = list(number)
  default = []
}

variable "queues" {
  type = map(object({ encrypted = bool }))
  default = {
    orders  = { encrypted = true }
    billing = { encrypted = false }
  }
}
