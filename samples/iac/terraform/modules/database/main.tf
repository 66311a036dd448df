variable "name" {}
variable "public" {
  default = false
}

resource "aws_db_instance" "main" {
  identifier          = var.name
  engine              = "postgres"
  instance_class      = "db.t3.micro"
  publicly_accessible = var.public
  storage_encrypted   = false
}

output "id" {
  value = aws_db_instance.main.id
}
