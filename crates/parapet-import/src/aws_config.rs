//! AWS Config snapshots (`{"configurationItems": [...]}`, as Config delivers
//! them to S3, or the output of `aws configservice get-resource-config-history`
//! saved as `{"configurationItems": ...}`) into Resources. The types posture
//! rules read are mapped to the same attribute names the live collector
//! writes; every item also keeps its whole `configuration` as attributes.

use std::collections::BTreeMap;

use parapet_core::{allowed_principals, percent_decode, AttrOrigin, AttrValue, Provider, Resource};
use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};
use thiserror::Error;

use crate::json::{at, flag, keep_fields, object_or_text, set_paths, string_map, text};

#[derive(Debug, Error)]
pub enum ImportError {
    #[error("{source_name}: not JSON: {reason}")]
    Json { source_name: String, reason: String },
    #[error("{source_name}: no `configurationItems` array; is this an AWS Config snapshot?")]
    NotSnapshot { source_name: String },
}

#[derive(Debug, Default)]
pub struct Imported {
    pub resources: Vec<Resource>,
    /// Items that could not be used, each with its index and why.
    pub skipped: Vec<String>,
}

pub fn import_aws_config(source_name: &str, bytes: &[u8]) -> Result<Imported, ImportError> {
    if parapet_core::too_deep(bytes) {
        return Err(ImportError::Json {
            source_name: source_name.to_string(),
            reason: format!("nested deeper than {} levels", parapet_core::MAX_JSON_DEPTH),
        });
    }
    let snapshot: Value = sonic_rs::from_slice(bytes).map_err(|e| ImportError::Json {
        source_name: source_name.to_string(),
        reason: e.to_string(),
    })?;
    let Some(items) = snapshot
        .get("configurationItems")
        .and_then(|i| i.as_array())
    else {
        return Err(ImportError::NotSnapshot {
            source_name: source_name.to_string(),
        });
    };
    let origin = AttrOrigin::Import(format!("aws-config:{source_name}"));
    let mut imported = Imported::default();
    for (n, item) in items.iter().enumerate() {
        if text(item, "configurationItemStatus").is_some_and(|s| s.starts_with("ResourceDeleted")) {
            continue;
        }
        match resource(item, &origin) {
            Ok(resource) => imported.resources.push(resource),
            Err(reason) => imported
                .skipped
                .push(format!("{source_name}: configurationItems[{n}]: {reason}")),
        }
    }
    imported.resources.sort_by(|a, b| a.uid.cmp(&b.uid));
    imported.resources.dedup_by(|a, b| a.uid == b.uid);
    imported.resources.iter_mut().for_each(Resource::normalize);
    Ok(imported)
}

/// Config resource types and the kinds the collector uses for them.
const KINDS: [(&str, &str); 13] = [
    ("AWS::S3::Bucket", "aws.s3.bucket"),
    ("AWS::EC2::Instance", "aws.ec2.instance"),
    ("AWS::EC2::SecurityGroup", "aws.ec2.security-group"),
    ("AWS::EC2::VPC", "aws.ec2.vpc"),
    ("AWS::EC2::Volume", "aws.ec2.volume"),
    ("AWS::IAM::User", "aws.iam.user"),
    ("AWS::IAM::Role", "aws.iam.role"),
    ("AWS::IAM::Group", "aws.iam.group"),
    ("AWS::IAM::Policy", "aws.iam.policy"),
    ("AWS::CloudTrail::Trail", "aws.cloudtrail.trail"),
    ("AWS::KMS::Key", "aws.kms.key"),
    ("AWS::RDS::DBInstance", "aws.rds.instance"),
    ("AWS::Lambda::Function", "aws.lambda.function"),
];

