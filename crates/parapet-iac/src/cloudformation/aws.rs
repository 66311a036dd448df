//! CloudFormation resource types as the Resource kinds and attributes the
//! live collectors produce; policies, rules and rotation schedules declared
//! as separate resources are folded into the resource they name.

use parapet_core::{AttrValue, Provider, Resource};

use super::CfnResource;
use crate::draft::Draft;
use crate::terraform::{canned_grants, sg_rule, PUBLIC_ACCESS_FLAGS};
use crate::value::Value;

pub(crate) fn to_resources<'a, 'b>(
    rel: &str,
    all: &'b [CfnResource<'a>],
) -> Vec<(Resource, &'b CfnResource<'a>)> {
    let mut drafts: Vec<(Draft, &CfnResource)> = all
        .iter()
        .filter_map(|c| primary(rel, c).map(|d| (d, c)))
        .collect();
    for cfn in all {
        for (draft, target) in drafts.iter_mut() {
            attach(cfn, &target.logical_id, draft);
        }
    }
    // An access-log destination named by `!Ref`: that bucket's name.
    let names: Vec<(String, String)> = drafts
        .iter()
        .map(|(d, c)| (c.logical_id.clone(), d.resource.name.clone()))
        .collect();
    for (draft, cfn) in drafts.iter_mut() {
        let target = cfn
            .properties
            .get("LoggingConfiguration")
            .and_then(|l| l.get("DestinationBucketName"));
        let target = match target {
            Some(Value::Unknown(Some(id))) => names
                .iter()
                .find(|(logical, _)| logical == id)
                .map(|(_, name)| Value::Str(name.clone())),
            other => other.cloned(),
        };
        if let Some(target) = target {
            draft.put_value("logging.target_bucket", "LoggingConfiguration", &target);
        }
    }
    drafts.into_iter().map(|(d, c)| (d.finish(), c)).collect()
}

/// Whether `value` names the resource `logical_id` (Ref, GetAtt) or is
/// one of a list that does.
fn names(value: Option<&Value>, logical_id: &str) -> bool {
    match value {
        Some(Value::Unknown(Some(target))) => target == logical_id,
        Some(Value::List(items)) => items.iter().any(|i| names(Some(i), logical_id)),
        _ => false,
    }
}

