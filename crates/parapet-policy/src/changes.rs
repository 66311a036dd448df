//! Which resources a CloudTrail event changed: the core of event-driven
//! re-evaluation (`scan cloud --changed-by`), and of the guardrails daemon
//! later. Failed and read-only calls change nothing.

use sonic_rs::{JsonContainerTrait, JsonValueTrait, Value};

/// A resource an event touched, and the collector that reads its kind.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ChangedResource {
    pub uid: String,
    pub kind: &'static str,
    pub account: String,
    pub region: String,
    /// The collector to run again (`iam`, `s3`, `ec2`, ...).
    pub service: &'static str,
    /// The call that changed it, `eventSource:eventName`.
    pub cause: String,
}

fn text<'a>(value: &'a Value, path: &[&str]) -> Option<&'a str> {
    let mut node = value;
    for key in path {
        node = node.get(*key)?;
    }
    node.as_str()
}

/// The ids an EC2 request names: `key` as a string or a list, and each
/// `item_key` of `set.items` (CloudTrail records EC2's lists that way).
fn ids(params: &Value, key: &str, set: &str, item_key: &str) -> Vec<String> {
    let direct = params
        .get(key)
        .into_iter()
        .flat_map(|v| match v.as_array() {
            Some(items) => items.iter().filter_map(|i| i.as_str()).collect::<Vec<_>>(),
            None => v.as_str().into_iter().collect(),
        });
    let listed = params
        .get(set)
        .and_then(|s| s.get("items"))
        .and_then(|i| i.as_array())
        .into_iter()
        .flatten()
        .filter_map(|item| item.get(item_key).and_then(|v| v.as_str()));
    direct.chain(listed).map(str::to_string).collect()
}

