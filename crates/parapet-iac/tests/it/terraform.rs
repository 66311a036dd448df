use parapet_core::{AttrOrigin, AttrValue};
use parapet_iac::{IacOptions, TerraformOptions};

use crate::{resource, s, scan, value};

#[test]
fn expressions_functions_and_templates() {
    let tf = r#"
variable "env" { default = "prod" }
variable "extra" { default = ["b", "c"] }
locals {
  names   = concat(["a"], var.extra)
  upper   = [for n in local.names : upper(n) if n != "c"]
  by_len  = { for n in ["ab", "cd", "e"] : length(n) => n... }
  prefix  = lookup({ prod = "p", dev = "d" }, var.env, "x")
  label   = "%{ if var.env == "prod" }live%{ else }test%{ endif }-${local.prefix}"
  listing = "%{ for n in local.names }${n};%{ endfor }"
  safe    = try(local.missing_map.key, "fallback")
  ok      = can(regex("x", "y"))
  port    = 20 + 2
  joined  = join(",", formatlist("%s", ["a"]))
  splat   = [{ id = 1 }, { id = 2 }][*].id
}
resource "aws_efs_file_system" "fs" {
  creation_token = "${local.label}|${local.listing}|${local.safe}|${jsonencode(local.upper)}|${local.port}|${jsonencode(local.by_len)}|${jsonencode(local.splat)}"
  encrypted      = var.env == "prod" && length(local.names) == 3
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    let fs = resource(&scan, "main.tf#aws_efs_file_system.fs");
    assert_eq!(
        fs.name,
        r#"live-p|a;b;c;|fallback|["A","B"]|22|{"1":["e"],"2":["ab","cd"]}|[1,2]"#
    );
    assert_eq!(value(fs, "encrypted"), AttrValue::Bool(true));
    // The attribute points at the line that set it.
    let origin = &fs.attributes["encrypted"].origin;
    assert!(
        matches!(origin, AttrOrigin::File { line: 19, .. }),
        "{origin:?}"
    );
}

#[test]
fn unresolvable_values_are_unknown_never_guessed() {
    let tf = r#"
variable "encrypt" {}
resource "aws_ebs_volume" "a" {
  encrypted = var.encrypt
}
resource "aws_ebs_volume" "b" {
  encrypted = timestamp() != ""
}
resource "aws_ebs_volume" "c" {
  size = 1
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    assert!(resource(&scan, "main.tf#aws_ebs_volume.a").is_unknown("encrypted"));
    assert!(resource(&scan, "main.tf#aws_ebs_volume.b").is_unknown("encrypted"));
    // Left out: the provider's default, known.
    assert_eq!(
        value(resource(&scan, "main.tf#aws_ebs_volume.c"), "encrypted"),
        AttrValue::Bool(false)
    );
}

#[test]
fn tfvars_then_var_files_then_vars_win_in_order() {
    let files = [
        ("main.tf", "variable \"a\" {}\nvariable \"b\" {}\nvariable \"c\" {}\nresource \"aws_sns_topic\" \"t\" { name = \"${var.a}-${var.b}-${var.c}\" }\n"),
        ("terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n"),
        ("x.auto.tfvars.json", "{\"b\": \"auto\", \"c\": \"auto\"}"),
    ];
    let dir = tempfile::tempdir().expect("temp dir");
    let extra = dir.path().join("extra.tfvars");
    std::fs::write(&extra, "c = \"file\"\n").expect("write");
    let options = IacOptions {
        terraform: TerraformOptions {
            vars: vec![("a".into(), "cli".into())],
            var_files: vec![extra],
        },
    };
    let scan = scan(&files, &options);
    assert_eq!(
        resource(&scan, "main.tf#aws_sns_topic.t").name,
        "cli-auto-file"
    );
}

#[test]
fn count_for_each_and_modules_expand_to_instances() {
    let root = r#"
module "queues" {
  source = "./modules/queue"
  names  = toset(["a", "b"])
}
resource "aws_sns_topic" "t" {
  count = 2
  name  = "topic-${count.index}-${module.queues.first}"
}
"#;
    let module = r#"
variable "names" {}
resource "aws_sqs_queue" "q" {
  for_each = var.names
  name     = "q-${each.key}"
}
output "first" { value = "q-${sort(var.names)[0]}" }
"#;
    let scan = scan(
        &[("main.tf", root), ("modules/queue/main.tf", module)],
        &IacOptions::default(),
    );
    assert_eq!(
        resource(&scan, "main.tf#aws_sns_topic.t[1]").name,
        "topic-1-q-a"
    );
    let q = resource(
        &scan,
        "modules/queue/main.tf#module.queues.aws_sqs_queue.q[\"b\"]",
    );
    assert_eq!(q.name, "q-b");
}

#[test]
fn split_resources_fold_into_their_bucket_group_and_function() {
    let tf = r#"
resource "aws_s3_bucket" "b" { bucket = "logs" }
resource "aws_s3_bucket_public_access_block" "b" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  ignore_public_acls      = true
  block_public_policy     = true
  restrict_public_buckets = false
}
resource "aws_s3_bucket_policy" "b" {
  bucket = "logs"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "${aws_s3_bucket.b.arn}/*" }]
  })
}
resource "aws_security_group" "g" { name = "g" }
resource "aws_security_group_rule" "ssh" {
  type              = "ingress"
  security_group_id = aws_security_group.g.id
  protocol          = "tcp"
  from_port         = 22
  to_port           = 22
  cidr_blocks       = ["0.0.0.0/0"]
}
resource "aws_security_group_rule" "elsewhere" {
  type              = "ingress"
  security_group_id = "sg-123"
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["10.0.0.0/8"]
}
resource "aws_lambda_function" "f" { function_name = "f" }
resource "aws_lambda_function_url" "f" {
  function_name      = aws_lambda_function.f.function_name
  authorization_type = "NONE"
}
resource "aws_lambda_permission" "anyone" {
  function_name = aws_lambda_function.f.function_name
  principal     = "*"
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    let bucket = resource(&scan, "main.tf#aws_s3_bucket.b");
    assert_eq!(
        value(bucket, "public_access_block.block_public_acls"),
        AttrValue::Bool(true)
    );
    assert_eq!(
        value(bucket, "public_access_block.restrict_public_buckets"),
        AttrValue::Bool(false)
    );
    assert_eq!(
        value(bucket, "policy.principals"),
        AttrValue::List(vec![s("*")])
    );
    let group = resource(&scan, "main.tf#aws_security_group.g");
    let ingress = value(group, "ingress");
    assert_eq!(ingress.as_list().map(|l| l.len()), Some(1));
    assert_eq!(
        ingress
            .as_list()
            .and_then(|l| l[0].get("from_port"))
            .cloned(),
        Some(AttrValue::Int(22))
    );
    // A rule for a group outside the tree is checked on its own.
    let orphan = resource(&scan, "main.tf#aws_security_group_rule.elsewhere");
    assert_eq!(value(orphan, "ingress").as_list().map(|l| l.len()), Some(1));
    let function = resource(&scan, "main.tf#aws_lambda_function.f");
    assert_eq!(value(function, "url.auth_type"), s("NONE"));
    assert_eq!(
        value(function, "policy.principals"),
        AttrValue::List(vec![s("*")])
    );
}