fn primary(rel: &str, cfn: &CfnResource) -> Option<Draft> {
    let p = |key: &str| cfn.properties.get(key);
    let draft = |kind: &str, name_key: &str| {
        let name = p(name_key)
            .and_then(Value::as_str)
            .unwrap_or(&cfn.logical_id)
            .to_string();
        Draft::new(
            Provider::Aws,
            kind,
            format!("{rel}#{}", cfn.logical_id),
            name,
            rel,
            cfn.node.line,
            cfn.lines.clone(),
        )
    };
    let mut d;
    match cfn.kind.as_str() {
        "AWS::S3::Bucket" => {
            d = draft("aws.s3.bucket", "BucketName");
            let status = p("VersioningConfiguration").and_then(|v| v.get("Status"));
            d.put_bool(
                "versioning.enabled",
                "VersioningConfiguration",
                status,
                false,
            );
            d.known(
                "versioning.mfa_delete",
                "VersioningConfiguration",
                AttrValue::Bool(false),
            );
            d.put_bool(
                "logging.enabled",
                "LoggingConfiguration",
                p("LoggingConfiguration").map(|_| &Value::Bool(true)),
                false,
            );
            let algorithm = p("BucketEncryption")
                .and_then(|e| e.get("ServerSideEncryptionConfiguration"))
                .and_then(|c| c.as_list()?.first())
                .and_then(|r| r.get("ServerSideEncryptionByDefault"))
                .and_then(|d| d.get("SSEAlgorithm"));
            d.put(
                "encryption.algorithm",
                "BucketEncryption",
                algorithm,
                "AES256",
            );
            match p("AccessControl") {
                None => d.known("acl.grants", "AccessControl", AttrValue::List(Vec::new())),
                Some(Value::Str(acl)) => d.known(
                    "acl.grants",
                    "AccessControl",
                    AttrValue::List(canned_grants(&kebab(acl))),
                ),
                Some(_) => d.unknown("acl.grants", "AccessControl"),
            }
            let block = p("PublicAccessBlockConfiguration");
            for flag in PUBLIC_ACCESS_FLAGS {
                let key = pascal(flag);
                d.put_bool(
                    &format!("public_access_block.{flag}"),
                    "PublicAccessBlockConfiguration",
                    block.and_then(|b| b.get(&key)),
                    false,
                );
            }
            d.put_policy("policy", "", None);
        }
        "AWS::EC2::SecurityGroup" => {
            d = draft("aws.ec2.security-group", "GroupName");
            for (key, attr) in [
                ("SecurityGroupIngress", "ingress"),
                ("SecurityGroupEgress", "egress"),
            ] {
                let rules = match p(key) {
                    None => Value::List(Vec::new()),
                    Some(Value::List(items)) => {
                        Value::List(items.iter().map(cfn_sg_rule).collect())
                    }
                    Some(_) => Value::unknown(),
                };
                d.put_value(attr, key, &rules);
            }
        }
        "AWS::EC2::Instance" => {
            d = draft("aws.ec2.instance", "");
            // Metadata options live in a launch template, if any.
            if p("LaunchTemplate").is_some() {
                d.unknown("metadata.http_tokens", "LaunchTemplate");
            } else {
                d.known("metadata.http_tokens", "", AttrValue::from("optional"));
            }
            d.known("metadata.http_endpoint", "", AttrValue::from("enabled"));
            d.put_reference(
                "iam_instance_profile",
                "IamInstanceProfile",
                p("IamInstanceProfile"),
                AttrValue::Null,
            );
            d.known("state", "", AttrValue::from("pending"));
        }
        "AWS::EC2::Volume" => {
            d = draft("aws.ec2.volume", "");
            d.put_bool("encrypted", "Encrypted", p("Encrypted"), false);
            d.put("kms_key_id", "KmsKeyId", p("KmsKeyId"), AttrValue::Null);
        }
        "AWS::EC2::VPC" => {
            d = draft("aws.ec2.vpc", "");
            d.known("flow_logs.enabled", "", AttrValue::Bool(false));
            d.known("is_default", "", AttrValue::Bool(false));
        }
        "AWS::EC2::NetworkAcl" => {
            d = draft("aws.ec2.network-acl", "");
            d.known("entries", "", AttrValue::List(Vec::new()));
        }
        "AWS::RDS::DBInstance" => {
            d = draft("aws.rds.instance", "DBInstanceIdentifier");
            d.put_bool(
                "storage_encrypted",
                "StorageEncrypted",
                p("StorageEncrypted"),
                false,
            );
            d.put_bool(
                "publicly_accessible",
                "PubliclyAccessible",
                p("PubliclyAccessible"),
                false,
            );
            d.put_bool(
                "auto_minor_version_upgrade",
                "AutoMinorVersionUpgrade",
                p("AutoMinorVersionUpgrade"),
                true,
            );
        }
        "AWS::CloudTrail::Trail" => {
            d = draft("aws.cloudtrail.trail", "TrailName");
            d.put_bool("logging", "IsLogging", p("IsLogging"), true);
            d.put_bool(
                "log_file_validation",
                "EnableLogFileValidation",
                p("EnableLogFileValidation"),
                false,
            );
            d.put_bool(
                "multi_region",
                "IsMultiRegionTrail",
                p("IsMultiRegionTrail"),
                false,
            );
            // The documented name is KMSKeyId; templates in the wild also write KmsKeyId.
            let key = if p("KMSKeyId").is_some() {
                "KMSKeyId"
            } else {
                "KmsKeyId"
            };
            d.put_reference("kms_key_id", key, p(key), AttrValue::Null);
            d.put(
                "s3_bucket",
                "S3BucketName",
                p("S3BucketName"),
                AttrValue::Null,
            );
        }
        "AWS::KMS::Key" => {
            d = draft("aws.kms.key", "");
            d.known("key_manager", "", AttrValue::from("CUSTOMER"));
            d.put("key_spec", "KeySpec", p("KeySpec"), "SYMMETRIC_DEFAULT");
            d.put("key_usage", "KeyUsage", p("KeyUsage"), "ENCRYPT_DECRYPT");
            let state = if p("Enabled").and_then(Value::as_bool) == Some(false) {
                "Disabled"
            } else {
                "Enabled"
            };
            d.known("key_state", "Enabled", AttrValue::from(state));
            d.put_bool(
                "rotation_enabled",
                "EnableKeyRotation",
                p("EnableKeyRotation"),
                false,
            );
        }
        "AWS::Lambda::Function" => {
            d = draft("aws.lambda.function", "FunctionName");
            d.put("runtime", "Runtime", p("Runtime"), AttrValue::Null);
            d.known("policy.principals", "", AttrValue::List(Vec::new()));
            d.known("url.auth_type", "", AttrValue::Null);
        }
        "AWS::EFS::FileSystem" => {
            d = draft("aws.efs.file-system", "");
            d.put_bool("encrypted", "Encrypted", p("Encrypted"), false);
        }
        "AWS::EKS::Cluster" => {
            d = draft("aws.eks.cluster", "Name");
            let vpc = p("ResourcesVpcConfig");
            d.put_bool(
                "endpoint_public_access",
                "ResourcesVpcConfig",
                vpc.and_then(|v| v.get("EndpointPublicAccess")),
                true,
            );
            let world = AttrValue::List(vec![AttrValue::from("0.0.0.0/0")]);
            d.put(
                "public_access_cidrs",
                "ResourcesVpcConfig",
                vpc.and_then(|v| v.get("PublicAccessCidrs")),
                world,
            );
            let types = p("Logging")
                .and_then(|l| l.get("ClusterLogging"))
                .and_then(|c| c.get("EnabledTypes"));
            let types = types.map(|t| match t {
                Value::List(items) => Value::List(
                    items
                        .iter()
                        .map(|i| i.get("Type").cloned().unwrap_or(Value::unknown()))
                        .collect(),
                ),
                other => other.clone(),
            });
            d.put(
                "logging_types",
                "Logging",
                types.as_ref(),
                AttrValue::List(Vec::new()),
            );
        }
        "AWS::SNS::Topic" => {
            d = draft("aws.sns.topic", "TopicName");
            d.put_policy("policy", "", None);
            d.put_reference(
                "kms_key_id",
                "KmsMasterKeyId",
                p("KmsMasterKeyId"),
                AttrValue::Null,
            );
        }
        "AWS::SQS::Queue" => {
            d = draft("aws.sqs.queue", "QueueName");
            d.put_policy("policy", "", None);
            d.put_reference(
                "kms_key_id",
                "KmsMasterKeyId",
                p("KmsMasterKeyId"),
                AttrValue::Null,
            );
            let managed = if p("KmsMasterKeyId").is_some() {
                Some(&Value::Bool(false))
            } else {
                p("SqsManagedSseEnabled")
            };
            d.put_bool("sqs_managed_sse", "SqsManagedSseEnabled", managed, true);
        }
        "AWS::SecretsManager::Secret" => {
            d = draft("aws.secretsmanager.secret", "Name");
            d.known("rotation_enabled", "", AttrValue::Bool(false));
        }
        "AWS::IAM::ManagedPolicy" => {
            d = draft("aws.iam.policy", "ManagedPolicyName");
            d.put_policy("document", "PolicyDocument", p("PolicyDocument"));
            let count: usize = ["Users", "Roles", "Groups"]
                .iter()
                .filter_map(|k| p(k)?.as_list().map(<[Value]>::len))
                .sum();
            d.known("attachment_count", "", AttrValue::Int(count as i64));
        }
        "AWS::IAM::Role" => {
            d = draft("aws.iam.role", "RoleName");
            d.put_policy(
                "trust_policy",
                "AssumeRolePolicyDocument",
                p("AssumeRolePolicyDocument"),
            );
        }
        "AWS::IAM::User" => {
            d = draft("aws.iam.user", "UserName");
            d.put(
                "attached_policies",
                "ManagedPolicyArns",
                p("ManagedPolicyArns"),
                AttrValue::List(Vec::new()),
            );
            let inline = match p("Policies") {
                Some(Value::List(items)) => Value::List(
                    items
                        .iter()
                        .map(|i| i.get("PolicyName").cloned().unwrap_or(Value::unknown()))
                        .collect(),
                ),
                Some(other) => other.clone(),
                None => Value::List(Vec::new()),
            };
            d.put_value("inline_policies", "Policies", &inline);
        }
        _ => return None,
    }
    // A stack deploys to one account: its template is the account scope.
    d.resource.account = rel.to_string();
    Some(d)
}

