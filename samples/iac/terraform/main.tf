locals {
  prefix = "acme-${var.env}"
  tags   = merge({ team = "platform" }, { env = var.env })
}

# A bucket done right: every Block Public Access flag, versioning, and a
# policy that denies plain HTTP.
resource "aws_s3_bucket" "audit" {
  bucket = "${local.prefix}-audit"
  tags   = local.tags
}

resource "aws_s3_bucket_public_access_block" "audit" {
  bucket                  = aws_s3_bucket.audit.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_policy" "audit" {
  bucket = aws_s3_bucket.audit.id
  policy = data.aws_iam_policy_document.tls_only.json
}

data "aws_iam_policy_document" "tls_only" {
  statement {
    effect    = "Deny"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::${local.prefix}-audit/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = ["false"]
    }
  }
}

# A public website bucket: the ACL finding is accepted, with a reason.
# parapet:ignore AWS-S3-001,AWS-S3-005 static website, public by design (ticket SEC-42)
resource "aws_s3_bucket" "site" {
  bucket = "${local.prefix}-site"
}

resource "aws_s3_bucket_acl" "site" {
  bucket = aws_s3_bucket.site.id
  acl    = "public-read"
}

resource "aws_security_group" "bastion" {
  name        = "${local.prefix}-bastion"
  description = "admin access"

  dynamic "ingress" {
    for_each = toset(var.admin_ports)
    content {
      from_port   = ingress.value
      to_port     = ingress.value
      protocol    = "tcp"
      cidr_blocks = ["0.0.0.0/0"]
    }
  }
}

resource "aws_instance" "worker" {
  count                = 2
  ami                  = "ami-0123456789abcdef0"
  instance_type        = "t3.micro"
  iam_instance_profile = "worker"
  metadata_options {
    http_tokens = count.index == 0 ? "required" : "optional"
  }
}

resource "aws_sqs_queue" "jobs" {
  for_each                = var.queues
  name                    = "${local.prefix}-${each.key}"
  sqs_managed_sse_enabled = each.value.encrypted
}

module "database" {
  source = "./modules/database"
  name   = "${local.prefix}-db"
  public = var.env == "prod" ? false : true
}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}