#[test]
fn policy_documents_render_as_aws_sees_them() {
    let tf = r#"
data "aws_iam_policy_document" "trust" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = data.aws_iam_policy_document.trust.json
}
resource "aws_iam_policy" "p" {
  name   = "p"
  policy = <<-EOT
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
  EOT
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    let role = resource(&scan, "main.tf#aws_iam_role.r");
    let trust = value(role, "trust_policy");
    let statement = trust
        .get("Statement")
        .and_then(|s| s.as_list())
        .and_then(|l| l.first())
        .cloned();
    assert_eq!(
        statement.as_ref().and_then(|s| s.get("Effect")).cloned(),
        Some(s("Allow"))
    );
    assert_eq!(
        statement.and_then(|s| s.get("Principal").cloned()),
        Some(AttrValue::Map(
            [("AWS".to_string(), AttrValue::List(vec![s("*")]))]
                .into_iter()
                .collect()
        ))
    );
    let policy = resource(&scan, "main.tf#aws_iam_policy.p");
    assert_eq!(value(policy, "attachment_count"), AttrValue::Int(1));
}

/// Regression: attachments in one environment folder used to fold into the
/// same-named resource of another, and a module shared by two roots gave
/// both instances one identity.
#[test]
fn links_stay_inside_their_root_module() {
    let env = |name: &str, rotation: bool, public: bool| {
        let rotation = if rotation {
            "resource \"aws_secretsmanager_secret_rotation\" \"db\" {\n  secret_id = aws_secretsmanager_secret.db.id\n}\n"
        } else {
            ""
        };
        format!(
            "resource \"aws_secretsmanager_secret\" \"db\" {{ name = \"{name}/db\" }}\n{rotation}module \"logs\" {{\n  source = \"../../modules/m\"\n  public = {public}\n}}\n"
        )
    };
    let module = "variable \"public\" {}\nresource \"aws_s3_bucket\" \"this\" { bucket_prefix = \"logs-\" }\nresource \"aws_s3_bucket_acl\" \"this\" {\n  bucket = aws_s3_bucket.this.id\n  acl    = var.public ? \"public-read\" : \"private\"\n}\n";
    let (a, b) = (env("a", true, true), env("b", false, false));
    let scan = scan(
        &[
            ("envs/a/main.tf", &a),
            ("envs/b/main.tf", &b),
            ("modules/m/main.tf", module),
        ],
        &IacOptions::default(),
    );
    assert_eq!(
        value(
            resource(&scan, "envs/a/main.tf#aws_secretsmanager_secret.db"),
            "rotation_enabled"
        ),
        AttrValue::Bool(true)
    );
    assert_eq!(
        value(
            resource(&scan, "envs/b/main.tf#aws_secretsmanager_secret.db"),
            "rotation_enabled"
        ),
        AttrValue::Bool(false)
    );
    let grants = |uid: &str| {
        value(resource(&scan, uid), "acl.grants")
            .as_list()
            .map(<[AttrValue]>::len)
    };
    assert_eq!(grants("envs/a#module.logs.aws_s3_bucket.this"), Some(1));
    assert_eq!(grants("envs/b#module.logs.aws_s3_bucket.this"), Some(0));
}