fn is_read_only(name: &str, event: &Value) -> bool {
    event.get("readOnly").and_then(|v| v.as_bool()) == Some(true)
        || ["Get", "List", "Describe", "Head", "Lookup"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// The resources `event` (one CloudTrail record) changed.
pub fn changed_resources(event: &Value) -> Vec<ChangedResource> {
    let (Some(source), Some(name)) = (text(event, &["eventSource"]), text(event, &["eventName"]))
    else {
        return Vec::new();
    };
    if event.get("errorCode").is_some_and(|e| !e.is_null()) || is_read_only(name, event) {
        return Vec::new();
    }
    let account = text(event, &["recipientAccountId"])
        .or_else(|| text(event, &["userIdentity", "accountId"]))
        .unwrap_or_default()
        .to_string();
    let region = text(event, &["awsRegion"])
        .unwrap_or("us-east-1")
        .to_string();
    let empty = Value::new_object();
    let params = event.get("requestParameters").unwrap_or(&empty);
    let param = |key: &str| text(params, &[key]).map(str::to_string);
    let cause = format!("{source}:{name}");
    let mut out = Vec::new();
    let mut push = |uid: String, kind: &'static str, service: &'static str, global: bool| {
        out.push(ChangedResource {
            uid,
            kind,
            account: account.clone(),
            region: if global {
                "global".into()
            } else {
                region.clone()
            },
            service,
            cause: cause.clone(),
        });
    };
    let ec2 = |kind: &str, id: &str| format!("arn:aws:ec2:{region}:{account}:{kind}/{id}");
    match source {
        "s3.amazonaws.com" => {
            if let Some(bucket) = param("bucketName") {
                push(
                    format!("arn:aws:s3:::{bucket}"),
                    "aws.s3.bucket",
                    "s3",
                    false,
                );
            } else if name.contains("PublicAccessBlock") {
                // The account-level setting (S3 Control); it bears on every bucket.
                push(
                    format!("arn:aws:s3control::{account}:public-access-block"),
                    "aws.s3.account-settings",
                    "s3",
                    true,
                );
            }
        }
        "iam.amazonaws.com" => {
            if let Some(user) = param("userName") {
                push(
                    format!("arn:aws:iam::{account}:user/{user}"),
                    "aws.iam.user",
                    "iam",
                    true,
                );
            }
            if let Some(role) = param("roleName") {
                push(
                    format!("arn:aws:iam::{account}:role/{role}"),
                    "aws.iam.role",
                    "iam",
                    true,
                );
            }
            if let Some(group) = param("groupName") {
                push(
                    format!("arn:aws:iam::{account}:group/{group}"),
                    "aws.iam.group",
                    "iam",
                    true,
                );
            }
            if let Some(policy) = param("policyArn") {
                push(policy, "aws.iam.policy", "iam", true);
            } else if name == "CreatePolicy" {
                if let Some(arn) = text(event, &["responseElements", "policy", "arn"]) {
                    push(arn.to_string(), "aws.iam.policy", "iam", true);
                }
            }
            if name.contains("AccountPasswordPolicy") {
                push(
                    format!("arn:aws:iam::{account}:account-password-policy"),
                    "aws.iam.password-policy",
                    "iam",
                    true,
                );
            }
            if name.contains("ServerCertificate") {
                if let Some(cert) = param("serverCertificateName") {
                    push(
                        format!("arn:aws:iam::{account}:server-certificate/{cert}"),
                        "aws.iam.server-certificate",
                        "iam",
                        true,
                    );
                }
            }
            if param("userName").is_none()
                && (name.contains("AccessKey") || name.contains("MFADevice"))
            {
                push(
                    format!("arn:aws:iam::{account}:root"),
                    "aws.iam.root",
                    "iam",
                    true,
                );
            }
        }
        "ec2.amazonaws.com" => {
            for group in ids(params, "groupId", "groupSet", "groupId") {
                push(
                    ec2("security-group", &group),
                    "aws.ec2.security-group",
                    "ec2",
                    false,
                );
            }
            if name == "CreateSecurityGroup" {
                if let Some(group) = text(event, &["responseElements", "groupId"]) {
                    push(
                        ec2("security-group", group),
                        "aws.ec2.security-group",
                        "ec2",
                        false,
                    );
                }
            }
            for instance in ids(params, "instanceId", "instancesSet", "instanceId") {
                push(ec2("instance", &instance), "aws.ec2.instance", "ec2", false);
            }
            if name == "RunInstances" {
                let items = event
                    .get("responseElements")
                    .and_then(|r| r.get("instancesSet"))
                    .and_then(|s| s.get("items"))
                    .and_then(|i| i.as_array());
                for item in items.into_iter().flatten() {
                    if let Some(id) = item.get("instanceId").and_then(|v| v.as_str()) {
                        push(ec2("instance", id), "aws.ec2.instance", "ec2", false);
                    }
                }
            }
            if let Some(snapshot) = param("snapshotId") {
                push(
                    format!("arn:aws:ec2:{region}::snapshot/{snapshot}"),
                    "aws.ec2.snapshot",
                    "ec2",
                    false,
                );
            }
            if let Some(image) = param("imageId").filter(|_| name != "RunInstances") {
                push(
                    format!("arn:aws:ec2:{region}::image/{image}"),
                    "aws.ec2.image",
                    "ec2",
                    false,
                );
            }
            if let Some(volume) = param("volumeId") {
                push(ec2("volume", &volume), "aws.ec2.volume", "ec2", false);
            }
            if let Some(acl) = param("networkAclId") {
                push(
                    ec2("network-acl", &acl),
                    "aws.ec2.network-acl",
                    "ec2",
                    false,
                );
            }
            if name.contains("FlowLogs") {
                for vpc in ids(params, "resourceIds", "resourceIdSet", "resourceId") {
                    push(ec2("vpc", &vpc), "aws.ec2.vpc", "ec2", false);
                }
            }
            if name.contains("EbsEncryptionByDefault") {
                push(
                    format!("arn:aws:ec2:{region}:{account}:account-settings"),
                    "aws.ec2.region-settings",
                    "ec2",
                    false,
                );
            }
        }
        "cloudtrail.amazonaws.com" => {
            if let Some(trail) = param("name").or_else(|| param("trailName")) {
                let uid = if trail.starts_with("arn:") {
                    trail
                } else {
                    format!("arn:aws:cloudtrail:{region}:{account}:trail/{trail}")
                };
                push(uid, "aws.cloudtrail.trail", "cloudtrail", false);
            }
        }
        "kms.amazonaws.com" => {
            if let Some(key) = param("keyId") {
                let uid = if key.starts_with("arn:") {
                    key
                } else {
                    format!("arn:aws:kms:{region}:{account}:key/{key}")
                };
                push(uid, "aws.kms.key", "kms", false);
            }
        }
        "rds.amazonaws.com" => {
            if let Some(db) = param("dBInstanceIdentifier") {
                push(
                    format!("arn:aws:rds:{region}:{account}:db:{db}"),
                    "aws.rds.instance",
                    "rds",
                    false,
                );
            }
            if let Some(snapshot) = param("dBSnapshotIdentifier") {
                push(
                    format!("arn:aws:rds:{region}:{account}:snapshot:{snapshot}"),
                    "aws.rds.snapshot",
                    "rds",
                    false,
                );
            }
        }
        "lambda.amazonaws.com" => {
            if let Some(function) = param("functionName") {
                let uid = if function.starts_with("arn:") {
                    function
                } else {
                    format!("arn:aws:lambda:{region}:{account}:function:{function}")
                };
                push(uid, "aws.lambda.function", "lambda", false);
            }
        }
        "elasticfilesystem.amazonaws.com" => {
            let id = param("fileSystemId")
                .or_else(|| text(event, &["responseElements", "fileSystemId"]).map(str::to_string));
            if let Some(id) = id {
                push(
                    format!("arn:aws:elasticfilesystem:{region}:{account}:file-system/{id}"),
                    "aws.efs.file-system",
                    "efs",
                    false,
                );
            }
        }
        "sns.amazonaws.com" => {
            let topic = param("topicArn")
                .or_else(|| text(event, &["responseElements", "topicArn"]).map(str::to_string));
            if let Some(topic) = topic {
                push(topic, "aws.sns.topic", "sns", false);
            }
        }
        "sqs.amazonaws.com" => {
            let url = param("queueUrl")
                .or_else(|| text(event, &["responseElements", "queueUrl"]).map(str::to_string));
            if let Some(name) = url.as_deref().and_then(|u| u.rsplit('/').next()) {
                push(
                    format!("arn:aws:sqs:{region}:{account}:{name}"),
                    "aws.sqs.queue",
                    "sqs",
                    false,
                );
            }
        }
        "secretsmanager.amazonaws.com" => {
            // Secret ARNs end in a random suffix: only an ARN names one exactly.
            let arn = param("secretId")
                .filter(|id| id.starts_with("arn:"))
                .or_else(|| text(event, &["responseElements", "aRN"]).map(str::to_string))
                .or_else(|| text(event, &["responseElements", "arn"]).map(str::to_string));
            if let Some(arn) = arn {
                push(arn, "aws.secretsmanager.secret", "secretsmanager", false);
            }
        }
        "eks.amazonaws.com" => {
            if let Some(cluster) = param("name") {
                push(
                    format!("arn:aws:eks:{region}:{account}:cluster/{cluster}"),
                    "aws.eks.cluster",
                    "eks",
                    false,
                );
            }
        }
        "config.amazonaws.com" => push(
            format!("arn:aws:config:{region}:{account}:recorders"),
            "aws.config.recorders",
            "config",
            false,
        ),
        "guardduty.amazonaws.com" => push(
            format!("arn:aws:guardduty:{region}:{account}:detectors"),
            "aws.guardduty.detectors",
            "guardduty",
            false,
        ),
        "securityhub.amazonaws.com" => push(
            format!("arn:aws:securityhub:{region}:{account}:hub/default"),
            "aws.securityhub.hub",
            "securityhub",
            false,
        ),
        "logs.amazonaws.com" | "monitoring.amazonaws.com" => push(
            format!("AWS::::Account:{account}"),
            "aws.account",
            "monitoring",
            true,
        ),
        _ => {}
    }
    if source == "cloudtrail.amazonaws.com" && !out.is_empty() {
        // Account-wide trail rules depend on every trail.
        let account_uid = format!("AWS::::Account:{}", out[0].account);
        out.push(ChangedResource {
            uid: account_uid,
            kind: "aws.account",
            account: out[0].account.clone(),
            region: "global".into(),
            service: "cloudtrail",
            cause: out[0].cause.clone(),
        });
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(json: &str) -> Value {
        sonic_rs::from_str(json).unwrap()
    }

    #[test]
    fn maps_write_calls_to_resources_and_ignores_reads_and_failures() {
        let open = event(
            r#"{"eventSource":"ec2.amazonaws.com","eventName":"AuthorizeSecurityGroupIngress","awsRegion":"eu-west-1","recipientAccountId":"1","requestParameters":{"groupId":"sg-1"}}"#,
        );
        let changed = changed_resources(&open);
        assert_eq!(changed.len(), 1);
        assert_eq!(
            changed[0].uid,
            "arn:aws:ec2:eu-west-1:1:security-group/sg-1"
        );
        assert_eq!(changed[0].service, "ec2");
        let stop = event(
            r#"{"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","recipientAccountId":"1","requestParameters":{"name":"arn:aws:cloudtrail:us-east-1:1:trail/main"}}"#,
        );
        let uids: Vec<String> = changed_resources(&stop)
            .into_iter()
            .map(|c| c.uid)
            .collect();
        assert_eq!(
            uids,
            [
                "AWS::::Account:1",
                "arn:aws:cloudtrail:us-east-1:1:trail/main"
            ]
        );
        let read = event(
            r#"{"eventSource":"s3.amazonaws.com","eventName":"GetBucketPolicy","requestParameters":{"bucketName":"b"}}"#,
        );
        assert!(changed_resources(&read).is_empty());
        let denied = event(
            r#"{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy","errorCode":"AccessDenied","requestParameters":{"bucketName":"b"}}"#,
        );
        assert!(changed_resources(&denied).is_empty());
        let run = event(
            r#"{"eventSource":"ec2.amazonaws.com","eventName":"RunInstances","awsRegion":"us-east-1","recipientAccountId":"1","requestParameters":{"imageId":"ami-1"},"responseElements":{"instancesSet":{"items":[{"instanceId":"i-1"}]}}}"#,
        );
        let uids: Vec<String> = changed_resources(&run).into_iter().map(|c| c.uid).collect();
        assert_eq!(uids, ["arn:aws:ec2:us-east-1:1:instance/i-1"]);
    }
}