/// Plain configuration fields read as collector attributes: (type,
/// attribute, path in `configuration`).
const SCALARS: [(&str, &str, &str); 11] = [
    ("AWS::EC2::Instance", "instance_type", "instanceType"),
    ("AWS::EC2::Instance", "public_ip", "publicIpAddress"),
    (
        "AWS::EC2::Instance",
        "metadata.http_tokens",
        "metadataOptions.httpTokens",
    ),
    ("AWS::EC2::VPC", "is_default", "isDefault"),
    ("AWS::EC2::Volume", "encrypted", "encrypted"),
    (
        "AWS::RDS::DBInstance",
        "storage_encrypted",
        "storageEncrypted",
    ),
    (
        "AWS::RDS::DBInstance",
        "publicly_accessible",
        "publiclyAccessible",
    ),
    (
        "AWS::CloudTrail::Trail",
        "multi_region",
        "isMultiRegionTrail",
    ),
    (
        "AWS::CloudTrail::Trail",
        "log_file_validation",
        "logFileValidationEnabled",
    ),
    ("AWS::CloudTrail::Trail", "kms_key_id", "kmsKeyId"),
    ("AWS::CloudTrail::Trail", "s3_bucket", "s3BucketName"),
];

fn kind_of(resource_type: &str) -> String {
    match KINDS.iter().find(|(t, _)| *t == resource_type) {
        Some((_, kind)) => kind.to_string(),
        None => format!(
            "aws.config.{}",
            resource_type
                .trim_start_matches("AWS::")
                .to_ascii_lowercase()
                .replace("::", ".")
        ),
    }
}

fn resource(item: &Value, origin: &AttrOrigin) -> Result<Resource, String> {
    let resource_type = text(item, "resourceType").ok_or("no resourceType")?;
    let id = text(item, "resourceId").ok_or("no resourceId")?;
    let account = text(item, "awsAccountId").unwrap_or_default();
    let region = text(item, "awsRegion").unwrap_or_else(|| "global".into());
    let uid = text(item, "ARN")
        .or_else(|| text(item, "arn"))
        .unwrap_or_else(|| format!("{resource_type}:{account}:{id}"));
    let name = text(item, "resourceName").unwrap_or_else(|| id.clone());
    let region = if region == "global" || resource_type.starts_with("AWS::IAM::") {
        "global".to_string()
    } else {
        region
    };
    let mut r = Resource::new(Provider::Aws, &kind_of(&resource_type), uid, name)
        .located(&account, &region);
    r.tags = string_map(item.get("tags"));
    let configuration = object_or_text(item.get("configuration")).unwrap_or_default();
    keep_fields(&mut r, "configuration", &configuration, origin);
    let supplementary = item.get("supplementaryConfiguration");
    let extra = |key: &str| object_or_text(supplementary.and_then(|s| s.get(key)));
    for relation in item
        .get("relationships")
        .and_then(|r| r.as_array())
        .into_iter()
        .flatten()
    {
        relate(&mut r, relation, &account, &region);
    }
    set_paths(&mut r, &SCALARS, &resource_type, &configuration, origin);
    match resource_type.as_str() {
        "AWS::S3::Bucket" => bucket(&mut r, &extra, origin),
        "AWS::EC2::SecurityGroup" => {
            r.set(
                "ingress",
                rules(at(&configuration, "ipPermissions")),
                origin,
            );
            r.set(
                "egress",
                rules(at(&configuration, "ipPermissionsEgress")),
                origin,
            );
        }
        "AWS::IAM::User" => {
            let policies: Vec<String> = at(&configuration, "attachedManagedPolicies")
                .and_then(|p| p.as_array())
                .into_iter()
                .flatten()
                .filter_map(|p| {
                    p.get("policyArn")
                        .and_then(|a| a.as_str())
                        .map(str::to_string)
                })
                .collect();
            for policy in &policies {
                r.relate("has-policy", policy.clone());
            }
            r.set("attached_policies", policies, origin);
        }
        "AWS::IAM::Role" => {
            if let Some(document) = text(&configuration, "assumeRolePolicyDocument") {
                let document = percent_decode(&document);
                let principals = allowed_principals(&document);
                for principal in &principals {
                    r.relate("trusts", principal.clone());
                }
                r.set("trust_policy.principals", principals, origin);
            }
        }
        _ => {}
    }
    Ok(r)
}