/// Regression: `aws_iam_user.this[each.key]` attached to every instance, and
/// `for_each = aws_s3_bucket.media` never linked.
#[test]
fn references_to_instances_link_to_that_instance() {
    let tf = r#"
resource "aws_iam_user" "this" {
  for_each = toset(["bob", "carol"])
  name     = each.value
}
resource "aws_iam_user_policy_attachment" "ro" {
  for_each   = toset(["bob"])
  user       = aws_iam_user.this[each.key].name
  policy_arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
}
resource "aws_s3_bucket" "media" {
  for_each = { a = 1, b = 2 }
  bucket   = "media-${each.key}"
}
resource "aws_s3_bucket_acl" "media" {
  for_each = aws_s3_bucket.media
  bucket   = each.value.id
  acl      = "public-read"
}
resource "aws_s3_bucket" "logs" {
  count  = 2
  bucket = "logs-${count.index}"
}
resource "aws_s3_bucket_acl" "logs" {
  bucket = aws_s3_bucket.logs[1].id
  acl    = "public-read"
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    let attached = |uid: &str| {
        value(resource(&scan, uid), "attached_policies")
            .as_list()
            .map(<[AttrValue]>::len)
    };
    assert_eq!(attached("main.tf#aws_iam_user.this[\"bob\"]"), Some(1));
    assert_eq!(attached("main.tf#aws_iam_user.this[\"carol\"]"), Some(0));
    let grants = |uid: &str| {
        value(resource(&scan, uid), "acl.grants")
            .as_list()
            .map(<[AttrValue]>::len)
    };
    assert_eq!(grants("main.tf#aws_s3_bucket.media[\"a\"]"), Some(1));
    assert_eq!(grants("main.tf#aws_s3_bucket.media[\"b\"]"), Some(1));
    assert_eq!(grants("main.tf#aws_s3_bucket.logs[0]"), Some(0));
    assert_eq!(grants("main.tf#aws_s3_bucket.logs[1]"), Some(1));
}

#[test]
fn keys_and_permissions_set_by_reference_are_decidable() {
    let tf = r#"
data "aws_caller_identity" "me" {}
resource "aws_kms_key" "k" { enable_key_rotation = true }
resource "aws_sqs_queue" "q" {
  name              = "q"
  kms_master_key_id = aws_kms_key.k.arn
  policy = jsonencode({
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }
      Action    = "sqs:SendMessage"
      Resource  = "*"
    }]
  })
}
resource "aws_lambda_function" "f" { function_name = "f" }
resource "aws_lambda_permission" "s3" {
  function_name = aws_lambda_function.f.function_name
  principal     = "s3.amazonaws.com"
  source_arn    = "arn:aws:s3:::uploads"
}
"#;
    let scan = scan(&[("main.tf", tf)], &IacOptions::default());
    let queue = resource(&scan, "main.tf#aws_sqs_queue.q");
    assert!(value(queue, "kms_key_id")
        .as_str()
        .is_some_and(|k| k.starts_with("aws_kms_key.k")));
    assert_eq!(value(queue, "sqs_managed_sse"), AttrValue::Bool(false));
    let principals = value(queue, "policy.principals");
    assert!(
        principals.as_list().is_some_and(|p| p.len() == 1),
        "{principals:?}"
    );
    let function = resource(&scan, "main.tf#aws_lambda_function.f");
    let policy = value(function, "policy");
    let statement = policy
        .get("Statement")
        .and_then(|s| s.as_list())
        .and_then(|l| l.first())
        .cloned();
    assert!(statement.is_some_and(|s| s.get("Condition").is_some()));
}

