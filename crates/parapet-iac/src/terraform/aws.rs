//! Terraform AWS resources as the Resource kinds and attributes the live
//! collectors produce. An argument left out takes the provider's default
//! (known, pointing at the resource's line); one the template computes from
//! something only apply knows is unknown.

use parapet_core::{AttrValue, Provider};

use super::module::TfResource;
use crate::draft::Draft;
use crate::value::Value;

pub(crate) const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
pub(crate) const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";
pub(crate) const AUTHENTICATED_USERS: &str =
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";

/// The Resource kind a Terraform type maps to, and the draft.
pub(crate) fn primary(tf: &TfResource) -> Option<Draft> {
    let v = |key: &str| tf.values.get(key);
    let draft = |kind: &str, name_key: &str| {
        let name = v(name_key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .unwrap_or_else(|| tf.address.clone());
        Draft::new(
            Provider::Aws,
            kind,
            tf.uid(),
            name,
            &tf.path,
            tf.line,
            tf.lines.clone(),
        )
    };
    let mut d;
    match tf.kind.as_str() {
        "aws_s3_bucket" => {
            d = draft("aws.s3.bucket", "bucket");
            let versioning = tf_block(tf, "versioning");
            d.put_bool(
                "versioning.enabled",
                "versioning",
                versioning.and_then(|b| b.get("enabled")),
                false,
            );
            d.put_bool(
                "versioning.mfa_delete",
                "versioning",
                versioning.and_then(|b| b.get("mfa_delete")),
                false,
            );
            d.put_bool(
                "logging.enabled",
                "logging",
                tf_block(tf, "logging").map(|_| &TRUE),
                false,
            );
            let sse = tf_block(tf, "server_side_encryption_configuration")
                .and_then(|c| c.block("rule"))
                .and_then(|r| r.block("apply_server_side_encryption_by_default"))
                .and_then(|a| a.get("sse_algorithm"));
            d.put(
                "encryption.algorithm",
                "server_side_encryption_configuration",
                sse,
                "AES256",
            );
            d.put_policy("policy", "policy", v("policy"));
            put_grants(&mut d, "acl", v("acl"));
            d.put_bool(
                "object_lock.enabled",
                "object_lock_enabled",
                v("object_lock_enabled"),
                false,
            );
            for flag in PUBLIC_ACCESS_FLAGS {
                d.known(
                    &format!("public_access_block.{flag}"),
                    "",
                    AttrValue::Bool(false),
                );
            }
        }
        "aws_security_group" | "aws_default_security_group" => {
            d = draft("aws.ec2.security-group", "name");
            if tf.kind == "aws_default_security_group" {
                d.resource.name = "default".to_string();
            }
            for direction in ["ingress", "egress"] {
                let rules: Value = Value::List(
                    tf_blocks(tf, direction)
                        .into_iter()
                        .map(|b| {
                            sg_rule(
                                b.get("protocol"),
                                b.get("from_port"),
                                b.get("to_port"),
                                b.get("cidr_blocks"),
                                b.get("ipv6_cidr_blocks"),
                            )
                        })
                        .collect(),
                );
                d.put_value(direction, direction, &rules);
            }
        }
        "aws_instance" => {
            d = draft("aws.ec2.instance", "");
            let metadata = tf_block(tf, "metadata_options");
            d.put(
                "metadata.http_endpoint",
                "metadata_options",
                metadata.and_then(|m| m.get("http_endpoint")),
                "enabled",
            );
            d.put(
                "metadata.http_tokens",
                "metadata_options",
                metadata.and_then(|m| m.get("http_tokens")),
                "optional",
            );
            d.put_reference(
                "iam_instance_profile",
                "iam_instance_profile",
                v("iam_instance_profile"),
                AttrValue::Null,
            );
            d.known("state", "", AttrValue::from("pending"));
        }
        "aws_ebs_volume" => {
            d = draft("aws.ec2.volume", "");
            d.put_bool("encrypted", "encrypted", v("encrypted"), false);
            d.put_reference("kms_key_id", "kms_key_id", v("kms_key_id"), AttrValue::Null);
        }
        "aws_ebs_encryption_by_default" => {
            d = draft("aws.ec2.region-settings", "");
            d.put_bool("ebs_encryption_by_default", "enabled", v("enabled"), true);
        }
        "aws_vpc" => {
            d = draft("aws.ec2.vpc", "");
            d.known("flow_logs.enabled", "", AttrValue::Bool(false));
            d.known("is_default", "", AttrValue::Bool(false));
        }
        "aws_network_acl" | "aws_default_network_acl" => {
            d = draft("aws.ec2.network-acl", "");
            let mut entries = Vec::new();
            for (direction, egress) in [("ingress", false), ("egress", true)] {
                for b in tf_blocks(tf, direction) {
                    entries.push(nacl_entry(b, egress, "rule_no", "action"));
                }
            }
            d.put_value("entries", "ingress", &Value::List(entries));
        }
        "aws_db_instance" => {
            d = draft("aws.rds.instance", "identifier");
            d.put_bool(
                "storage_encrypted",
                "storage_encrypted",
                v("storage_encrypted"),
                false,
            );
            d.put_bool(
                "publicly_accessible",
                "publicly_accessible",
                v("publicly_accessible"),
                false,
            );
            d.put_bool(
                "auto_minor_version_upgrade",
                "auto_minor_version_upgrade",
                v("auto_minor_version_upgrade"),
                true,
            );
        }
        "aws_cloudtrail" => {
            d = draft("aws.cloudtrail.trail", "name");
            d.put_bool("logging", "enable_logging", v("enable_logging"), true);
            d.put_bool(
                "log_file_validation",
                "enable_log_file_validation",
                v("enable_log_file_validation"),
                false,
            );
            d.put_bool(
                "multi_region",
                "is_multi_region_trail",
                v("is_multi_region_trail"),
                false,
            );
            d.put_reference("kms_key_id", "kms_key_id", v("kms_key_id"), AttrValue::Null);
            d.put(
                "s3_bucket",
                "s3_bucket_name",
                v("s3_bucket_name"),
                AttrValue::Null,
            );
        }
        "aws_kms_key" => {
            d = draft("aws.kms.key", "");
            d.known("key_manager", "", AttrValue::from("CUSTOMER"));
            d.put(
                "key_spec",
                "customer_master_key_spec",
                v("customer_master_key_spec"),
                "SYMMETRIC_DEFAULT",
            );
            d.put("key_usage", "key_usage", v("key_usage"), "ENCRYPT_DECRYPT");
            let state = match v("is_enabled").and_then(Value::as_bool) {
                Some(false) => "Disabled",
                _ => "Enabled",
            };
            d.known("key_state", "is_enabled", AttrValue::from(state));
            d.put_bool(
                "rotation_enabled",
                "enable_key_rotation",
                v("enable_key_rotation"),
                false,
            );
        }
        "aws_lambda_function" => {
            d = draft("aws.lambda.function", "function_name");
            d.put("runtime", "runtime", v("runtime"), AttrValue::Null);
            d.known("policy", "", AttrValue::Null);
            d.known("policy.principals", "", AttrValue::List(Vec::new()));
            d.known("url.auth_type", "", AttrValue::Null);
        }
        "aws_efs_file_system" => {
            d = draft("aws.efs.file-system", "creation_token");
            d.put_bool("encrypted", "encrypted", v("encrypted"), false);
        }
        "aws_eks_cluster" => {
            d = draft("aws.eks.cluster", "name");
            let vpc = tf_block(tf, "vpc_config");
            d.put_bool(
                "endpoint_public_access",
                "vpc_config",
                vpc.and_then(|c| c.get("endpoint_public_access")),
                true,
            );
            let world = AttrValue::List(vec![AttrValue::from("0.0.0.0/0")]);
            d.put(
                "public_access_cidrs",
                "vpc_config",
                vpc.and_then(|c| c.get("public_access_cidrs")),
                world,
            );
            d.put(
                "logging_types",
                "enabled_cluster_log_types",
                v("enabled_cluster_log_types"),
                AttrValue::List(Vec::new()),
            );
        }
        "aws_sns_topic" => {
            d = draft("aws.sns.topic", "name");
            d.put_policy("policy", "policy", v("policy"));
            d.put_reference(
                "kms_key_id",
                "kms_master_key_id",
                v("kms_master_key_id"),
                AttrValue::Null,
            );
        }
        "aws_sqs_queue" => {
            d = draft("aws.sqs.queue", "name");
            d.put_policy("policy", "policy", v("policy"));
            d.put_reference(
                "kms_key_id",
                "kms_master_key_id",
                v("kms_master_key_id"),
                AttrValue::Null,
            );
            // SQS encrypts new queues with SQS-owned keys unless told not to
            // (since October 2022).
            let managed = match v("kms_master_key_id") {
                Some(Value::Str(_) | Value::Unknown(Some(_))) => Some(&FALSE),
                _ => v("sqs_managed_sse_enabled"),
            };
            d.put_bool("sqs_managed_sse", "sqs_managed_sse_enabled", managed, true);
        }
        "aws_secretsmanager_secret" => {
            d = draft("aws.secretsmanager.secret", "name");
            d.known("rotation_enabled", "", AttrValue::Bool(false));
        }
        "aws_iam_policy" => {
            d = draft("aws.iam.policy", "name");
            d.put_policy("document", "policy", v("policy"));
            d.known("attachment_count", "", AttrValue::Int(0));
        }
        "aws_iam_role" => {
            d = draft("aws.iam.role", "name");
            d.put_policy(
                "trust_policy",
                "assume_role_policy",
                v("assume_role_policy"),
            );
        }
        "aws_iam_user" => {
            d = draft("aws.iam.user", "name");
            d.known("attached_policies", "", AttrValue::List(Vec::new()));
            d.known("inline_policies", "", AttrValue::List(Vec::new()));
        }
        "aws_s3_account_public_access_block" => {
            d = draft("aws.s3.account-settings", "");
            for flag in PUBLIC_ACCESS_FLAGS {
                d.put_bool(&format!("public_access_block.{flag}"), flag, v(flag), false);
            }
        }
        "aws_iam_account_password_policy" => {
            d = draft("aws.iam.password-policy", "");
            d.known("exists", "", AttrValue::Bool(true));
            d.put(
                "minimum_password_length",
                "minimum_password_length",
                v("minimum_password_length"),
                6i64,
            );
            d.put(
                "password_reuse_prevention",
                "password_reuse_prevention",
                v("password_reuse_prevention"),
                AttrValue::Null,
            );
        }
        _ => return None,
    }
    // A root module is what one `terraform apply` deploys to one account:
    // account-wide settings (Block Public Access, EBS default encryption)
    // apply within it.
    d.resource.account = tf.root.clone();
    Some(d)
}

static TRUE: Value = Value::Bool(true);
static FALSE: Value = Value::Bool(false);

pub(crate) const PUBLIC_ACCESS_FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

pub(crate) fn tf_block<'a>(tf: &'a TfResource, key: &str) -> Option<&'a Value> {
    match tf.values.get(key)? {
        Value::List(items) => items.first(),
        other @ Value::Map(_) => Some(other),
        _ => None,
    }
}