fn bucket(r: &mut Resource, extra: &dyn Fn(&str) -> Option<Value>, origin: &AttrOrigin) {
    let block = extra("PublicAccessBlockConfiguration");
    for (attribute, key) in [
        ("block_public_acls", "blockPublicAcls"),
        ("ignore_public_acls", "ignorePublicAcls"),
        ("block_public_policy", "blockPublicPolicy"),
        ("restrict_public_buckets", "restrictPublicBuckets"),
    ] {
        let value = block
            .as_ref()
            .map(|b| flag(b, key).unwrap_or(false))
            .unwrap_or(false);
        r.set(&format!("public_access_block.{attribute}"), value, origin);
    }
    match extra("BucketVersioningConfiguration") {
        Some(v) => {
            r.set(
                "versioning.enabled",
                text(&v, "status").as_deref() == Some("Enabled"),
                origin,
            );
            r.set(
                "versioning.mfa_delete",
                flag(&v, "isMfaDeleteEnabled").unwrap_or(false),
                origin,
            );
        }
        None => r.unknown("versioning.enabled", origin),
    }
    let algorithm = extra("ServerSideEncryptionConfiguration").and_then(|e| {
        let rule = at(&e, "rules")?.as_array()?.first()?.clone();
        text(&rule, "applyServerSideEncryptionByDefault.sseAlgorithm")
    });
    r.set("encryption.algorithm", algorithm, origin);
    match extra("BucketPolicy").and_then(|p| text(&p, "policyText")) {
        Some(document) => {
            let principals = allowed_principals(&document);
            for principal in &principals {
                r.relate("grants-access-to", principal.clone());
            }
            r.set("policy.principals", principals, origin);
        }
        None => r.set("policy.principals", Vec::<String>::new(), origin),
    }
    let target =
        extra("BucketLoggingConfiguration").and_then(|l| text(&l, "destinationBucketName"));
    if let Some(target) = &target {
        r.relate("logs-to", format!("arn:aws:s3:::{target}"));
    }
    r.set("logging.enabled", target.is_some(), origin);
}

/// Security group rules in the collector's shape.
fn rules(permissions: Option<&Value>) -> AttrValue {
    let list = permissions
        .and_then(|p| p.as_array())
        .into_iter()
        .flatten()
        .map(|p| {
            let mut rule = BTreeMap::new();
            rule.insert("protocol".to_string(), text(p, "ipProtocol").into());
            rule.insert(
                "from_port".to_string(),
                at(p, "fromPort").map_or(AttrValue::Null, AttrValue::from_json),
            );
            rule.insert(
                "to_port".to_string(),
                at(p, "toPort").map_or(AttrValue::Null, AttrValue::from_json),
            );
            let cidrs = |key: &str, field: &str| -> Vec<String> {
                at(p, key)
                    .and_then(|r| r.as_array())
                    .into_iter()
                    .flatten()
                    .filter_map(|r| text(r, field))
                    .collect()
            };
            rule.insert(
                "cidr_ipv4".to_string(),
                cidrs("ipv4Ranges", "cidrIp").into(),
            );
            rule.insert(
                "cidr_ipv6".to_string(),
                cidrs("ipv6Ranges", "cidrIpv6").into(),
            );
            AttrValue::Map(rule)
        });
    AttrValue::List(list.collect())
}

/// Config relationships as the collector's relations where they mean the
/// same thing; the rest keep Config's own wording.
fn relate(r: &mut Resource, relation: &Value, account: &str, region: &str) {
    let (Some(kind), Some(id)) = (
        text(relation, "relationshipName"),
        text(relation, "resourceId"),
    ) else {
        return;
    };
    let target_type = text(relation, "resourceType").unwrap_or_default();
    let ec2 = |what: &str| format!("arn:aws:ec2:{region}:{account}:{what}/{id}");
    let (name, target) = match (kind.as_str(), target_type.as_str()) {
        (_, "AWS::EC2::SecurityGroup") if kind.starts_with("Is associated with") => {
            ("uses-security-group".to_string(), ec2("security-group"))
        }
        (_, "AWS::EC2::VPC") if kind.starts_with("Is contained in") => {
            ("in-vpc".to_string(), ec2("vpc"))
        }
        (_, "AWS::EC2::Instance") if kind.starts_with("Is attached to") => {
            ("attached-to".to_string(), ec2("instance"))
        }
        _ => (
            kind.to_ascii_lowercase().replace(' ', "-"),
            format!("{target_type}:{id}"),
        ),
    };
    r.relate(&name, target);
}