#[test]
fn an_account_block_public_access_covers_the_buckets_of_its_root_only() {
    let with_block = "resource \"aws_s3_account_public_access_block\" \"all\" {\n  block_public_acls       = true\n  ignore_public_acls      = true\n  block_public_policy     = true\n  restrict_public_buckets = true\n}\nresource \"aws_s3_bucket\" \"b\" { bucket = \"a-b\" }\n";
    let without = "resource \"aws_s3_bucket\" \"b\" { bucket = \"b-b\" }\n";
    let scan = scan(
        &[("a/main.tf", with_block), ("b/main.tf", without)],
        &IacOptions::default(),
    );
    let settings = resource(&scan, "a/main.tf#aws_s3_account_public_access_block.all");
    assert_eq!(settings.kind, "aws.s3.account-settings");
    assert_eq!(
        resource(&scan, "a/main.tf#aws_s3_bucket.b").account,
        settings.account
    );
    assert_ne!(
        resource(&scan, "b/main.tf#aws_s3_bucket.b").account,
        settings.account
    );
}

#[test]
fn plan_resources_in_local_modules_point_at_their_module_file() {
    let plan = r#"{
  "format_version": "1.2", "terraform_version": "1.9.5",
  "planned_values": {"root_module": {"child_modules": [{"address": "module.db", "resources": [
    {"address": "module.db.aws_db_instance.main", "mode": "managed", "type": "aws_db_instance", "name": "main",
     "values": {"identifier": "orders", "publicly_accessible": true}}
  ]}]}},
  "resource_changes": [],
  "configuration": {"root_module": {"module_calls": {"db": {"source": "./modules/db", "module": {"resources": []}}}}}
}"#;
    let module = "variable \"public\" {}\n\nresource \"aws_db_instance\" \"main\" {\n  identifier = \"orders\"\n}\n";
    let scan = scan(
        &[
            ("plan.json", plan),
            (
                "main.tf",
                "module \"db\" {\n  source = \"./modules/db\"\n}\n",
            ),
            ("modules/db/main.tf", module),
        ],
        &IacOptions::default(),
    );
    let db = scan
        .resources
        .iter()
        .find(|d| d.resource.uid == "modules/db/main.tf#module.db.aws_db_instance.main")
        .unwrap_or_else(|| {
            panic!(
                "{:?}",
                scan.resources
                    .iter()
                    .map(|d| &d.resource.uid)
                    .collect::<Vec<_>>()
            )
        });
    assert_eq!(
        (db.location.path.as_str(), db.location.line),
        ("modules/db/main.tf", 3)
    );
    // The plan's value (public), not the configuration's default, is what is checked.
    assert_eq!(
        value(&db.resource, "publicly_accessible"),
        AttrValue::Bool(true)
    );
}
