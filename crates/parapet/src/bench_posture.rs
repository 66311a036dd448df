//! `parapet bench posture`: every posture rule over a generated inventory
//! (a realistic mix of buckets, groups, instances, users, policies, keys,
//! databases, functions, and per-region settings), on one thread and on all.

use std::collections::BTreeMap;
use std::time::Instant;

use anyhow::Result;
use parapet_core::{AttrOrigin, AttrValue, Provider, Resource, Timestamp};
use parapet_policy::{builtin_rules, evaluate, Inventory};

use crate::cli_posture::BenchPostureArgs;
use crate::Outcome;

fn json(text: &str) -> AttrValue {
    sonic_rs::from_str::<sonic_rs::Value>(text)
        .map_or(AttrValue::Null, |v| AttrValue::from_json(&v))
}

fn map(pairs: &[(&str, AttrValue)]) -> AttrValue {
    AttrValue::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>(),
    )
}

/// Resource number `n` of a generated account: kinds in a fixed rotation,
/// every tenth one misconfigured.
fn resource(n: usize, origin: &AttrOrigin) -> Resource {
    let account = format!("{:012}", 100_000_000_000 + n % 10);
    let region = ["us-east-1", "eu-west-1", "ap-southeast-2"][n % 3];
    let bad = n.is_multiple_of(10);
    let arn = |kind: &str| format!("arn:aws:{kind}:{region}:{account}:{n}");
    let mut r;
    match n % 10 {
        0 | 5 => {
            r = Resource::new(
                Provider::Aws,
                "aws.s3.bucket",
                format!("arn:aws:s3:::bucket-{n}"),
                format!("bucket-{n}"),
            );
            for flag in [
                "block_public_acls",
                "ignore_public_acls",
                "block_public_policy",
                "restrict_public_buckets",
            ] {
                r.set(&format!("public_access_block.{flag}"), !bad, origin);
            }
            r.set(
                "acl.grants",
                AttrValue::List(vec![map(&[
                    ("grantee", "owner".into()),
                    ("permission", "FULL_CONTROL".into()),
                ])]),
                origin,
            );
            r.set("policy", json(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#), origin);
            r.set("versioning.enabled", true, origin);
            r.set("versioning.mfa_delete", false, origin);
            r.set("logging.enabled", true, origin);
        }
        1 => {
            r = Resource::new(
                Provider::Aws,
                "aws.ec2.security-group",
                arn("ec2"),
                if bad { "default" } else { "web" },
            );
            let rule = |port: i64, cidr: &str| {
                map(&[
                    ("protocol", "tcp".into()),
                    ("from_port", port.into()),
                    ("to_port", port.into()),
                    ("cidr_ipv4", vec![cidr].into()),
                    ("cidr_ipv6", Vec::<String>::new().into()),
                ])
            };
            r.set(
                "ingress",
                AttrValue::List(vec![
                    rule(443, "0.0.0.0/0"),
                    rule(
                        22,
                        if n.is_multiple_of(7) {
                            "0.0.0.0/0"
                        } else {
                            "10.0.0.0/8"
                        },
                    ),
                    rule(5432, "10.0.0.0/8"),
                ]),
                origin,
            );
            r.set("egress", AttrValue::List(vec![]), origin);
        }
        2 => {
            r = Resource::new(
                Provider::Aws,
                "aws.ec2.instance",
                arn("ec2"),
                format!("i-{n}"),
            );
            r.set("state", "running", origin);
            r.set(
                "metadata.http_tokens",
                if n.is_multiple_of(4) {
                    "optional"
                } else {
                    "required"
                },
                origin,
            );
            r.set("metadata.http_endpoint", "enabled", origin);
            r.set(
                "iam_instance_profile",
                "arn:aws:iam::1:instance-profile/app",
                origin,
            );
        }
        3 => {
            r = Resource::new(
                Provider::Aws,
                "aws.iam.user",
                format!("arn:aws:iam::{account}:user/u{n}"),
                format!("u{n}"),
            );
            r.set("login_profile.exists", true, origin);
            r.set("mfa.enabled", !n.is_multiple_of(3), origin);
            r.set(
                "access_keys",
                AttrValue::List(vec![map(&[
                    ("id", "AKIAEXAMPLE".into()),
                    ("status", "Active".into()),
                    ("create_date", "2026-01-01T00:00:00Z".into()),
                ])]),
                origin,
            );
            r.set("attached_policies", Vec::<String>::new(), origin);
            r.set("inline_policies", Vec::<String>::new(), origin);
            for (column, value) in [
                ("password_enabled", "true"),
                ("access_key_1_active", "true"),
                ("access_key_2_active", "false"),
                ("password_last_changed", "2026-01-01T00:00:00+00:00"),
                ("access_key_1_last_rotated", "2026-01-01T00:00:00+00:00"),
            ] {
                r.set(&format!("credential_report.{column}"), value, origin);
            }
            for (column, value) in [
                ("password_last_used", "2026-05-30T00:00:00+00:00"),
                ("access_key_1_last_used_date", "2026-05-30T00:00:00+00:00"),
                ("access_key_2_last_used_date", "N/A"),
            ] {
                r.set(
                    &format!("observed.credential_report.{column}"),
                    value,
                    origin,
                );
            }
        }
        4 => {
            r = Resource::new(
                Provider::Aws,
                "aws.iam.policy",
                format!("arn:aws:iam::{account}:policy/p{n}"),
                format!("p{n}"),
            );
            r.set("attachment_count", 1i64, origin);
            r.set("document", json(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket","iam:PassRole","ec2:Describe*"],"Resource":"*"}]}"#), origin);
        }
        6 => {
            r = Resource::new(
                Provider::Aws,
                "aws.ec2.volume",
                arn("ec2"),
                format!("vol-{n}"),
            );
            r.set("encrypted", !n.is_multiple_of(4), origin);
        }
        7 => {
            r = Resource::new(Provider::Aws, "aws.kms.key", arn("kms"), format!("key-{n}"));
            r.set("key_manager", "CUSTOMER", origin);
            r.set("key_state", "Enabled", origin);
            r.set("key_spec", "SYMMETRIC_DEFAULT", origin);
            r.set("rotation_enabled", !n.is_multiple_of(4), origin);
        }
        8 => {
            r = Resource::new(
                Provider::Aws,
                "aws.rds.instance",
                arn("rds"),
                format!("db-{n}"),
            );
            r.set("storage_encrypted", true, origin);
            r.set("publicly_accessible", bad, origin);
            r.set("auto_minor_version_upgrade", true, origin);
        }
        _ => {
            r = Resource::new(
                Provider::Aws,
                "aws.lambda.function",
                arn("lambda"),
                format!("fn-{n}"),
            );
            r.set(
                "runtime",
                if n.is_multiple_of(4) {
                    "python3.8"
                } else {
                    "python3.12"
                },
                origin,
            );
            r.set("url.auth_type", AttrValue::Null, origin);
            r.set("policy.principals", Vec::<String>::new(), origin);
        }
    }
    r.located(&account, region)
}

/// Per account: trails, settings and monitoring the account-wide rules read.
fn account_resources(account: usize, origin: &AttrOrigin) -> Vec<Resource> {
    let id = format!("{:012}", 100_000_000_000 + account);
    let mut trail = Resource::new(
        Provider::Aws,
        "aws.cloudtrail.trail",
        format!("arn:aws:cloudtrail:us-east-1:{id}:trail/main"),
        "main",
    )
    .located(&id, "us-east-1");
    trail.set("multi_region", true, origin);
    trail.set("logging", true, origin);
    trail.set("logs_all_management_events", true, origin);
    trail.set("log_file_validation", true, origin);
    trail.set("kms_key_id", AttrValue::Null, origin);
    trail.set("s3_bucket", "bucket-5", origin);
    trail.set("advanced_event_selectors", false, origin);
    trail.set("event_selectors", AttrValue::List(vec![]), origin);
    let mut settings = Vec::new();
    for region in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
        let mut s = Resource::new(
            Provider::Aws,
            "aws.ec2.region-settings",
            format!("arn:aws:ec2:{region}:{id}:account-settings"),
            region,
        )
        .located(&id, region);
        s.set(
            "ebs_encryption_by_default",
            account.is_multiple_of(2),
            origin,
        );
        settings.push(s);
    }
    settings.push(trail);
    settings
}

pub fn posture(args: BenchPostureArgs) -> Result<Outcome> {
    let origin = AttrOrigin::Api("bench".into());
    let started = Instant::now();
    let mut resources: Vec<Resource> = (0..args.resources).map(|n| resource(n, &origin)).collect();
    for account in 0..10 {
        resources.extend(account_resources(account, &origin));
    }
    let generated = started.elapsed();
    let started = Instant::now();
    let inventory = Inventory::new(resources, Timestamp(1_780_000_000_000));
    let indexed = started.elapsed();
    let rules = builtin_rules();
    let all = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    eprintln!(
        "parapet bench posture: {} resources ({} generated in {:.2}s), {} rules; index {:.3}s",
        inventory.len(),
        args.resources,
        generated.as_secs_f64(),
        rules.len(),
        indexed.as_secs_f64()
    );
    for threads in [1, all] {
        let started = Instant::now();
        let findings = evaluate(&inventory, &rules, threads);
        let took = started.elapsed().as_secs_f64();
        let failing = findings
            .iter()
            .filter(|f| f.status == parapet_core::CheckStatus::Fail)
            .count();
        println!(
            "evaluate  threads={threads}  {:.3}s  {} findings ({failing} fail)  {:.0} resources/s",
            took,
            findings.len(),
            inventory.len() as f64 / took
        );
    }
    Ok(Outcome::Clean)
}