pub(crate) fn tf_blocks<'a>(tf: &'a TfResource, key: &str) -> Vec<&'a Value> {
    match tf.values.get(key) {
        Some(Value::List(items)) => items.iter().collect(),
        Some(other @ Value::Map(_)) => vec![other],
        _ => Vec::new(),
    }
}

/// A security group rule in the collectors' shape.
pub(crate) fn sg_rule(
    protocol: Option<&Value>,
    from: Option<&Value>,
    to: Option<&Value>,
    v4: Option<&Value>,
    v6: Option<&Value>,
) -> Value {
    let list = |v: Option<&Value>| match v {
        None | Some(Value::Null) => Value::List(Vec::new()),
        Some(Value::Str(s)) => Value::List(vec![Value::str(s)]),
        Some(other) => other.clone(),
    };
    let port = |v: Option<&Value>| match v {
        None => Value::Null,
        Some(p) => match p.as_f64() {
            Some(n) => Value::Number(n),
            None => p.clone(),
        },
    };
    Value::Map(
        [
            ("protocol", protocol.cloned().unwrap_or(Value::str("-1"))),
            ("from_port", port(from)),
            ("to_port", port(to)),
            ("cidr_ipv4", list(v4)),
            ("cidr_ipv6", list(v6)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

/// A network ACL entry in the collectors' shape.
pub(crate) fn nacl_entry(b: &Value, egress: bool, number_key: &str, action_key: &str) -> Value {
    let get = |k: &str| b.get(k).cloned().unwrap_or(Value::Null);
    Value::Map(
        [
            ("rule_number", get(number_key)),
            ("rule_action", get(action_key)),
            ("protocol", get("protocol")),
            ("from_port", get("from_port")),
            ("to_port", get("to_port")),
            ("cidr_ipv4", get("cidr_block")),
            ("cidr_ipv6", get("ipv6_cidr_block")),
            ("egress", Value::Bool(egress)),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect(),
    )
}

/// A canned ACL as the grants it makes.
pub(crate) fn canned_grants(acl: &str) -> Vec<AttrValue> {
    let grant = |who: &str, permission: &str| {
        AttrValue::Map(
            [("grantee", who), ("permission", permission)]
                .into_iter()
                .map(|(k, v)| (k.to_string(), AttrValue::from(v)))
                .collect(),
        )
    };
    match acl {
        "public-read" => vec![grant(ALL_USERS, "READ")],
        "public-read-write" => vec![grant(ALL_USERS, "READ"), grant(ALL_USERS, "WRITE")],
        "log-delivery-write" => vec![
            grant(LOG_DELIVERY, "WRITE"),
            grant(LOG_DELIVERY, "READ_ACP"),
        ],
        "authenticated-read" => vec![grant(AUTHENTICATED_USERS, "READ")],
        _ => Vec::new(),
    }
}

pub(crate) fn put_grants(d: &mut Draft, key: &str, acl: Option<&Value>) {
    match acl {
        None | Some(Value::Null) => d.known("acl.grants", key, AttrValue::List(Vec::new())),
        Some(Value::Str(acl)) => d.known("acl.grants", key, AttrValue::List(canned_grants(acl))),
        Some(_) => d.unknown("acl.grants", key),
    }
}
