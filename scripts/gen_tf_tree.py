#!/usr/bin/env python3
"""Generate a realistic, deterministic Terraform tree for IaC scanner benchmarks.

    python3 scripts/gen_tf_tree.py OUT_DIR [--files 1000] [--seed 7] [--lines-per-file 100]

Layout:

    OUT_DIR/modules/<name>/{main,variables,outputs,versions}.tf     local modules
    OUT_DIR/envs/<stage>-NNN/{main,variables,locals,outputs}.tf     root modules
    OUT_DIR/envs/<stage>-NNN/terraform.tfvars

Root modules mix direct AWS resources with calls of the local modules
(`source = "../../modules/<name>"`). About half of the resources are configured
securely and half insecurely (public S3 ACLs and policies, 0.0.0.0/0 on admin and
database ports, IMDSv1, unencrypted volumes/databases/queues/file systems, public
EKS endpoints, deprecated Lambda runtimes, unauthenticated function URLs, `*:*`
IAM policies, unrotated secrets, ...). The settings are written the ways real code
writes them: literals, variables with defaults overridden in terraform.tfvars,
locals, count, for_each over maps and sets, dynamic blocks, string templates,
conditionals and functions (merge, concat, lookup, format, length, toset,
jsonencode, element). The output is formatted as `terraform fmt` would format it
and is valid for `terraform validate` with the hashicorp/aws 5.x provider.

Resource and module names repeat across envs (every env has its `aws_s3_bucket.logs`
and its `module "audit_trail"`), as in real monorepos; --unique-names suffixes them
with the env name instead, so that no address repeats across root modules.

The tree is a pure function of (--files, --seed, --lines-per-file, --unique-names): same
arguments, byte-identical output. OUT_DIR must not exist or be empty
(use --force to replace an existing tree).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys

# --------------------------------------------------------------------------
# HCL rendering (formatted like `terraform fmt`)
# --------------------------------------------------------------------------


class Raw(str):
    """An HCL expression emitted verbatim (a reference, a function call...)."""


class JsonEncode:
    """jsonencode(<value>) with the value rendered as an HCL object/tuple."""

    def __init__(self, value):
        self.value = value


class Call:
    """fn(args...) where the last argument may be a multi-line object."""

    def __init__(self, name, *args):
        self.name = name
        self.args = args


IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _key(k):
    if isinstance(k, Raw):
        return str(k)
    return k if IDENT.match(k) else json.dumps(k)


def _scalar(v):
    if isinstance(v, Raw):
        return str(v)
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v)
    return None


def render(v, ind):
    """Render a value whose first line starts at the current position and whose
    continuation lines are indented relative to `ind` spaces."""
    s = _scalar(v)
    if s is not None:
        return s
    pad = " " * ind
    if isinstance(v, JsonEncode):
        return "jsonencode(" + render(v.value, ind) + ")"
    if isinstance(v, Call):
        parts = [render(a, ind) for a in v.args]
        return v.name + "(" + ", ".join(parts) + ")"
    if isinstance(v, list):
        items = [render(x, ind + 2) for x in v]
        one = "[" + ", ".join(items) + "]"
        if all("\n" not in i for i in items) and len(one) + ind < 100 and not any(
            isinstance(x, dict) for x in v
        ):
            return one
        lines = ["["]
        for i in items:
            lines.append(pad + "  " + i + ",")
        lines.append(pad + "]")
        return "\n".join(lines)
    if isinstance(v, dict):
        if not v:
            return "{}"
        rendered = [(_key(k), render(x, ind + 2)) for k, x in v.items()]
        if len(rendered) == 1 and "\n" not in rendered[0][1] and ind >= 6:
            k, x = rendered[0]
            one = "{ " + k + " = " + x + " }"
            if len(one) + ind < 90:
                return one
        lines = ["{"]
        lines.extend(_aligned(rendered, ind + 2))
        lines.append(pad + "}")
        return "\n".join(lines)
    raise TypeError(f"cannot render {type(v)}")


def _aligned(pairs, ind):
    """key = value lines; runs of single-line values share the column of `=`."""
    out = []
    pad = " " * ind
    run = []

    def flush():
        if run:
            w = max(len(k) for k, _ in run)
            for k, x in run:
                out.append(f"{pad}{k.ljust(w)} = {x}")
            run.clear()

    for k, x in pairs:
        if "\n" in x:
            flush()
            out.append(f"{pad}{k} = {x}")
        else:
            run.append((k, x))
    flush()
    return out


class Block:
    def __init__(self, btype, *labels):
        self.btype = btype
        self.labels = labels
        self.items = []

    def a(self, key, value):
        self.items.append(("attr", key, value))
        return self

    def b(self, child):
        self.items.append(("block", child))
        return child

    def nl(self):
        self.items.append(("blank",))
        return self

    def render(self, ind=0):
        pad = " " * ind
        head = self.btype + "".join(f' "{l}"' for l in self.labels)
        if not self.items:
            return [f"{pad}{head} {{}}"]
        lines = [f"{pad}{head} {{"]
        pend = []

        def flush():
            if pend:
                lines.extend(_aligned(pend, ind + 2))
                pend.clear()

        prev = None
        for it in self.items:
            if it[0] == "attr":
                if prev == "block":
                    flush()
                pend.append((_key(it[1]), render(it[2], ind + 2)))
            elif it[0] == "block":
                flush()
                if prev == "attr":
                    lines.append("")
                lines.extend(it[1].render(ind + 2))
            else:
                flush()
                lines.append("")
            prev = it[0] if it[0] != "blank" else None
        flush()
        # no blank line right before the closing brace
        while lines and lines[-1] == "":
            lines.pop()
        lines.append(f"{pad}}}")
        return lines


def file_text(blocks):
    chunks = []
    for b in blocks:
        if isinstance(b, str):
            chunks.append(b.rstrip("\n"))
        else:
            chunks.append("\n".join(b.render()))
    return "\n\n".join(chunks) + "\n"


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------

STAGES = ["dev", "staging", "prod", "sandbox", "qa", "perf"]
REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1"]
TEAMS = ["payments", "identity", "search", "checkout", "platform", "data", "growth", "risk", "ml", "media"]
BUCKET_WORDS = ["logs", "assets", "backups", "artifacts", "uploads", "reports", "media", "exports",
                "archive", "static", "invoices", "datalake", "snapshots", "images", "audit"]
APP_WORDS = ["api", "web", "worker", "batch", "gateway", "ingest", "scheduler", "bastion", "proxy", "etl"]
DB_WORDS = ["orders", "users", "ledger", "catalog", "sessions", "analytics", "billing", "inventory"]
FN_WORDS = ["resize", "notify", "webhook", "cleanup", "thumbnail", "export", "audit", "sync", "report"]
QUEUE_WORDS = ["events", "orders", "emails", "jobs", "alerts", "ingest", "billing", "audit"]
SECURE_RUNTIMES = ["python3.12", "python3.13", "python3.11", "nodejs20.x", "nodejs22.x", "java21", "provided.al2023"]
DEPRECATED_RUNTIMES = ["python3.7", "nodejs12.x", "python3.6", "nodejs14.x", "go1.x", "ruby2.7"]
ALL_EKS_LOGS = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

ASSUME_EC2 = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ],
}


def assume(service):
    return JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
        ],
    })


# --------------------------------------------------------------------------
# Local modules
# --------------------------------------------------------------------------


def var_block(name, vtype, default=..., description=None, sensitive=False, validation=None):
    b = Block("variable", name)
    if description:
        b.a("description", description)
    b.a("type", Raw(vtype))
    if default is not ...:
        b.a("default", default)
    if sensitive:
        b.a("sensitive", True)
    if validation:
        v = b.b(Block("validation"))
        v.a("condition", Raw(validation[0]))
        v.a("error_message", validation[1])
    return b


def output_block(name, value, description=None, sensitive=False):
    b = Block("output", name)
    if description:
        b.a("description", description)
    b.a("value", value)
    if sensitive:
        b.a("sensitive", True)
    return b


def versions_tf():
    t = Block("terraform")
    t.a("required_version", ">= 1.5.0")
    rp = t.b(Block("required_providers"))
    rp.a("aws", {"source": "hashicorp/aws", "version": ">= 5.0"})
    return file_text([t])


def module_s3_bucket():
    main = []
    b = Block("resource", "aws_s3_bucket", "this")
    b.a("bucket", Raw("var.name"))
    b.a("force_destroy", Raw("var.force_destroy"))
    b.a("tags", Raw('merge(var.tags, { Name = var.name })'))
    main.append(b)
    v = Block("resource", "aws_s3_bucket_versioning", "this")
    v.a("bucket", Raw("aws_s3_bucket.this.id"))
    v.b(Block("versioning_configuration")).a("status", Raw('var.versioning_enabled ? "Enabled" : "Suspended"'))
    main.append(v)
    e = Block("resource", "aws_s3_bucket_server_side_encryption_configuration", "this")
    e.a("count", Raw("var.sse_enabled ? 1 : 0"))
    e.nl()
    e.a("bucket", Raw("aws_s3_bucket.this.id"))
    r = e.b(Block("rule"))
    d = r.b(Block("apply_server_side_encryption_by_default"))
    d.a("sse_algorithm", Raw('var.kms_key_arn == null ? "AES256" : "aws:kms"'))
    d.a("kms_master_key_id", Raw("var.kms_key_arn"))
    r.a("bucket_key_enabled", Raw("var.kms_key_arn != null"))
    main.append(e)
    p = Block("resource", "aws_s3_bucket_public_access_block", "this")
    p.a("bucket", Raw("aws_s3_bucket.this.id"))
    p.nl()
    p.a("block_public_acls", Raw("var.block_public_access"))
    p.a("block_public_policy", Raw("var.block_public_access"))
    p.a("ignore_public_acls", Raw("var.block_public_access"))
    p.a("restrict_public_buckets", Raw("var.block_public_access"))
    main.append(p)
    o = Block("resource", "aws_s3_bucket_ownership_controls", "this")
    o.a("bucket", Raw("aws_s3_bucket.this.id"))
    o.b(Block("rule")).a("object_ownership", Raw('var.acl == "private" ? "BucketOwnerEnforced" : "BucketOwnerPreferred"'))
    main.append(o)
    acl = Block("resource", "aws_s3_bucket_acl", "this")
    acl.a("count", Raw('var.acl == "private" ? 0 : 1'))
    acl.nl()
    acl.a("bucket", Raw("aws_s3_bucket.this.id"))
    acl.a("acl", Raw("var.acl"))
    acl.nl()
    acl.a("depends_on", [Raw("aws_s3_bucket_ownership_controls.this")])
    main.append(acl)
    loc = Block("locals")
    loc.a("tls_statements", Raw('var.enforce_tls ? [local.deny_insecure_transport] : []'))
    loc.a("deny_insecure_transport", {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [Raw("aws_s3_bucket.this.arn"), "${aws_s3_bucket.this.arn}/*"],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    })
    loc.a("public_read_statements", Raw(
        '[for prefix in var.public_read_prefixes : {\n'
        '    Sid       = "PublicRead${replace(prefix, "/", "")}"\n'
        '    Effect    = "Allow"\n'
        '    Principal = "*"\n'
        '    Action    = "s3:GetObject"\n'
        '    Resource  = "${aws_s3_bucket.this.arn}/${prefix}*"\n'
        '  }]'))
    main.append(loc)
    pol = Block("resource", "aws_s3_bucket_policy", "this")
    pol.a("count", Raw("var.enforce_tls || length(var.public_read_prefixes) > 0 ? 1 : 0"))
    pol.nl()
    pol.a("bucket", Raw("aws_s3_bucket.this.id"))
    pol.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": Raw("concat(local.tls_statements, local.public_read_statements)"),
    }))
    pol.nl()
    pol.a("depends_on", [Raw("aws_s3_bucket_public_access_block.this")])
    main.append(pol)

    variables = [
        var_block("name", "string", description="Globally unique bucket name."),
        var_block("tags", "map(string)", {}, "Tags for every resource."),
        var_block("force_destroy", "bool", False),
        var_block("versioning_enabled", "bool", True, "Keep every object version."),
        var_block("sse_enabled", "bool", True, "Configure default server-side encryption."),
        var_block("kms_key_arn", "string", None, "KMS key for SSE-KMS; null means SSE-S3 (AES256)."),
        var_block("block_public_access", "bool", True, "Turn on all four S3 Block Public Access settings."),
        var_block("acl", "string", "private", "Canned ACL; anything but private creates an aws_s3_bucket_acl.",
                  validation=('contains(["private", "public-read", "public-read-write", "authenticated-read", "log-delivery-write"], var.acl)',
                              "Unsupported canned ACL.")),
        var_block("enforce_tls", "bool", True, "Deny requests that do not use TLS."),
        var_block("public_read_prefixes", "list(string)", [], "Key prefixes readable by anyone."),
    ]
    outputs = [
        output_block("id", Raw("aws_s3_bucket.this.id")),
        output_block("arn", Raw("aws_s3_bucket.this.arn")),
        output_block("bucket_regional_domain_name", Raw("aws_s3_bucket.this.bucket_regional_domain_name")),
    ]
    return main, variables, outputs


def module_security_group():
    sg = Block("resource", "aws_security_group", "this")
    sg.a("name", Raw("var.name"))
    sg.a("description", Raw("var.description"))
    sg.a("vpc_id", Raw("var.vpc_id"))
    dyn = sg.b(Block("dynamic", "ingress"))
    dyn.a("for_each", Raw("var.ingress_rules"))
    c = dyn.b(Block("content"))
    c.a("description", Raw("ingress.key"))
    c.a("from_port", Raw("ingress.value.port"))
    c.a("to_port", Raw('lookup(ingress.value, "to_port", null) != null ? ingress.value.to_port : ingress.value.port'))
    c.a("protocol", Raw("ingress.value.protocol"))
    c.a("cidr_blocks", Raw("ingress.value.cidrs"))
    dyn2 = sg.b(Block("dynamic", "egress"))
    dyn2.a("for_each", Raw("var.allow_all_egress ? [1] : []"))
    c2 = dyn2.b(Block("content"))
    c2.a("description", "All egress")
    c2.a("from_port", 0)
    c2.a("to_port", 0)
    c2.a("protocol", "-1")
    c2.a("cidr_blocks", ["0.0.0.0/0"])
    sg.nl()
    sg.a("tags", Raw("merge(var.tags, { Name = var.name })"))
    sg.nl()
    sg.b(Block("lifecycle")).a("create_before_destroy", True)
    variables = [
        var_block("name", "string"),
        var_block("description", "string", "Managed by Terraform"),
        var_block("vpc_id", "string"),
        var_block("ingress_rules", "map(object({\n    port     = number\n    to_port  = optional(number)\n    protocol = string\n    cidrs    = list(string)\n  }))", {},
                  "Ingress rules keyed by description."),
        var_block("allow_all_egress", "bool", True),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("id", Raw("aws_security_group.this.id")),
        output_block("arn", Raw("aws_security_group.this.arn")),
    ]
    return [sg], variables, outputs


def module_ec2_app():
    main = []
    role = Block("resource", "aws_iam_role", "this")
    role.a("count", Raw("var.create_instance_profile ? 1 : 0"))
    role.nl()
    role.a("name", Raw('"${var.name}-instance"'))
    role.a("assume_role_policy", JsonEncode(ASSUME_EC2))
    role.a("tags", Raw("var.tags"))
    main.append(role)
    att = Block("resource", "aws_iam_role_policy_attachment", "ssm")
    att.a("count", Raw("var.create_instance_profile ? 1 : 0"))
    att.nl()
    att.a("role", Raw("aws_iam_role.this[0].name"))
    att.a("policy_arn", "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore")
    main.append(att)
    prof = Block("resource", "aws_iam_instance_profile", "this")
    prof.a("count", Raw("var.create_instance_profile ? 1 : 0"))
    prof.nl()
    prof.a("name", Raw('"${var.name}-instance"'))
    prof.a("role", Raw("aws_iam_role.this[0].name"))
    main.append(prof)
    inst = Block("resource", "aws_instance", "this")
    inst.a("count", Raw("var.instance_count"))
    inst.nl()
    inst.a("ami", Raw("var.ami_id"))
    inst.a("instance_type", Raw("var.instance_type"))
    inst.a("subnet_id", Raw("element(var.subnet_ids, count.index)"))
    inst.a("vpc_security_group_ids", Raw("var.security_group_ids"))
    inst.a("iam_instance_profile", Raw("var.create_instance_profile ? aws_iam_instance_profile.this[0].name : null"))
    inst.a("monitoring", True)
    inst.a("ebs_optimized", True)
    m = inst.b(Block("metadata_options"))
    m.a("http_endpoint", "enabled")
    m.a("http_tokens", Raw('var.require_imdsv2 ? "required" : "optional"'))
    m.a("http_put_response_hop_limit", 1)
    rb = inst.b(Block("root_block_device"))
    rb.a("volume_type", "gp3")
    rb.a("volume_size", Raw("var.root_volume_size"))
    rb.a("encrypted", Raw("var.encrypt_volumes"))
    inst.nl()
    inst.a("tags", Raw('merge(var.tags, { Name = format("%s-%02d", var.name, count.index + 1) })'))
    main.append(inst)
    vol = Block("resource", "aws_ebs_volume", "data")
    vol.a("count", Raw("var.data_volume_size > 0 ? var.instance_count : 0"))
    vol.nl()
    vol.a("availability_zone", Raw("aws_instance.this[count.index].availability_zone"))
    vol.a("size", Raw("var.data_volume_size"))
    vol.a("type", "gp3")
    vol.a("encrypted", Raw("var.encrypt_volumes"))
    vol.a("kms_key_id", Raw("var.kms_key_arn"))
    vol.a("tags", Raw('merge(var.tags, { Name = "${var.name}-data-${count.index}" })'))
    main.append(vol)
    va = Block("resource", "aws_volume_attachment", "data")
    va.a("count", Raw("length(aws_ebs_volume.data)"))
    va.nl()
    va.a("device_name", "/dev/sdf")
    va.a("volume_id", Raw("aws_ebs_volume.data[count.index].id"))
    va.a("instance_id", Raw("aws_instance.this[count.index].id"))
    main.append(va)
    variables = [
        var_block("name", "string"),
        var_block("ami_id", "string"),
        var_block("instance_type", "string", "t3.micro"),
        var_block("instance_count", "number", 1),
        var_block("subnet_ids", "list(string)"),
        var_block("security_group_ids", "list(string)", []),
        var_block("create_instance_profile", "bool", True),
        var_block("require_imdsv2", "bool", True, "Require session tokens (IMDSv2)."),
        var_block("encrypt_volumes", "bool", True),
        var_block("kms_key_arn", "string", None),
        var_block("root_volume_size", "number", 20),
        var_block("data_volume_size", "number", 0, "Size in GiB of an extra data volume; 0 for none."),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("instance_ids", Raw("aws_instance.this[*].id")),
        output_block("private_ips", Raw("aws_instance.this[*].private_ip")),
    ]
    return main, variables, outputs


def module_rds_postgres():
    sng = Block("resource", "aws_db_subnet_group", "this")
    sng.a("name", Raw("var.identifier"))
    sng.a("subnet_ids", Raw("var.subnet_ids"))
    sng.a("tags", Raw("var.tags"))
    pg = Block("resource", "aws_db_parameter_group", "this")
    pg.a("name", Raw('"${var.identifier}-pg${split(".", var.engine_version)[0]}"'))
    pg.a("family", Raw('"postgres${split(".", var.engine_version)[0]}"'))
    p = pg.b(Block("parameter"))
    p.a("name", "log_min_duration_statement")
    p.a("value", "1000")
    p2 = pg.b(Block("parameter"))
    p2.a("name", "rds.force_ssl")
    p2.a("value", "1")
    db = Block("resource", "aws_db_instance", "this")
    db.a("identifier", Raw("var.identifier"))
    db.a("engine", "postgres")
    db.a("engine_version", Raw("var.engine_version"))
    db.a("instance_class", Raw("var.instance_class"))
    db.a("allocated_storage", Raw("var.allocated_storage"))
    db.a("max_allocated_storage", Raw("var.allocated_storage * 4"))
    db.a("db_name", Raw('replace(var.identifier, "-", "_")'))
    db.a("username", "dbadmin")
    db.a("manage_master_user_password", True)
    db.a("db_subnet_group_name", Raw("aws_db_subnet_group.this.name"))
    db.a("parameter_group_name", Raw("aws_db_parameter_group.this.name"))
    db.a("vpc_security_group_ids", Raw("var.security_group_ids"))
    db.nl()
    db.a("storage_encrypted", Raw("var.storage_encrypted"))
    db.a("kms_key_id", Raw("var.storage_encrypted ? var.kms_key_arn : null"))
    db.a("publicly_accessible", Raw("var.publicly_accessible"))
    db.a("auto_minor_version_upgrade", Raw("var.auto_minor_version_upgrade"))
    db.a("multi_az", Raw("var.multi_az"))
    db.a("backup_retention_period", Raw("var.backup_retention_period"))
    db.a("deletion_protection", Raw("var.deletion_protection"))
    db.a("skip_final_snapshot", Raw("!var.deletion_protection"))
    db.a("copy_tags_to_snapshot", True)
    db.a("iam_database_authentication_enabled", True)
    db.a("performance_insights_enabled", True)
    db.a("enabled_cloudwatch_logs_exports", ["postgresql", "upgrade"])
    db.nl()
    db.a("tags", Raw("var.tags"))
    variables = [
        var_block("identifier", "string"),
        var_block("engine_version", "string", "16.3"),
        var_block("instance_class", "string", "db.t4g.medium"),
        var_block("allocated_storage", "number", 50),
        var_block("subnet_ids", "list(string)"),
        var_block("security_group_ids", "list(string)", []),
        var_block("storage_encrypted", "bool", True),
        var_block("kms_key_arn", "string", None),
        var_block("publicly_accessible", "bool", False),
        var_block("auto_minor_version_upgrade", "bool", True),
        var_block("multi_az", "bool", False),
        var_block("backup_retention_period", "number", 7),
        var_block("deletion_protection", "bool", True),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("endpoint", Raw("aws_db_instance.this.endpoint")),
        output_block("arn", Raw("aws_db_instance.this.arn")),
        output_block("master_user_secret_arn", Raw("try(aws_db_instance.this.master_user_secret[0].secret_arn, null)")),
    ]
    return [sng, pg, db], variables, outputs


def module_audit_trail():
    main = []
    main.append(Block("data", "aws_caller_identity", "current"))
    main.append(Block("data", "aws_partition", "current"))
    kms = Block("resource", "aws_kms_key", "trail")
    kms.a("count", Raw("var.use_kms ? 1 : 0"))
    kms.nl()
    kms.a("description", Raw('"CloudTrail ${var.name}"'))
    kms.a("enable_key_rotation", Raw("var.kms_key_rotation"))
    kms.a("deletion_window_in_days", 30)
    kms.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AccountAdmin",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root"},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudTrailEncrypt",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": ["kms:GenerateDataKey*", "kms:DescribeKey"],
                "Resource": "*",
            },
        ],
    }))
    main.append(kms)
    bucket = Block("resource", "aws_s3_bucket", "trail")
    bucket.a("bucket", Raw('"${var.name}-cloudtrail-${data.aws_caller_identity.current.account_id}"'))
    bucket.a("tags", Raw("var.tags"))
    main.append(bucket)
    pab = Block("resource", "aws_s3_bucket_public_access_block", "trail")
    pab.a("bucket", Raw("aws_s3_bucket.trail.id"))
    pab.nl()
    for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
        pab.a(k, True)
    main.append(pab)
    ver = Block("resource", "aws_s3_bucket_versioning", "trail")
    ver.a("bucket", Raw("aws_s3_bucket.trail.id"))
    ver.b(Block("versioning_configuration")).a("status", "Enabled")
    main.append(ver)
    sse = Block("resource", "aws_s3_bucket_server_side_encryption_configuration", "trail")
    sse.a("bucket", Raw("aws_s3_bucket.trail.id"))
    d = sse.b(Block("rule")).b(Block("apply_server_side_encryption_by_default"))
    d.a("sse_algorithm", Raw('var.use_kms ? "aws:kms" : "AES256"'))
    d.a("kms_master_key_id", Raw("var.use_kms ? aws_kms_key.trail[0].arn : null"))
    main.append(sse)
    pol = Block("resource", "aws_s3_bucket_policy", "trail")
    pol.a("bucket", Raw("aws_s3_bucket.trail.id"))
    pol.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "AWSCloudTrailAclCheck",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:GetBucketAcl",
                "Resource": Raw("aws_s3_bucket.trail.arn"),
            },
            {
                "Sid": "AWSCloudTrailWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": "${aws_s3_bucket.trail.arn}/AWSLogs/${data.aws_caller_identity.current.account_id}/*",
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
            },
            {
                "Sid": "DenyInsecureTransport",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": [Raw("aws_s3_bucket.trail.arn"), "${aws_s3_bucket.trail.arn}/*"],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}},
            },
        ],
    }))
    main.append(pol)
    ct = Block("resource", "aws_cloudtrail", "this")
    ct.a("name", Raw("var.name"))
    ct.a("s3_bucket_name", Raw("aws_s3_bucket.trail.id"))
    ct.a("include_global_service_events", True)
    ct.a("is_multi_region_trail", Raw("var.multi_region"))
    ct.a("enable_log_file_validation", Raw("var.log_file_validation"))
    ct.a("enable_logging", Raw("var.enable_logging"))
    ct.a("kms_key_id", Raw("var.use_kms ? aws_kms_key.trail[0].arn : null"))
    es = ct.b(Block("event_selector"))
    es.a("read_write_type", "All")
    es.a("include_management_events", True)
    dr = es.b(Block("data_resource"))
    dr.a("type", "AWS::S3::Object")
    dr.a("values", ["arn:aws:s3"])
    ct.nl()
    ct.a("tags", Raw("var.tags"))
    ct.a("depends_on", [Raw("aws_s3_bucket_policy.trail")])
    main.append(ct)
    variables = [
        var_block("name", "string"),
        var_block("multi_region", "bool", True),
        var_block("log_file_validation", "bool", True),
        var_block("enable_logging", "bool", True),
        var_block("use_kms", "bool", True),
        var_block("kms_key_rotation", "bool", True),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("trail_arn", Raw("aws_cloudtrail.this.arn")),
        output_block("bucket", Raw("aws_s3_bucket.trail.id")),
    ]
    return main, variables, outputs


def module_messaging():
    main = [Block("data", "aws_caller_identity", "current")]
    dlq = Block("resource", "aws_sqs_queue", "dlq")
    dlq.a("name", Raw('"${var.name}-dlq"'))
    dlq.a("message_retention_seconds", 1209600)
    dlq.a("kms_master_key_id", Raw("var.kms_key_id"))
    dlq.a("sqs_managed_sse_enabled", Raw("var.kms_key_id == null ? var.sqs_managed_sse : null"))
    dlq.a("tags", Raw("var.tags"))
    main.append(dlq)
    q = Block("resource", "aws_sqs_queue", "this")
    q.a("name", Raw("var.name"))
    q.a("visibility_timeout_seconds", Raw("var.visibility_timeout"))
    q.a("kms_master_key_id", Raw("var.kms_key_id"))
    q.a("sqs_managed_sse_enabled", Raw("var.kms_key_id == null ? var.sqs_managed_sse : null"))
    q.a("redrive_policy", JsonEncode({"deadLetterTargetArn": Raw("aws_sqs_queue.dlq.arn"), "maxReceiveCount": 5}))
    q.a("tags", Raw("var.tags"))
    main.append(q)
    t = Block("resource", "aws_sns_topic", "this")
    t.a("name", Raw("var.name"))
    t.a("kms_master_key_id", Raw('var.kms_key_id != null ? var.kms_key_id : "alias/aws/sns"'))
    t.a("tags", Raw("var.tags"))
    main.append(t)
    tp = Block("resource", "aws_sns_topic_policy", "this")
    tp.a("arn", Raw("aws_sns_topic.this.arn"))
    tp.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Publish",
                "Effect": "Allow",
                "Principal": Raw('var.public_topic ? { AWS = "*" } : { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }'),
                "Action": ["sns:Publish", "sns:Subscribe"],
                "Resource": Raw("aws_sns_topic.this.arn"),
            }
        ],
    }))
    main.append(tp)
    sub = Block("resource", "aws_sns_topic_subscription", "queue")
    sub.a("topic_arn", Raw("aws_sns_topic.this.arn"))
    sub.a("protocol", "sqs")
    sub.a("endpoint", Raw("aws_sqs_queue.this.arn"))
    main.append(sub)
    qp = Block("resource", "aws_sqs_queue_policy", "this")
    qp.a("queue_url", Raw("aws_sqs_queue.this.id"))
    qp.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "FromTopic",
                "Effect": "Allow",
                "Principal": {"Service": "sns.amazonaws.com"},
                "Action": "sqs:SendMessage",
                "Resource": Raw("aws_sqs_queue.this.arn"),
                "Condition": {"ArnEquals": {"aws:SourceArn": Raw("aws_sns_topic.this.arn")}},
            }
        ],
    }))
    main.append(qp)
    variables = [
        var_block("name", "string"),
        var_block("kms_key_id", "string", None, "KMS key for SQS and SNS; null for SSE-SQS / the AWS managed SNS key."),
        var_block("sqs_managed_sse", "bool", True),
        var_block("public_topic", "bool", False, "Let any AWS principal publish and subscribe."),
        var_block("visibility_timeout", "number", 60),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("queue_url", Raw("aws_sqs_queue.this.id")),
        output_block("queue_arn", Raw("aws_sqs_queue.this.arn")),
        output_block("topic_arn", Raw("aws_sns_topic.this.arn")),
    ]
    return main, variables, outputs


def module_eks_cluster():
    role = Block("resource", "aws_iam_role", "cluster")
    role.a("name", Raw('"${var.name}-eks-cluster"'))
    role.a("assume_role_policy", assume("eks.amazonaws.com"))
    role.a("tags", Raw("var.tags"))
    att = Block("resource", "aws_iam_role_policy_attachment", "cluster")
    att.a("role", Raw("aws_iam_role.cluster.name"))
    att.a("policy_arn", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
    lg = Block("resource", "aws_cloudwatch_log_group", "cluster")
    lg.a("name", Raw('"/aws/eks/${var.name}/cluster"'))
    lg.a("retention_in_days", 90)
    c = Block("resource", "aws_eks_cluster", "this")
    c.a("name", Raw("var.name"))
    c.a("role_arn", Raw("aws_iam_role.cluster.arn"))
    c.a("version", Raw("var.kubernetes_version"))
    c.a("enabled_cluster_log_types", Raw("var.cluster_log_types"))
    vc = c.b(Block("vpc_config"))
    vc.a("subnet_ids", Raw("var.subnet_ids"))
    vc.a("endpoint_private_access", True)
    vc.a("endpoint_public_access", Raw("var.endpoint_public_access"))
    vc.a("public_access_cidrs", Raw("var.endpoint_public_access ? var.public_access_cidrs : null"))
    ec = c.b(Block("encryption_config"))
    ec.a("resources", ["secrets"])
    ec.b(Block("provider")).a("key_arn", Raw("var.secrets_kms_key_arn"))
    c.nl()
    c.a("tags", Raw("var.tags"))
    c.a("depends_on", [Raw("aws_iam_role_policy_attachment.cluster"), Raw("aws_cloudwatch_log_group.cluster")])
    variables = [
        var_block("name", "string"),
        var_block("kubernetes_version", "string", "1.30"),
        var_block("subnet_ids", "list(string)"),
        var_block("endpoint_public_access", "bool", False),
        var_block("public_access_cidrs", "list(string)", ["0.0.0.0/0"]),
        var_block("cluster_log_types", "list(string)", ["api", "audit", "authenticator"]),
        var_block("secrets_kms_key_arn", "string"),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("endpoint", Raw("aws_eks_cluster.this.endpoint")),
        output_block("cluster_name", Raw("aws_eks_cluster.this.name")),
    ]
    return [role, att, lg, c], variables, outputs


def module_lambda_api():
    role = Block("resource", "aws_iam_role", "lambda")
    role.a("name", Raw('"${var.name}-lambda"'))
    role.a("assume_role_policy", assume("lambda.amazonaws.com"))
    role.a("tags", Raw("var.tags"))
    att = Block("resource", "aws_iam_role_policy_attachment", "basic")
    att.a("role", Raw("aws_iam_role.lambda.name"))
    att.a("policy_arn", "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole")
    fn = Block("resource", "aws_lambda_function", "this")
    fn.a("function_name", Raw("var.name"))
    fn.a("role", Raw("aws_iam_role.lambda.arn"))
    fn.a("runtime", Raw("var.runtime"))
    fn.a("handler", Raw("var.handler"))
    fn.a("s3_bucket", Raw("var.artifact_bucket"))
    fn.a("s3_key", Raw('"lambda/${var.name}.zip"'))
    fn.a("memory_size", Raw("var.memory_size"))
    fn.a("timeout", 30)
    env = fn.b(Block("environment"))
    env.a("variables", Raw('merge(var.environment, { LOG_LEVEL = "info" })'))
    fn.b(Block("tracing_config")).a("mode", "Active")
    fn.nl()
    fn.a("tags", Raw("var.tags"))
    url = Block("resource", "aws_lambda_function_url", "this")
    url.a("count", Raw("var.create_function_url ? 1 : 0"))
    url.nl()
    url.a("function_name", Raw("aws_lambda_function.this.function_name"))
    url.a("authorization_type", Raw("var.url_authorization_type"))
    cors = url.b(Block("cors"))
    cors.a("allow_origins", Raw("var.allowed_origins"))
    cors.a("allow_methods", ["GET", "POST"])
    cors.a("max_age", 300)
    variables = [
        var_block("name", "string"),
        var_block("runtime", "string", "python3.12"),
        var_block("handler", "string", "app.handler"),
        var_block("artifact_bucket", "string"),
        var_block("memory_size", "number", 256),
        var_block("environment", "map(string)", {}),
        var_block("create_function_url", "bool", False),
        var_block("url_authorization_type", "string", "AWS_IAM",
                  validation=('contains(["NONE", "AWS_IAM"], var.url_authorization_type)', "NONE or AWS_IAM.")),
        var_block("allowed_origins", "list(string)", ["https://example.com"]),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("function_arn", Raw("aws_lambda_function.this.arn")),
        output_block("function_url", Raw("try(aws_lambda_function_url.this[0].function_url, null)")),
    ]
    return [role, att, fn, url], variables, outputs


def module_iam_baseline():
    main = [Block("data", "aws_caller_identity", "current")]
    loc = Block("locals")
    loc.a("admin_statement", {"Sid": "Admin", "Effect": "Allow", "Action": "*", "Resource": "*"})
    loc.a("deploy_statement", {
        "Sid": "Deploy",
        "Effect": "Allow",
        "Action": ["s3:GetObject", "s3:PutObject", "lambda:UpdateFunctionCode", "ecs:UpdateService"],
        "Resource": Raw("var.deploy_resources"),
    })
    loc.a("s3_wildcard_statement", {"Sid": "S3All", "Effect": "Allow", "Action": "s3:*", "Resource": "*"})
    loc.a("users", Raw("toset(concat(var.admin_users, var.readonly_users))"))
    main.append(loc)
    pol = Block("resource", "aws_iam_policy", "deploy")
    pol.a("name", Raw('"${var.name_prefix}-deploy"'))
    pol.a("description", "Deployment pipeline permissions")
    pol.a("policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": Raw("concat([local.deploy_statement], var.grant_full_admin ? [local.admin_statement] : [], var.s3_wildcard ? [local.s3_wildcard_statement] : [])"),
    }))
    main.append(pol)
    role = Block("resource", "aws_iam_role", "deploy")
    role.a("name", Raw('"${var.name_prefix}-deploy"'))
    role.a("assume_role_policy", JsonEncode({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": Raw('var.trust_any_principal ? "*" : "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"')},
                "Action": "sts:AssumeRole",
            }
        ],
    }))
    main.append(role)
    ra = Block("resource", "aws_iam_role_policy_attachment", "deploy")
    ra.a("role", Raw("aws_iam_role.deploy.name"))
    ra.a("policy_arn", Raw("aws_iam_policy.deploy.arn"))
    main.append(ra)
    users = Block("resource", "aws_iam_user", "this")
    users.a("for_each", Raw("local.users"))
    users.nl()
    users.a("name", Raw("each.value"))
    users.a("force_destroy", True)
    users.a("tags", Raw('merge(var.tags, { Role = contains(var.admin_users, each.value) ? "admin" : "readonly" })'))
    main.append(users)
    grp = Block("resource", "aws_iam_group", "admins")
    grp.a("name", Raw('"${var.name_prefix}-admins"'))
    main.append(grp)
    gpa = Block("resource", "aws_iam_group_policy_attachment", "admins")
    gpa.a("group", Raw("aws_iam_group.admins.name"))
    gpa.a("policy_arn", "arn:aws:iam::aws:policy/AdministratorAccess")
    main.append(gpa)
    gm = Block("resource", "aws_iam_group_membership", "admins")
    gm.a("name", Raw('"${var.name_prefix}-admins"'))
    gm.a("group", Raw("aws_iam_group.admins.name"))
    gm.a("users", Raw("[for u in var.admin_users : aws_iam_user.this[u].name]"))
    main.append(gm)
    upa = Block("resource", "aws_iam_user_policy_attachment", "readonly")
    upa.a("for_each", Raw("toset(var.readonly_users)"))
    upa.nl()
    upa.a("user", Raw("aws_iam_user.this[each.key].name"))
    upa.a("policy_arn", "arn:aws:iam::aws:policy/ReadOnlyAccess")
    main.append(upa)
    variables = [
        var_block("name_prefix", "string"),
        var_block("admin_users", "list(string)", []),
        var_block("readonly_users", "list(string)", []),
        var_block("deploy_resources", "list(string)", ["*"]),
        var_block("grant_full_admin", "bool", False),
        var_block("s3_wildcard", "bool", False),
        var_block("trust_any_principal", "bool", False),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [
        output_block("deploy_role_arn", Raw("aws_iam_role.deploy.arn")),
        output_block("user_arns", Raw("{ for k, u in aws_iam_user.this : k => u.arn }")),
    ]
    return main, variables, outputs


def module_secret():
    s = Block("resource", "aws_secretsmanager_secret", "this")
    s.a("name", Raw("var.name"))
    s.a("description", Raw("var.description"))
    s.a("kms_key_id", Raw("var.kms_key_id"))
    s.a("recovery_window_in_days", 7)
    s.a("tags", Raw("var.tags"))
    r = Block("resource", "aws_secretsmanager_secret_rotation", "this")
    r.a("count", Raw("var.rotation_lambda_arn == null ? 0 : 1"))
    r.nl()
    r.a("secret_id", Raw("aws_secretsmanager_secret.this.id"))
    r.a("rotation_lambda_arn", Raw("var.rotation_lambda_arn"))
    r.b(Block("rotation_rules")).a("automatically_after_days", Raw("var.rotation_days"))
    variables = [
        var_block("name", "string"),
        var_block("description", "string", "Managed by Terraform"),
        var_block("kms_key_id", "string", None),
        var_block("rotation_lambda_arn", "string", None, "Rotation function; null disables rotation."),
        var_block("rotation_days", "number", 30),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [output_block("arn", Raw("aws_secretsmanager_secret.this.arn"))]
    return [s, r], variables, outputs


def module_efs():
    fs = Block("resource", "aws_efs_file_system", "this")
    fs.a("creation_token", Raw("var.name"))
    fs.a("encrypted", Raw("var.encrypted"))
    fs.a("kms_key_id", Raw("var.encrypted ? var.kms_key_arn : null"))
    fs.a("performance_mode", "generalPurpose")
    fs.a("throughput_mode", "elastic")
    lp = fs.b(Block("lifecycle_policy"))
    lp.a("transition_to_ia", "AFTER_30_DAYS")
    fs.nl()
    fs.a("tags", Raw("merge(var.tags, { Name = var.name })"))
    mt = Block("resource", "aws_efs_mount_target", "this")
    mt.a("count", Raw("length(var.subnet_ids)"))
    mt.nl()
    mt.a("file_system_id", Raw("aws_efs_file_system.this.id"))
    mt.a("subnet_id", Raw("var.subnet_ids[count.index]"))
    mt.a("security_groups", Raw("var.security_group_ids"))
    bp = Block("resource", "aws_efs_backup_policy", "this")
    bp.a("file_system_id", Raw("aws_efs_file_system.this.id"))
    bp.b(Block("backup_policy")).a("status", "ENABLED")
    variables = [
        var_block("name", "string"),
        var_block("encrypted", "bool", True),
        var_block("kms_key_arn", "string", None),
        var_block("subnet_ids", "list(string)", []),
        var_block("security_group_ids", "list(string)", []),
        var_block("tags", "map(string)", {}),
    ]
    outputs = [output_block("id", Raw("aws_efs_file_system.this.id"))]
    return [fs, mt, bp], variables, outputs


MODULES = {
    "s3-bucket": module_s3_bucket,
    "security-group": module_security_group,
    "ec2-app": module_ec2_app,
    "rds-postgres": module_rds_postgres,
    "audit-trail": module_audit_trail,
    "messaging": module_messaging,
    "eks-cluster": module_eks_cluster,
    "lambda-api": module_lambda_api,
    "iam-baseline": module_iam_baseline,
    "secret": module_secret,
    "efs": module_efs,
}


# --------------------------------------------------------------------------
# Root modules (envs)
# --------------------------------------------------------------------------


class Env:
    def __init__(self, name, stage, region, rng, unique_names=False):
        self.name = name
        # --unique-names: every resource and module name carries the env name,
        # so no address repeats across root modules.
        self.suffix = "_" + name.replace("-", "_") if unique_names else ""
        self.stage = stage
        self.region = region
        self.rng = rng
        self.vars = {}      # name -> Block
        self.tfvars = {}    # name -> value
        self.locals = {}    # name -> value
        self.blocks = []    # main.tf blocks
        self.outputs = []   # Blocks
        self.used = set()
        self.used_outputs = set()
        self.words = set()

    def uniq(self, base):
        base = base + self.suffix
        name = base
        n = 2
        while name in self.used:
            name = f"{base}_{n}"
            n += 1
        self.used.add(name)
        return name

    def word(self, word):
        """`word`, or word2, word3... : the names AWS sees (buckets, queues,
        functions, roles) stay unique within an env whatever the labels."""
        w, n = word, 2
        while w in self.words:
            w = f"{word}{n}"
            n += 1
        self.words.add(w)
        return w

    def var(self, name, vtype, default=..., description=None, tfvar=..., sensitive=False):
        if name not in self.vars:
            self.vars[name] = var_block(name, vtype, default, description, sensitive)
        if tfvar is not ...:
            self.tfvars[name] = tfvar
        return Raw(f"var.{name}")

    def local(self, name, value):
        self.locals[name] = value
        return Raw(f"local.{name}")

    def out(self, name, value, description=None):
        base, n = name, 2
        while name in self.used_outputs:
            name = f"{base}_{n}"
            n += 1
        self.used_outputs.add(name)
        self.outputs.append(output_block(name, value, description))


def coin(rng, p=0.5):
    return rng.random() < p


class EnvBuilder:
    """Adds one block family at a time to an Env."""

    def __init__(self, env: Env):
        self.e = env
        self.r = env.rng

    # ---- shared inputs -------------------------------------------------

    def base(self):
        e, r = self.e, self.r
        e.var("env", "string", description="Environment name.", tfvar=e.name)
        e.var("region", "string", "us-east-1", tfvar=e.region)
        e.var("account_id", "string", description="AWS account id.",
              tfvar=f"{r.randrange(10**11, 10**12):012d}")
        e.var("vpc_id", "string", tfvar=f"vpc-{r.getrandbits(64):016x}"[:21])
        e.var("private_subnet_ids", "list(string)",
              tfvar=[f"subnet-{r.getrandbits(64):016x}"[:24] for _ in range(3)])
        e.var("public_subnet_ids", "list(string)", [],
              tfvar=[f"subnet-{r.getrandbits(64):016x}"[:24] for _ in range(2)])
        e.var("admin_cidr", "string", "10.0.0.0/8", "CIDR allowed to reach admin ports.")
        e.var("ami_id", "string", tfvar=f"ami-{r.getrandbits(64):016x}"[:21])
        e.var("instance_types", "map(string)",
              {"dev": "t3.micro", "staging": "t3.small", "prod": "m6i.large"})
        e.var("tags", "map(string)", {}, tfvar={"Team": r.choice(TEAMS), "CostCenter": str(r.randrange(1000, 9999))})
        e.var("artifact_bucket", "string", tfvar=f"{e.name}-artifacts-{r.randrange(1000, 9999)}")
        e.local("name_prefix", "${var.env}-${var.region}")
        e.local("is_prod", Raw('var.env == "prod" || startswith(var.env, "prod-")'))
        e.local("common_tags", Call("merge", Raw("var.tags"), {
            "Environment": Raw("var.env"),
            "ManagedBy": "terraform",
            "Repository": "infra-live",
        }))
        e.local("azs", Raw('[for s in ["a", "b", "c"] : "${var.region}${s}"]'))
        prov = Block("provider", "aws")
        prov.a("region", Raw("var.region"))
        dt = prov.b(Block("default_tags"))
        dt.a("tags", Raw("local.common_tags"))
        tf = Block("terraform")
        tf.a("required_version", ">= 1.5.0")
        rp = tf.b(Block("required_providers"))
        rp.a("aws", {"source": "hashicorp/aws", "version": "~> 5.40"})
        e.blocks.extend([tf, prov, Block("data", "aws_caller_identity", "current")])

    # ---- KMS -----------------------------------------------------------

    def kms_key(self, purpose=None, secure=None):
        e, r = self.e, self.r
        secure = coin(r) if secure is None else secure
        name = e.uniq(purpose or r.choice(["data", "app", "logs", "backup", "secrets"]))
        k = Block("resource", "aws_kms_key", name)
        k.a("description", f"${{local.name_prefix}} {name.replace('_', ' ')} key")
        k.a("deletion_window_in_days", r.choice([7, 14, 30]))
        style = r.random()
        if secure:
            if style < 0.7:
                k.a("enable_key_rotation", True)
            else:
                k.a("enable_key_rotation", e.var(f"{name}_key_rotation", "bool", True))
            if coin(r, 0.3):
                k.a("rotation_period_in_days", r.choice([90, 180, 365]))
        else:
            if style < 0.5:
                pass  # rotation defaults to off
            elif style < 0.8:
                k.a("enable_key_rotation", False)
            else:
                k.a("enable_key_rotation", e.var(f"{name}_key_rotation", "bool", True, tfvar=False))
        k.a("tags", Raw("local.common_tags"))
        al = Block("resource", "aws_kms_alias", name)
        al.a("name", f"alias/${{local.name_prefix}}-{name.replace('_', '-')}")
        al.a("target_key_id", Raw(f"aws_kms_key.{name}.key_id"))
        e.blocks.extend([k, al])
        return name

    # ---- S3 ------------------------------------------------------------

    def _bucket_companions(self, name, ref, secure, iter_attr=None, kms=None):
        """Versioning, SSE, PAB, ACL and policy resources for one bucket (or a
        count/for_each family when iter_attr is ("count", expr) or ("for_each", expr))."""
        e, r = self.e, self.r
        out = []

        def head(rtype):
            b = Block("resource", rtype, name)
            if iter_attr:
                b.a(iter_attr[0], iter_attr[1])
                b.nl()
            b.a("bucket", Raw(f"{ref}.id"))
            return b

        bad = set()
        if not secure:
            bad = set(r.sample(["versioning", "sse", "pab", "acl", "policy"], r.choice([1, 1, 2, 3])))
        if coin(r, 0.85) or "versioning" in bad:
            v = head("aws_s3_bucket_versioning")
            v.b(Block("versioning_configuration")).a("status", "Suspended" if "versioning" in bad else "Enabled")
            out.append(v)
        if "sse" not in bad or coin(r, 0.5):
            s = head("aws_s3_bucket_server_side_encryption_configuration")
            d = s.b(Block("rule")).b(Block("apply_server_side_encryption_by_default"))
            if kms and "sse" not in bad:
                d.a("sse_algorithm", "aws:kms")
                d.a("kms_master_key_id", Raw(f"aws_kms_key.{kms}.arn"))
            else:
                d.a("sse_algorithm", "AES256")
            out.append(s)
        if "pab" in bad:
            if coin(r, 0.5):
                p = head("aws_s3_bucket_public_access_block")
                p.nl()
                flags = ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]
                off = set(r.sample(flags, r.choice([1, 2, 4])))
                for f in flags:
                    p.a(f, f not in off)
                out.append(p)
            # else: no public access block at all
        else:
            p = head("aws_s3_bucket_public_access_block")
            p.nl()
            if coin(r, 0.8):
                for f in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]:
                    p.a(f, True)
            else:
                v = e.var("s3_block_public_access", "bool", True, "Block public access on every bucket.")
                for f in ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]:
                    p.a(f, v)
            out.append(p)
        if "acl" in bad:
            oc = head("aws_s3_bucket_ownership_controls")
            oc.b(Block("rule")).a("object_ownership", "BucketOwnerPreferred")
            out.append(oc)
            a = head("aws_s3_bucket_acl")
            a.a("acl", r.choice(["public-read", "public-read", "public-read-write"]))
            a.nl()
            a.a("depends_on", [Raw(f"aws_s3_bucket_ownership_controls.{name}")])
            out.append(a)
        elif coin(r, 0.3):
            oc = head("aws_s3_bucket_ownership_controls")
            oc.b(Block("rule")).a("object_ownership", "BucketOwnerPreferred")
            out.append(oc)
            a = head("aws_s3_bucket_acl")
            a.a("acl", r.choice(["private", "log-delivery-write"]))
            a.nl()
            a.a("depends_on", [Raw(f"aws_s3_bucket_ownership_controls.{name}")])
            out.append(a)
        if "policy" in bad or coin(r, 0.6):
            stmts = []
            arn = Raw(f"{ref}.arn")
            # Either both the bucket and its objects (a list with a reference in
            # it) or the objects only (one templated string).
            both = coin(r, 0.5)

            def resources():
                return [arn, f"${{{ref}.arn}}/*"] if both else f"${{{ref}.arn}}/*"
            if "policy" not in bad or coin(r, 0.5):
                stmts.append({
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "s3:*",
                    "Resource": resources(),
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                })
            if "policy" in bad:
                principal = r.choice(["*", {"AWS": "*"}, {"AWS": ["*"]}])
                stmts.append({
                    "Sid": "PublicRead",
                    "Effect": "Allow",
                    "Principal": principal,
                    "Action": r.choice(["s3:GetObject", ["s3:GetObject", "s3:ListBucket"], "s3:*"]),
                    "Resource": resources(),
                })
            else:
                stmts.append({
                    "Sid": "AccountRead",
                    "Effect": "Allow",
                    "Principal": {"AWS": "arn:aws:iam::${var.account_id}:root"},
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": resources(),
                })
                if coin(r, 0.3):
                    stmts.append({
                        "Sid": "OrgRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": f"${{{ref}.arn}}/*",
                        "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123def4"}},
                    })
            p = head("aws_s3_bucket_policy")
            p.a("policy", JsonEncode({"Version": "2012-10-17", "Statement": stmts}))
            out.append(p)
        return out

    def s3_single(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(BUCKET_WORDS))
        name = e.uniq(word)
        kms = self.kms_key("s3_" + word, secure=True) if coin(r, 0.3) else None
        b = Block("resource", "aws_s3_bucket", name)
        style = r.random()
        if style < 0.4:
            b.a("bucket", f"${{var.env}}-{word}-${{var.account_id}}")
        elif style < 0.7:
            b.a("bucket", Raw(f'format("%s-{word}-%s", local.name_prefix, var.account_id)'))
        else:
            b.a("bucket_prefix", f"${{var.env}}-{word}-")
        if coin(r, 0.2):
            b.a("force_destroy", Raw("!local.is_prod"))
        b.a("tags", Call("merge", Raw("local.common_tags"), {"Name": f"${{var.env}}-{word}", "DataClass": r.choice(["internal", "confidential", "public"])}))
        e.blocks.append(b)
        e.blocks.extend(self._bucket_companions(name, f"aws_s3_bucket.{name}", secure, kms=kms))
        e.out(f"{name}_bucket_arn", Raw(f"aws_s3_bucket.{name}.arn"))

    def s3_count(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(BUCKET_WORDS))
        name = e.uniq(word + "_buckets")
        lst = r.sample(["raw", "curated", "published", "scratch", "archive", "inbox", "outbox"], r.choice([2, 3]))
        v = e.var(f"{name}_suffixes", "list(string)", lst, f"One {word} bucket per suffix.")
        b = Block("resource", "aws_s3_bucket", name)
        b.a("count", Raw(f"length({v})"))
        b.nl()
        b.a("bucket", f"${{local.name_prefix}}-{word}-${{{v}[count.index]}}")
        b.a("tags", Raw(f"merge(local.common_tags, {{ Suffix = {v}[count.index] }})"))
        e.blocks.append(b)
        e.blocks.extend(self._bucket_companions(
            name, f"aws_s3_bucket.{name}[count.index]", secure, iter_attr=("count", Raw(f"length({v})"))))
        e.out(f"{name}_ids", Raw(f"aws_s3_bucket.{name}[*].id"))

    def s3_foreach(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(BUCKET_WORDS))
        name = e.uniq(word + "_by_team")
        teams = r.sample(TEAMS, r.choice([2, 3]))
        m = {t: {"retention_days": r.choice([30, 90, 365]), "owner": f"{t}@example.com"} for t in teams}
        lv = e.local(f"{name}_teams", m)
        b = Block("resource", "aws_s3_bucket", name)
        b.a("for_each", lv)
        b.nl()
        b.a("bucket", f"${{var.env}}-{word}-${{each.key}}")
        b.a("tags", Raw(f'merge(local.common_tags, {{ Owner = each.value.owner, Retention = tostring(each.value.retention_days) }})'))
        e.blocks.append(b)
        if coin(r, 0.5):
            ref = f"aws_s3_bucket.{name}[each.key]"
            it = ("for_each", lv)
        else:
            ref = "each.value"
            it = ("for_each", Raw(f"aws_s3_bucket.{name}"))
        e.blocks.extend(self._bucket_companions(name, ref, secure, iter_attr=it))
        lc = Block("resource", "aws_s3_bucket_lifecycle_configuration", name)
        lc.a("for_each", lv)
        lc.nl()
        lc.a("bucket", Raw(f"aws_s3_bucket.{name}[each.key].id"))
        rule = lc.b(Block("rule"))
        rule.a("id", "expire")
        rule.a("status", "Enabled")
        rule.b(Block("filter"))
        rule.b(Block("expiration")).a("days", Raw("each.value.retention_days"))
        e.blocks.append(lc)
        e.out(f"{name}_arns", Raw(f"{{ for k, b in aws_s3_bucket.{name} : k => b.arn }}"))

    def s3_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(BUCKET_WORDS))
        name = e.uniq(word + "_bucket")
        m = Block("module", name)
        m.a("source", "../../modules/s3-bucket")
        m.nl()
        m.a("name", f"${{local.name_prefix}}-{word}")
        m.a("tags", Raw("local.common_tags"))
        if secure:
            if coin(r, 0.4):
                m.a("kms_key_arn", Raw(f"aws_kms_key.{self.kms_key('s3_' + word, secure=True)}.arn"))
            if coin(r, 0.3):
                m.a("versioning_enabled", True)
        else:
            bad = r.sample(["acl", "policy", "pab", "versioning", "sse"], r.choice([1, 2]))
            if "acl" in bad:
                m.a("acl", "public-read")
            if "policy" in bad:
                m.a("public_read_prefixes", r.choice([["public/"], ["assets/", "img/"], [""]]))
            if "pab" in bad:
                if coin(r, 0.5):
                    m.a("block_public_access", False)
                else:
                    m.a("block_public_access", e.var(f"{name}_block_public", "bool", True, tfvar=False))
            if "versioning" in bad:
                m.a("versioning_enabled", False)
            if "sse" in bad:
                m.a("sse_enabled", False)
            if coin(r, 0.4):
                m.a("enforce_tls", False)
        e.blocks.append(m)
        e.out(f"{name}_arn", Raw(f"module.{name}.arn"))

    # ---- Network -------------------------------------------------------

    def sg_inline(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(APP_WORDS))
        name = e.uniq(word)
        sg = Block("resource", "aws_security_group", name)
        sg.a("name", f"${{local.name_prefix}}-{word}")
        sg.a("description", f"{word.capitalize()} tier")
        sg.a("vpc_id", Raw("var.vpc_id"))
        rules = [("HTTPS", 443, 443, "tcp", ["0.0.0.0/0"])]
        if coin(r, 0.5):
            rules.append(("HTTP", 80, 80, "tcp", ["0.0.0.0/0"]))
        if secure:
            rules.append(("SSH from corporate", 22, 22, "tcp", [Raw("var.admin_cidr")]))
            if coin(r, 0.3):
                rules.append(("Postgres from VPC", 5432, 5432, "tcp", ["10.0.0.0/8"]))
        else:
            bad = r.choice(["ssh", "rdp", "mysql", "all", "range", "ssh6"])
            if bad == "ssh":
                rules.append(("SSH", 22, 22, "tcp", ["0.0.0.0/0"]))
            elif bad == "rdp":
                rules.append(("RDP", 3389, 3389, "tcp", ["0.0.0.0/0"]))
            elif bad == "mysql":
                rules.append(("MySQL", 3306, 3306, "tcp", ["0.0.0.0/0"]))
            elif bad == "all":
                rules.append(("Everything", 0, 0, "-1", ["0.0.0.0/0"]))
            elif bad == "range":
                rules.append(("Debug ports", 20, 3400, "tcp", ["0.0.0.0/0"]))
            else:
                rules.append(("SSH IPv6", 22, 22, "tcp", None))
        for desc, fp, tp, proto, cidrs in rules:
            ing = sg.b(Block("ingress"))
            ing.a("description", desc)
            ing.a("from_port", fp)
            ing.a("to_port", tp)
            ing.a("protocol", proto)
            if cidrs is None:
                ing.a("ipv6_cidr_blocks", ["::/0"])
            elif len(cidrs) == 1 and isinstance(cidrs[0], Raw):
                ing.a("cidr_blocks", [cidrs[0]])
            else:
                ing.a("cidr_blocks", cidrs)
        eg = sg.b(Block("egress"))
        eg.a("description", "All outbound")
        eg.a("from_port", 0)
        eg.a("to_port", 0)
        eg.a("protocol", "-1")
        eg.a("cidr_blocks", ["0.0.0.0/0"])
        sg.nl()
        sg.a("tags", Raw(f'merge(local.common_tags, {{ Name = "${{local.name_prefix}}-{word}" }})'))
        e.blocks.append(sg)
        e.out(f"{name}_sg_id", Raw(f"aws_security_group.{name}.id"))
        return name

    def sg_dynamic(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(APP_WORDS))
        name = e.uniq(word + "_dynamic")
        rules = {"https": {"port": 443, "cidrs": ["0.0.0.0/0"]}}
        if coin(r, 0.5):
            rules["metrics"] = {"port": 9100, "cidrs": ["10.0.0.0/8"]}
        insecure_rules = dict(rules)
        bad = r.choice([("ssh", 22), ("rdp", 3389), ("mysql", 3306), ("postgres", 5432)])
        insecure_rules[bad[0]] = {"port": bad[1], "cidrs": ["0.0.0.0/0"]}
        rules["ssh"] = {"port": 22, "cidrs": ["10.0.0.0/8"]}
        style = r.random()
        if style < 0.5:
            # a var with a default, overridden (or not) in terraform.tfvars
            if secure:
                src = e.var(f"{name}_ingress", "map(object({ port = number, cidrs = list(string) }))", rules,
                            f"Ingress rules of the {word} security group.")
            else:
                src = e.var(f"{name}_ingress", "map(object({ port = number, cidrs = list(string) }))", rules,
                            f"Ingress rules of the {word} security group.", tfvar=insecure_rules)
        else:
            src = e.local(f"{name}_ingress", insecure_rules if not secure else rules)
        sg = Block("resource", "aws_security_group", name)
        sg.a("name_prefix", f"${{var.env}}-{word}-")
        sg.a("description", f"{word} (rules from a map)")
        sg.a("vpc_id", Raw("var.vpc_id"))
        d = sg.b(Block("dynamic", "ingress"))
        d.a("for_each", src)
        c = d.b(Block("content"))
        c.a("description", Raw("ingress.key"))
        c.a("from_port", Raw("ingress.value.port"))
        c.a("to_port", Raw("ingress.value.port"))
        c.a("protocol", "tcp")
        c.a("cidr_blocks", Raw("ingress.value.cidrs"))
        eg = sg.b(Block("egress"))
        eg.a("from_port", 0)
        eg.a("to_port", 0)
        eg.a("protocol", "-1")
        eg.a("cidr_blocks", ["0.0.0.0/0"])
        sg.nl()
        sg.a("tags", Raw("local.common_tags"))
        e.blocks.append(sg)
        return name

    def sg_rules(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(["db", "cache", "admin", "jump", "internal", "mgmt"]))
        name = e.uniq(word)
        sg = Block("resource", "aws_security_group", name)
        sg.a("name", f"${{local.name_prefix}}-{word}")
        sg.a("description", f"{word} access, rules managed separately")
        sg.a("vpc_id", Raw("var.vpc_id"))
        sg.a("tags", Raw("local.common_tags"))
        e.blocks.append(sg)
        port = r.choice([22, 3389, 3306, 5432, 6379, 1433])
        cidr = "0.0.0.0/0" if not secure else r.choice(["10.0.0.0/8", "172.16.0.0/12"])
        if coin(r, 0.5):
            rule = Block("resource", "aws_security_group_rule", e.uniq(f"{name}_in_{port}"))
            rule.a("type", "ingress")
            rule.a("description", f"port {port}")
            rule.a("from_port", port)
            rule.a("to_port", port)
            rule.a("protocol", "tcp")
            rule.a("cidr_blocks", [cidr])
            rule.a("security_group_id", Raw(f"aws_security_group.{name}.id"))
        else:
            rule = Block("resource", "aws_vpc_security_group_ingress_rule", e.uniq(f"{name}_in_{port}"))
            rule.a("security_group_id", Raw(f"aws_security_group.{name}.id"))
            rule.a("description", f"port {port}")
            if not secure and coin(r, 0.2):
                rule.a("cidr_ipv6", "::/0")
            else:
                rule.a("cidr_ipv4", cidr)
            rule.a("from_port", port)
            rule.a("to_port", port)
            rule.a("ip_protocol", "tcp")
        e.blocks.append(rule)
        if coin(r, 0.6):
            rule2 = Block("resource", "aws_security_group_rule", e.uniq(f"{name}_in_https"))
            rule2.a("type", "ingress")
            rule2.a("from_port", 443)
            rule2.a("to_port", 443)
            rule2.a("protocol", "tcp")
            rule2.a("cidr_blocks", [Raw("var.admin_cidr")])
            rule2.a("security_group_id", Raw(f"aws_security_group.{name}.id"))
            e.blocks.append(rule2)
        eg = Block("resource", "aws_vpc_security_group_egress_rule", e.uniq(f"{name}_out"))
        eg.a("security_group_id", Raw(f"aws_security_group.{name}.id"))
        eg.a("cidr_ipv4", "0.0.0.0/0")
        eg.a("ip_protocol", "-1")
        e.blocks.append(eg)
        return name

    def sg_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(APP_WORDS))
        name = e.uniq(word + "_sg")
        m = Block("module", name)
        m.a("source", "../../modules/security-group")
        m.nl()
        m.a("name", f"${{local.name_prefix}}-{word}")
        m.a("vpc_id", Raw("var.vpc_id"))
        rules = {"https": {"port": 443, "protocol": "tcp", "cidrs": ["0.0.0.0/0"]}}
        if secure:
            rules["ssh"] = {"port": 22, "protocol": "tcp", "cidrs": [Raw("var.admin_cidr")]}
        else:
            bad = r.choice(["ssh", "rdp", "mysql"])
            port = {"ssh": 22, "rdp": 3389, "mysql": 3306}[bad]
            rules[bad] = {"port": port, "protocol": "tcp", "cidrs": ["0.0.0.0/0"]}
        m.a("ingress_rules", rules)
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)
        return name

    # ---- Compute -------------------------------------------------------

    def instance_role(self, name):
        e = self.e
        role = Block("resource", "aws_iam_role", name)
        role.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        role.a("assume_role_policy", JsonEncode(ASSUME_EC2))
        role.a("tags", Raw("local.common_tags"))
        prof = Block("resource", "aws_iam_instance_profile", name)
        prof.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        prof.a("role", Raw(f"aws_iam_role.{name}.name"))
        e.blocks.extend([role, prof])

    def instance(self, sg=None):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(APP_WORDS))
        name = e.uniq(word)
        bad = set() if secure else set(r.sample(["imds", "root", "role"], r.choice([1, 1, 2, 3])))
        if "role" not in bad:
            self.instance_role(name)
        inst = Block("resource", "aws_instance", name)
        style = r.random()
        if style < 0.4:
            cnt = e.var(f"{name}_count", "number", r.choice([1, 2]), tfvar=r.choice([1, 2, 3]))
            inst.a("count", cnt)
            inst.nl()
        inst.a("ami", Raw("var.ami_id"))
        inst.a("instance_type", Raw('lookup(var.instance_types, var.env, "t3.micro")'))
        if style < 0.4:
            inst.a("subnet_id", Raw("element(var.private_subnet_ids, count.index)"))
        else:
            inst.a("subnet_id", Raw("var.private_subnet_ids[0]"))
        if sg:
            inst.a("vpc_security_group_ids", [Raw(f"aws_security_group.{sg}.id")])
        if "role" not in bad:
            inst.a("iam_instance_profile", Raw(f"aws_iam_instance_profile.{name}.name"))
        inst.a("monitoring", Raw("local.is_prod"))
        if "imds" in bad:
            if coin(r, 0.5):
                m = inst.b(Block("metadata_options"))
                m.a("http_endpoint", "enabled")
                m.a("http_tokens", "optional")
            # else: no metadata_options at all (IMDSv1 allowed by default)
        else:
            m = inst.b(Block("metadata_options"))
            m.a("http_endpoint", "enabled")
            if coin(r, 0.75):
                m.a("http_tokens", "required")
            else:
                v = e.var("require_imdsv2", "bool", True, "Require IMDSv2 session tokens on every instance.")
                m.a("http_tokens", Raw(f'{v} ? "required" : "optional"'))
            m.a("http_put_response_hop_limit", r.choice([1, 2]))
        if "root" in bad:
            if coin(r, 0.6):
                rb = inst.b(Block("root_block_device"))
                rb.a("volume_type", "gp3")
                rb.a("volume_size", r.choice([20, 30, 50]))
                rb.a("encrypted", False)
        else:
            rb = inst.b(Block("root_block_device"))
            rb.a("volume_type", "gp3")
            rb.a("volume_size", r.choice([20, 30, 50]))
            rb.a("encrypted", True)
        if coin(r, 0.3):
            ud = "#!/bin/bash\nyum install -y amazon-cloudwatch-agent\n"
            inst.a("user_data", Raw(f"base64encode({json.dumps(ud)})"))
        inst.nl()
        if style < 0.4:
            inst.a("tags", Raw(f'merge(local.common_tags, {{ Name = format("%s-{word}-%02d", var.env, count.index + 1) }})'))
        else:
            inst.a("tags", Raw(f'merge(local.common_tags, {{ Name = "${{var.env}}-{word}" }})'))
        e.blocks.append(inst)
        if coin(r, 0.4) and style >= 0.4:
            vol = Block("resource", "aws_ebs_volume", e.uniq(f"{name}_data"))
            vol.a("availability_zone", Raw(f"aws_instance.{name}.availability_zone"))
            vol.a("size", r.choice([100, 200, 500]))
            vol.a("type", "gp3")
            vol.a("encrypted", not bool(bad) or coin(r, 0.5))
            vol.a("tags", Raw("local.common_tags"))
            e.blocks.append(vol)
            att = Block("resource", "aws_volume_attachment", vol.labels[1])
            att.a("device_name", "/dev/sdf")
            att.a("volume_id", Raw(f"aws_ebs_volume.{vol.labels[1]}.id"))
            att.a("instance_id", Raw(f"aws_instance.{name}.id"))
            e.blocks.append(att)
        return name

    def ebs_volume(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(r.choice(["scratch", "cache", "journal", "spool", "index"]))
        vol = Block("resource", "aws_ebs_volume", name)
        vol.a("availability_zone", Raw("local.azs[0]"))
        vol.a("size", r.choice([50, 100, 250, 1000]))
        vol.a("type", r.choice(["gp3", "io2", "st1"]))
        if secure:
            vol.a("encrypted", True)
            if coin(r, 0.3):
                vol.a("kms_key_id", Raw(f"aws_kms_key.{self.kms_key('ebs', secure=True)}.arn"))
        else:
            s = r.random()
            if s < 0.5:
                vol.a("encrypted", False)
            elif s < 0.75:
                pass  # encryption not set
            else:
                vol.a("encrypted", e.var("encrypt_volumes", "bool", True, tfvar=False))
        vol.a("tags", Raw(f'merge(local.common_tags, {{ Name = "${{var.env}}-{name}" }})'))
        e.blocks.append(vol)

    def ec2_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(APP_WORDS))
        name = e.uniq(word + "_app")
        m = Block("module", name)
        m.a("source", "../../modules/ec2-app")
        m.nl()
        m.a("name", f"${{local.name_prefix}}-{word}")
        m.a("ami_id", Raw("var.ami_id"))
        m.a("instance_type", Raw('lookup(var.instance_types, var.env, "t3.small")'))
        m.a("instance_count", r.choice([1, 2]))
        m.a("subnet_ids", Raw("var.private_subnet_ids"))
        m.a("data_volume_size", r.choice([0, 0, 100]))
        if not secure:
            for k in r.sample(["require_imdsv2", "encrypt_volumes", "create_instance_profile"], r.choice([1, 2])):
                m.a(k, False)
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)

    # ---- Databases -----------------------------------------------------

    def rds(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(DB_WORDS))
        name = e.uniq(word)
        engine = r.choice([("postgres", "16.3", "db.t4g.medium"), ("mysql", "8.0.36", "db.t3.medium")])
        sng = Block("resource", "aws_db_subnet_group", name)
        sng.a("name", f"${{local.name_prefix}}-{word}")
        sng.a("subnet_ids", Raw("var.private_subnet_ids"))
        e.blocks.append(sng)
        db = Block("resource", "aws_db_instance", name)
        db.a("identifier", f"${{local.name_prefix}}-{word}")
        db.a("engine", engine[0])
        db.a("engine_version", engine[1])
        db.a("instance_class", Raw(f'local.is_prod ? "db.r6g.large" : "{engine[2]}"'))
        db.a("allocated_storage", r.choice([20, 50, 100]))
        db.a("username", "admin_user")
        db.a("manage_master_user_password", True)
        db.a("db_subnet_group_name", Raw(f"aws_db_subnet_group.{name}.name"))
        db.a("backup_retention_period", Raw("local.is_prod ? 30 : 7"))
        db.a("skip_final_snapshot", Raw("!local.is_prod"))
        db.nl()
        bad = set() if secure else set(r.sample(["enc", "public", "minor"], r.choice([1, 1, 2])))
        if "enc" in bad:
            if coin(r, 0.6):
                db.a("storage_encrypted", False)
        else:
            db.a("storage_encrypted", True)
        if "public" in bad:
            if coin(r, 0.5):
                db.a("publicly_accessible", True)
            else:
                db.a("publicly_accessible", e.var(f"{name}_public", "bool", False, tfvar=True))
        elif coin(r, 0.6):
            db.a("publicly_accessible", False)
        if "minor" in bad:
            db.a("auto_minor_version_upgrade", False)
        elif coin(r, 0.5):
            db.a("auto_minor_version_upgrade", True)
        db.a("deletion_protection", Raw("local.is_prod"))
        db.a("tags", Raw("local.common_tags"))
        e.blocks.append(db)
        e.out(f"{name}_db_endpoint", Raw(f"aws_db_instance.{name}.endpoint"))

    def rds_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(DB_WORDS))
        name = e.uniq(word + "_db")
        m = Block("module", name)
        m.a("source", "../../modules/rds-postgres")
        m.nl()
        m.a("identifier", f"${{var.env}}-{word}")
        m.a("subnet_ids", Raw("var.private_subnet_ids"))
        m.a("multi_az", Raw("local.is_prod"))
        if not secure:
            k = r.choice(["storage_encrypted", "publicly_accessible", "auto_minor_version_upgrade"])
            m.a(k, k == "publicly_accessible")
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)

    # ---- Logging -------------------------------------------------------

    def cloudtrail(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(r.choice(["main", "org", "audit", "security"]) + "_trail")
        bucket = Block("resource", "aws_s3_bucket", name)
        bucket.a("bucket", f"${{var.env}}-{name.replace('_', '-')}-logs-${{var.account_id}}")
        bucket.a("tags", Raw("local.common_tags"))
        e.blocks.append(bucket)
        pab = Block("resource", "aws_s3_bucket_public_access_block", name)
        pab.a("bucket", Raw(f"aws_s3_bucket.{name}.id"))
        pab.nl()
        for k in ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"):
            pab.a(k, True)
        e.blocks.append(pab)
        pol = Block("resource", "aws_s3_bucket_policy", name)
        pol.a("bucket", Raw(f"aws_s3_bucket.{name}.id"))
        pol.a("policy", JsonEncode({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AWSCloudTrailAclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:GetBucketAcl",
                    "Resource": Raw(f"aws_s3_bucket.{name}.arn"),
                },
                {
                    "Sid": "AWSCloudTrailWrite",
                    "Effect": "Allow",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Action": "s3:PutObject",
                    "Resource": f"${{aws_s3_bucket.{name}.arn}}/AWSLogs/${{data.aws_caller_identity.current.account_id}}/*",
                    "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}},
                },
            ],
        }))
        e.blocks.append(pol)
        kms = None
        bad = set() if secure else set(r.sample(["multi", "validation", "kms", "logging"], r.choice([1, 2])))
        if "kms" not in bad:
            kms = self.kms_key("cloudtrail", secure=True)
        ct = Block("resource", "aws_cloudtrail", name)
        ct.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        ct.a("s3_bucket_name", Raw(f"aws_s3_bucket.{name}.id"))
        ct.a("include_global_service_events", True)
        if "multi" in bad:
            if coin(r, 0.5):
                ct.a("is_multi_region_trail", False)
        else:
            ct.a("is_multi_region_trail", True if coin(r, 0.7) else e.var("multi_region_trail", "bool", True))
        if "validation" in bad:
            if coin(r, 0.5):
                ct.a("enable_log_file_validation", False)
            else:
                ct.a("enable_log_file_validation", e.var("trail_log_validation", "bool", True, tfvar=False))
        else:
            ct.a("enable_log_file_validation", True)
        if "logging" in bad:
            ct.a("enable_logging", False)
        if kms:
            ct.a("kms_key_id", Raw(f"aws_kms_key.{kms}.arn"))
        ct.nl()
        ct.a("tags", Raw("local.common_tags"))
        ct.a("depends_on", [Raw(f"aws_s3_bucket_policy.{name}")])
        e.blocks.append(ct)

    def trail_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq("audit_trail")
        m = Block("module", name)
        m.a("source", "../../modules/audit-trail")
        m.nl()
        m.a("name", f"${{local.name_prefix}}-{e.word('audit')}")
        if not secure:
            for k in r.sample(["multi_region", "log_file_validation", "use_kms", "kms_key_rotation", "enable_logging"], r.choice([1, 2])):
                m.a(k, False)
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)

    # ---- Messaging -----------------------------------------------------

    def sqs(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(QUEUE_WORDS))
        name = e.uniq(word)
        q = Block("resource", "aws_sqs_queue", name)
        if coin(r, 0.3):
            q.a("name", f"${{local.name_prefix}}-{word}.fifo")
            q.a("fifo_queue", True)
            q.a("content_based_deduplication", True)
        else:
            q.a("name", f"${{local.name_prefix}}-{word}")
        q.a("message_retention_seconds", r.choice([86400, 345600, 1209600]))
        q.a("visibility_timeout_seconds", r.choice([30, 60, 300]))
        if secure:
            s = r.random()
            if s < 0.5:
                q.a("sqs_managed_sse_enabled", True)
            else:
                kms = self.kms_key("sqs", secure=True) if coin(r, 0.6) else None
                if kms:
                    q.a("kms_master_key_id", Raw(f"aws_kms_key.{kms}.id"))
                else:
                    q.a("kms_master_key_id", "alias/aws/sqs")
                q.a("kms_data_key_reuse_period_seconds", 300)
        else:
            if coin(r, 0.5):
                q.a("sqs_managed_sse_enabled", False)
        q.a("tags", Raw("local.common_tags"))
        e.blocks.append(q)
        if coin(r, 0.5):
            public = not secure and coin(r, 0.5)
            qp = Block("resource", "aws_sqs_queue_policy", name)
            qp.a("queue_url", Raw(f"aws_sqs_queue.{name}.id"))
            qp.a("policy", JsonEncode({
                "Version": "2012-10-17",
                "Statement": [{
                    "Sid": "Send",
                    "Effect": "Allow",
                    "Principal": "*" if public else {"AWS": "arn:aws:iam::${var.account_id}:root"},
                    "Action": "sqs:SendMessage",
                    "Resource": Raw(f"aws_sqs_queue.{name}.arn"),
                }],
            }))
            e.blocks.append(qp)
        e.out(f"{name}_queue_url", Raw(f"aws_sqs_queue.{name}.url"))

    def sns(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(QUEUE_WORDS))
        name = e.uniq(word + "_topic")
        t = Block("resource", "aws_sns_topic", name)
        t.a("name", f"${{local.name_prefix}}-{word}")
        if secure or coin(r, 0.5):
            t.a("kms_master_key_id", "alias/aws/sns")
        principal = {"AWS": "*"} if not secure else {"AWS": "arn:aws:iam::${var.account_id}:root"}
        doc = {
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "Publish",
                "Effect": "Allow",
                "Principal": principal,
                "Action": "sns:Publish",
                "Resource": "arn:aws:sns:${var.region}:${var.account_id}:${local.name_prefix}-" + word,
            }],
        }
        inline = coin(r, 0.4)
        if inline:
            t.a("policy", JsonEncode(doc))
        t.a("tags", Raw("local.common_tags"))
        e.blocks.append(t)
        if not inline:
            doc["Statement"][0]["Resource"] = Raw(f"aws_sns_topic.{name}.arn")
            tp = Block("resource", "aws_sns_topic_policy", name)
            tp.a("arn", Raw(f"aws_sns_topic.{name}.arn"))
            tp.a("policy", JsonEncode(doc))
            e.blocks.append(tp)

    def messaging_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(QUEUE_WORDS))
        name = e.uniq(word + "_bus")
        m = Block("module", name)
        m.a("source", "../../modules/messaging")
        m.nl()
        m.a("name", f"${{local.name_prefix}}-{word}")
        if secure:
            if coin(r, 0.5):
                m.a("kms_key_id", Raw(f"aws_kms_key.{self.kms_key('messaging', secure=True)}.arn"))
        else:
            k = r.choice(["sse", "public", "both"])
            if k in ("sse", "both"):
                m.a("sqs_managed_sse", False)
            if k in ("public", "both"):
                m.a("public_topic", True)
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)

    # ---- Storage / containers / serverless -----------------------------

    def efs(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(r.choice(["shared", "home", "media", "models"]) + "_fs")
        if coin(r, 0.35):
            m = Block("module", name)
            m.a("source", "../../modules/efs")
            m.nl()
            m.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
            m.a("subnet_ids", Raw("var.private_subnet_ids"))
            if not secure:
                m.a("encrypted", False)
            m.a("tags", Raw("local.common_tags"))
            e.blocks.append(m)
            return
        fs = Block("resource", "aws_efs_file_system", name)
        fs.a("creation_token", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        if secure:
            fs.a("encrypted", True)
            if coin(r, 0.3):
                fs.a("kms_key_id", Raw(f"aws_kms_key.{self.kms_key('efs', secure=True)}.arn"))
        elif coin(r, 0.5):
            fs.a("encrypted", False)
        fs.a("tags", Raw(f'merge(local.common_tags, {{ Name = "${{var.env}}-{name}" }})'))
        e.blocks.append(fs)
        mt = Block("resource", "aws_efs_mount_target", name)
        mt.a("for_each", Raw("toset(var.private_subnet_ids)"))
        mt.nl()
        mt.a("file_system_id", Raw(f"aws_efs_file_system.{name}.id"))
        mt.a("subnet_id", Raw("each.value"))
        e.blocks.append(mt)

    def eks(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(r.choice(["main", "apps", "platform", "batch"]) + "_cluster")
        kms = self.kms_key("eks", secure=True)
        if coin(r, 0.35):
            m = Block("module", name)
            m.a("source", "../../modules/eks-cluster")
            m.nl()
            m.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
            m.a("subnet_ids", Raw("var.private_subnet_ids"))
            m.a("secrets_kms_key_arn", Raw(f"aws_kms_key.{kms}.arn"))
            if secure:
                if coin(r, 0.5):
                    m.a("endpoint_public_access", True)
                    m.a("public_access_cidrs", ["203.0.113.0/24"])
                m.a("cluster_log_types", ALL_EKS_LOGS if coin(r, 0.5) else ["api", "audit"])
            else:
                k = r.choice(["public", "logs", "both"])
                if k in ("public", "both"):
                    m.a("endpoint_public_access", True)
                if k in ("logs", "both"):
                    m.a("cluster_log_types", r.choice([[], ["api"]]))
            m.a("tags", Raw("local.common_tags"))
            e.blocks.append(m)
            return
        role = Block("resource", "aws_iam_role", name)
        role.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        role.a("assume_role_policy", assume("eks.amazonaws.com"))
        e.blocks.append(role)
        att = Block("resource", "aws_iam_role_policy_attachment", name)
        att.a("role", Raw(f"aws_iam_role.{name}.name"))
        att.a("policy_arn", "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy")
        e.blocks.append(att)
        c = Block("resource", "aws_eks_cluster", name)
        c.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        c.a("role_arn", Raw(f"aws_iam_role.{name}.arn"))
        c.a("version", r.choice(["1.29", "1.30", "1.31"]))
        bad = set() if secure else set(r.sample(["public", "logs"], r.choice([1, 2])))
        if "logs" in bad:
            s = r.random()
            if s < 0.4:
                pass  # no control plane logging
            elif s < 0.7:
                c.a("enabled_cluster_log_types", ["api", "authenticator"])
            else:
                c.a("enabled_cluster_log_types", [])
        else:
            if coin(r, 0.5):
                c.a("enabled_cluster_log_types", ALL_EKS_LOGS)
            else:
                c.a("enabled_cluster_log_types", e.var("eks_log_types", "list(string)", ["api", "audit", "authenticator"]))
        vc = c.b(Block("vpc_config"))
        vc.a("subnet_ids", Raw("var.private_subnet_ids"))
        vc.a("endpoint_private_access", True)
        if "public" in bad:
            s = r.random()
            if s < 0.4:
                pass  # endpoint_public_access defaults to true, cidrs to 0.0.0.0/0
            elif s < 0.7:
                vc.a("endpoint_public_access", True)
            else:
                vc.a("endpoint_public_access", True)
                vc.a("public_access_cidrs", ["0.0.0.0/0"])
        else:
            if coin(r, 0.6):
                vc.a("endpoint_public_access", False)
            else:
                vc.a("endpoint_public_access", True)
                vc.a("public_access_cidrs", r.choice([["203.0.113.0/24"], ["198.51.100.10/32", "203.0.113.0/24"]]))
        ec = c.b(Block("encryption_config"))
        ec.a("resources", ["secrets"])
        ec.b(Block("provider")).a("key_arn", Raw(f"aws_kms_key.{kms}.arn"))
        c.nl()
        c.a("tags", Raw("local.common_tags"))
        c.a("depends_on", [Raw(f"aws_iam_role_policy_attachment.{name}")])
        e.blocks.append(c)

    def lambda_fn(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(FN_WORDS))
        name = e.uniq(word)
        bad = set() if secure else set(r.sample(["runtime", "url", "permission"], r.choice([1, 1, 2])))
        runtime = r.choice(DEPRECATED_RUNTIMES if "runtime" in bad else SECURE_RUNTIMES)
        if coin(r, 0.4):
            m = Block("module", name)
            m.a("source", "../../modules/lambda-api")
            m.nl()
            m.a("name", f"${{local.name_prefix}}-{word}")
            m.a("runtime", runtime)
            m.a("handler", "index.handler" if runtime.startswith("nodejs") else "app.handler")
            m.a("artifact_bucket", Raw("var.artifact_bucket"))
            if "url" in bad or coin(r, 0.4):
                m.a("create_function_url", True)
                m.a("url_authorization_type", "NONE" if "url" in bad else "AWS_IAM")
            m.a("environment", {"STAGE": Raw("var.env")})
            m.a("tags", Raw("local.common_tags"))
            e.blocks.append(m)
            return
        role = Block("resource", "aws_iam_role", name + "_lambda")
        role.a("name", f"${{local.name_prefix}}-{word}-lambda")
        role.a("assume_role_policy", assume("lambda.amazonaws.com"))
        e.blocks.append(role)
        fn = Block("resource", "aws_lambda_function", name)
        fn.a("function_name", f"${{local.name_prefix}}-{word}")
        fn.a("role", Raw(f"aws_iam_role.{name}_lambda.arn"))
        if coin(r, 0.25):
            rv = e.var(f"{name}_runtime", "string", runtime)
            fn.a("runtime", rv)
        else:
            fn.a("runtime", runtime)
        fn.a("handler", "index.handler" if runtime.startswith("nodejs") else "app.handler")
        fn.a("s3_bucket", Raw("var.artifact_bucket"))
        fn.a("s3_key", f"lambda/{word}/${{var.env}}.zip")
        fn.a("memory_size", r.choice([128, 256, 512, 1024]))
        fn.a("timeout", r.choice([10, 30, 60]))
        env_block = fn.b(Block("environment"))
        env_block.a("variables", {"STAGE": Raw("var.env"), "TABLE": f"${{local.name_prefix}}-{word}"})
        if coin(r, 0.5):
            fn.b(Block("tracing_config")).a("mode", "Active")
        fn.nl()
        fn.a("tags", Raw("local.common_tags"))
        e.blocks.append(fn)
        if "url" in bad or coin(r, 0.4):
            u = Block("resource", "aws_lambda_function_url", name)
            u.a("function_name", Raw(f"aws_lambda_function.{name}.function_name"))
            u.a("authorization_type", "NONE" if "url" in bad else "AWS_IAM")
            e.blocks.append(u)
        if "permission" in bad or coin(r, 0.3):
            p = Block("resource", "aws_lambda_permission", name)
            p.a("statement_id", "AllowInvoke")
            p.a("action", "lambda:InvokeFunction")
            p.a("function_name", Raw(f"aws_lambda_function.{name}.function_name"))
            if "permission" in bad:
                p.a("principal", "*")
            else:
                p.a("principal", "events.amazonaws.com")
                p.a("source_arn", f"arn:aws:events:${{var.region}}:${{var.account_id}}:rule/{word}")
            e.blocks.append(p)

    # ---- IAM / secrets -------------------------------------------------

    def iam_policy(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(r.choice(["ci", "deploy", "ops", "reader", "etl", "support", "backup"]) + "_policy")
        if secure:
            stmts = [{
                "Sid": "ReadBuckets",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:ListBucket"],
                "Resource": ["arn:aws:s3:::${var.env}-*", "arn:aws:s3:::${var.env}-*/*"],
            }]
            if coin(r, 0.5):
                stmts.append({
                    "Sid": "Logs",
                    "Effect": "Allow",
                    "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                    "Resource": "arn:aws:logs:${var.region}:${var.account_id}:*",
                })
        else:
            kind = r.choice(["admin", "admin_list", "s3star", "privesc", "iamstar"])
            if kind == "admin":
                stmts = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
            elif kind == "admin_list":
                stmts = [{"Sid": "Everything", "Effect": "Allow", "Action": ["*"], "Resource": ["*"]}]
            elif kind == "s3star":
                stmts = [{"Sid": "S3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}]
            elif kind == "iamstar":
                stmts = [{"Sid": "IamAll", "Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}]
            else:
                stmts = [{
                    "Sid": "PassAndRun",
                    "Effect": "Allow",
                    "Action": ["iam:PassRole", "ec2:RunInstances"],
                    "Resource": "*",
                }]
        p = Block("resource", "aws_iam_policy", name)
        p.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        p.a("path", "/")
        p.a("description", f"{name} permissions")
        p.a("policy", JsonEncode({"Version": "2012-10-17", "Statement": stmts}))
        p.a("tags", Raw("local.common_tags"))
        e.blocks.append(p)
        return name

    def iam_role(self, policy=None):
        e, r = self.e, self.r
        secure = coin(r, 0.7)
        name = e.uniq(r.choice(["cross_account", "deployer", "auditor", "breakglass", "ci"]) + "_role")
        if secure:
            principal = r.choice([
                {"AWS": "arn:aws:iam::${var.account_id}:root"},
                {"Service": "codebuild.amazonaws.com"},
                {"Federated": "arn:aws:iam::${var.account_id}:oidc-provider/token.actions.githubusercontent.com"},
            ])
        else:
            principal = r.choice([{"AWS": "*"}, "*"])
        stmt = {"Effect": "Allow", "Principal": principal,
                "Action": "sts:AssumeRoleWithWebIdentity" if "Federated" in principal else "sts:AssumeRole"}
        if isinstance(principal, dict) and "Federated" in principal:
            stmt["Condition"] = {"StringLike": {"token.actions.githubusercontent.com:sub": "repo:example/infra:*"}}
        role = Block("resource", "aws_iam_role", name)
        role.a("name", f"${{local.name_prefix}}-{name.replace('_', '-')}")
        role.a("max_session_duration", 3600)
        role.a("assume_role_policy", JsonEncode({"Version": "2012-10-17", "Statement": [stmt]}))
        role.a("tags", Raw("local.common_tags"))
        e.blocks.append(role)
        if policy:
            att = Block("resource", "aws_iam_role_policy_attachment", name)
            att.a("role", Raw(f"aws_iam_role.{name}.name"))
            att.a("policy_arn", Raw(f"aws_iam_policy.{policy}.arn"))
            e.blocks.append(att)

    def iam_user(self, policy=None):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq(e.word(r.choice(["svc_ci", "svc_backup", "svc_report", "alice", "bob", "carol"])))
        u = Block("resource", "aws_iam_user", name)
        u.a("name", f"${{var.env}}-{name.replace('_', '-')}")
        u.a("tags", Raw("local.common_tags"))
        e.blocks.append(u)
        if secure:
            gm = Block("resource", "aws_iam_user_group_membership", name)
            gm.a("user", Raw(f"aws_iam_user.{name}.name"))
            gm.a("groups", [f"${{var.env}}-readers"])
            e.blocks.append(gm)
        else:
            a = Block("resource", "aws_iam_user_policy_attachment", name)
            a.a("user", Raw(f"aws_iam_user.{name}.name"))
            if policy:
                a.a("policy_arn", Raw(f"aws_iam_policy.{policy}.arn"))
            else:
                a.a("policy_arn", r.choice(["arn:aws:iam::aws:policy/ReadOnlyAccess",
                                            "arn:aws:iam::aws:policy/AdministratorAccess",
                                            "arn:aws:iam::aws:policy/AmazonS3FullAccess"]))
            e.blocks.append(a)

    def iam_module(self):
        e, r = self.e, self.r
        secure = coin(r)
        name = e.uniq("iam_baseline")
        m = Block("module", name)
        m.a("source", "../../modules/iam-baseline")
        m.nl()
        m.a("name_prefix", f"${{local.name_prefix}}-{e.word('iam')}")
        people = r.sample(["alice", "bob", "carol", "dave", "erin", "frank"], 4)
        m.a("admin_users", [f"${{var.env}}-{e.word(p)}" for p in people[:1]])
        m.a("readonly_users", [f"${{var.env}}-{e.word(p)}" for p in people[1:3]] if not secure else [])
        m.a("deploy_resources", ["arn:aws:s3:::${var.artifact_bucket}/*"])
        if not secure:
            for k in r.sample(["grant_full_admin", "s3_wildcard", "trust_any_principal"], r.choice([1, 2])):
                m.a(k, True)
        m.a("tags", Raw("local.common_tags"))
        e.blocks.append(m)

    def secret(self):
        e, r = self.e, self.r
        secure = coin(r)
        word = e.word(r.choice(["db_password", "api_key", "oauth_client", "signing_key", "webhook_token"]))
        name = e.uniq(word)
        if coin(r, 0.35):
            m = Block("module", name)
            m.a("source", "../../modules/secret")
            m.nl()
            m.a("name", f"${{var.env}}/{word.replace('_', '-')}")
            if secure:
                m.a("rotation_lambda_arn", f"arn:aws:lambda:${{var.region}}:${{var.account_id}}:function:secret-rotator")
            m.a("tags", Raw("local.common_tags"))
            e.blocks.append(m)
            return
        s = Block("resource", "aws_secretsmanager_secret", name)
        s.a("name", f"${{var.env}}/{word.replace('_', '-')}")
        s.a("description", f"{word.replace('_', ' ')} for ${{var.env}}")
        if coin(r, 0.4):
            s.a("kms_key_id", Raw(f"aws_kms_key.{self.kms_key('secrets', secure=True)}.arn"))
        s.a("recovery_window_in_days", Raw("local.is_prod ? 30 : 7"))
        s.a("tags", Raw("local.common_tags"))
        e.blocks.append(s)
        if secure:
            rot = Block("resource", "aws_secretsmanager_secret_rotation", name)
            rot.a("secret_id", Raw(f"aws_secretsmanager_secret.{name}.id"))
            rot.a("rotation_lambda_arn", "arn:aws:lambda:${var.region}:${var.account_id}:function:secret-rotator")
            rr = rot.b(Block("rotation_rules"))
            rr.a("automatically_after_days", r.choice([30, 60, 90]))
            e.blocks.append(rot)


# Block families and their weights in a root module.
FAMILIES = [
    ("s3_single", 10), ("s3_count", 3), ("s3_foreach", 3), ("s3_module", 5),
    ("sg_inline", 6), ("sg_dynamic", 4), ("sg_rules", 4), ("sg_module", 3),
    ("instance", 6), ("ebs_volume", 3), ("ec2_module", 3),
    ("rds", 4), ("rds_module", 2),
    ("cloudtrail", 2), ("trail_module", 1),
    ("kms_key", 3), ("sqs", 4), ("sns", 3), ("messaging_module", 2),
    ("efs", 3), ("eks", 2), ("lambda_fn", 5),
    ("iam_policy", 4), ("iam_role", 3), ("iam_user", 3), ("iam_module", 1),
    ("secret", 4),
]


def build_env(name, stage, region, seed, line_budget, unique_names=False):
    rng = random.Random(f"{seed}:{name}")
    env = Env(name, stage, region, rng, unique_names)
    eb = EnvBuilder(env)
    eb.base()
    names = [f for f, _ in FAMILIES]
    weights = [w for _, w in FAMILIES]
    last_sg = None
    last_policy = None
    files = render_env(env)
    while sum(t.count("\n") for n, t in files.items() if n.endswith(".tf")) < line_budget:
        fam = rng.choices(names, weights)[0]
        if fam == "instance":
            eb.instance(sg=last_sg if coin(rng, 0.6) else None)
        elif fam in ("iam_role", "iam_user"):
            getattr(eb, fam)(policy=last_policy if coin(rng, 0.5) else None)
        elif fam == "sg_inline":
            last_sg = eb.sg_inline()
        elif fam == "iam_policy":
            last_policy = eb.iam_policy()
        else:
            getattr(eb, fam)()
        files = render_env(env)
    return files


def render_env(env):
    files = {}
    files["main.tf"] = file_text(env.blocks)
    files["variables.tf"] = file_text(list(env.vars.values()))
    loc = Block("locals")
    for k, v in env.locals.items():
        loc.a(k, v)
    files["locals.tf"] = file_text([loc])
    files["outputs.tf"] = file_text(env.outputs) if env.outputs else "# No outputs.\n"
    tfv = []
    pairs = [(k, render(v, 0)) for k, v in env.tfvars.items()]
    tfv.extend(_aligned(pairs, 0))
    files["terraform.tfvars"] = "\n".join(tfv) + "\n"
    return files


def build_modules():
    out = {}
    for mod, fn in MODULES.items():
        main, variables, outputs = fn()
        out[mod] = {
            "main.tf": file_text(main),
            "variables.tf": file_text(variables),
            "outputs.tf": file_text(outputs),
            "versions.tf": versions_tf(),
        }
    return out


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out_dir")
    ap.add_argument("--files", type=int, default=1000, help=".tf files to write (default 1000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--lines-per-file", type=int, default=100,
                    help="average lines per .tf file (default 100)")
    ap.add_argument("--unique-names", action="store_true",
                    help="suffix every resource and module name with its env, so that no Terraform address "
                         "repeats across root modules (by default names repeat, as in real monorepos)")
    ap.add_argument("--force", action="store_true", help="replace OUT_DIR if it exists")
    args = ap.parse_args(argv)

    out = args.out_dir
    if os.path.exists(out) and os.listdir(out):
        if not args.force:
            sys.exit(f"gen_tf_tree: {out} exists and is not empty (use --force to replace it)")
        shutil.rmtree(out)

    modules = build_modules()
    module_tf = sum(len(f) for f in modules.values())
    module_lines = sum(t.count("\n") for f in modules.values() for t in f.values())
    if args.files < module_tf + 4:
        sys.exit(f"gen_tf_tree: --files must be at least {module_tf + 4}")
    env_files = args.files - module_tf
    n_envs = env_files // 4
    extra = env_files - 4 * n_envs  # envs that also get a versions.tf
    target = args.files * args.lines_per_file
    remaining = target - module_lines

    for mod, files in modules.items():
        for fname, text in files.items():
            write(os.path.join(out, "modules", mod, fname), text)

    total_files = module_tf
    total_lines = module_lines
    rng = random.Random(args.seed)
    for i in range(n_envs):
        stage = STAGES[i % len(STAGES)]
        region = rng.choice(REGIONS)
        name = f"{stage}-{i + 1:03d}"
        budget = remaining / (n_envs - i)
        budget = int(budget * rng.uniform(0.75, 1.25)) if i < n_envs - 1 else int(budget)
        files = build_env(name, stage, region, args.seed, budget, args.unique_names)
        if i < extra:
            files["versions.tf"] = "# Versions are pinned in main.tf; kept for tooling that expects this file.\n"
        for fname, text in files.items():
            write(os.path.join(out, "envs", name, fname), text)
            if fname.endswith(".tf"):
                total_files += 1
                total_lines += text.count("\n")
                remaining -= text.count("\n")
    print(f"gen_tf_tree: wrote {total_files} .tf files, {total_lines} lines "
          f"({len(modules)} modules, {n_envs} envs) to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