/// Folds a policy, rule, permission or schedule into the resource it names.
fn attach(cfn: &CfnResource, logical_id: &str, d: &mut Draft) {
    let p = |key: &str| cfn.properties.get(key);
    let kind = d.resource.kind.clone();
    match (cfn.kind.as_str(), kind.as_str()) {
        ("AWS::S3::BucketPolicy", "aws.s3.bucket")
            if names(p("Bucket"), logical_id)
                || p("Bucket").and_then(Value::as_str) == Some(&d.resource.name) =>
        {
            d.put_policy("policy", "", p("PolicyDocument"));
        }
        ("AWS::SNS::TopicPolicy", "aws.sns.topic") if names(p("Topics"), logical_id) => {
            d.put_policy("policy", "", p("PolicyDocument"))
        }
        ("AWS::SQS::QueuePolicy", "aws.sqs.queue") if names(p("Queues"), logical_id) => {
            d.put_policy("policy", "", p("PolicyDocument"))
        }
        (
            "AWS::EC2::SecurityGroupIngress" | "AWS::EC2::SecurityGroupEgress",
            "aws.ec2.security-group",
        ) if names(p("GroupId"), logical_id) => {
            let attr = if cfn.kind.ends_with("Ingress") {
                "ingress"
            } else {
                "egress"
            };
            let rule = cfn_sg_rule(&cfn.properties);
            let mut rules = d.resource.value(attr).cloned();
            match (&mut rules, rule.to_attr()) {
                (Some(AttrValue::List(items)), Some(rule)) => {
                    items.push(rule);
                    let list = AttrValue::List(std::mem::take(items));
                    d.known(attr, "", list);
                }
                _ => d.unknown(attr, ""),
            }
        }
        ("AWS::EC2::NetworkAclEntry", "aws.ec2.network-acl")
            if names(p("NetworkAclId"), logical_id) =>
        {
            let range = p("PortRange");
            let get = |k: &str| p(k).cloned().unwrap_or(Value::Null);
            let entry = Value::Map(
                [
                    ("rule_number", get("RuleNumber")),
                    ("rule_action", get("RuleAction")),
                    (
                        "protocol",
                        p("Protocol")
                            .and_then(Value::to_text)
                            .map(Value::Str)
                            .unwrap_or(Value::Null),
                    ),
                    (
                        "from_port",
                        range
                            .and_then(|r| r.get("From"))
                            .cloned()
                            .unwrap_or(Value::Null),
                    ),
                    (
                        "to_port",
                        range
                            .and_then(|r| r.get("To"))
                            .cloned()
                            .unwrap_or(Value::Null),
                    ),
                    ("cidr_ipv4", get("CidrBlock")),
                    ("cidr_ipv6", get("Ipv6CidrBlock")),
                    (
                        "egress",
                        Value::Bool(p("Egress").and_then(Value::as_bool).unwrap_or(false)),
                    ),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            );
            let mut entries = match d.resource.value("entries") {
                Some(AttrValue::List(items)) => items.clone(),
                _ => Vec::new(),
            };
            match entry.to_attr() {
                Some(entry) => {
                    entries.push(entry);
                    d.known("entries", "", AttrValue::List(entries));
                }
                None => d.unknown("entries", ""),
            }
        }
        ("AWS::EC2::FlowLog", "aws.ec2.vpc") if names(p("ResourceId"), logical_id) => {
            d.known("flow_logs.enabled", "", AttrValue::Bool(true))
        }
        ("AWS::Lambda::Permission", "aws.lambda.function")
            if names(p("FunctionName"), logical_id) =>
        {
            let mut principals = match d.resource.value("policy.principals") {
                Some(AttrValue::List(items)) => items.clone(),
                _ => Vec::new(),
            };
            match p("Principal").and_then(Value::to_attr) {
                Some(principal) => {
                    principals.push(principal);
                    d.known("policy.principals", "", AttrValue::List(principals));
                }
                None => d.unknown("policy.principals", ""),
            }
        }
        ("AWS::Lambda::Url", "aws.lambda.function")
            if names(p("TargetFunctionArn"), logical_id) =>
        {
            d.put("url.auth_type", "", p("AuthType"), AttrValue::Null);
        }
        ("AWS::SecretsManager::RotationSchedule", "aws.secretsmanager.secret")
            if names(p("SecretId"), logical_id) =>
        {
            d.known("rotation_enabled", "", AttrValue::Bool(true));
        }
        _ => {}
    }
}

fn cfn_sg_rule(rule: &Value) -> Value {
    sg_rule(
        rule.get("IpProtocol"),
        rule.get("FromPort"),
        rule.get("ToPort"),
        rule.get("CidrIp"),
        rule.get("CidrIpv6"),
    )
}

/// `PublicRead` as the canned ACL `public-read`.
fn kebab(text: &str) -> String {
    let mut out = String::new();
    for (n, c) in text.chars().enumerate() {
        if c.is_ascii_uppercase() && n > 0 {
            out.push('-');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// `block_public_acls` as `BlockPublicAcls`.
fn pascal(text: &str) -> String {
    text.split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}
