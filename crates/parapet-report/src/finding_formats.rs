//! Posture findings in other tools' formats: OCSF Compliance Finding (class
//! 2003), AWS Security Finding Format (Security Hub's import format) and
//! SARIF 2.1.0 (code scanning).

use parapet_core::{CheckStatus, Finding, Level};
use sonic_rs::{json, Value};

use crate::findings::FindingContext;

const OCSF_VERSION: &str = "1.3.0";
const COMPLIANCE_FINDING: u32 = 2003;

fn unix_millis(text: &str) -> Option<i64> {
    parapet_core::parse_rfc3339(text).map(|t| t.0)
}

pub fn finding_to_ocsf(finding: &Finding, context: &FindingContext<'_>) -> Value {
    let rule = context.rules.get(&finding.rule_id);
    let (status_id, status) = match finding.status {
        CheckStatus::Pass => (1, "Pass"),
        CheckStatus::Fail => (3, "Fail"),
        CheckStatus::Unknown => (2, "Warning"),
    };
    let r = &finding.resource;
    json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": COMPLIANCE_FINDING,
        "class_name": "Compliance Finding",
        "type_uid": COMPLIANCE_FINDING * 100 + 1,
        "type_name": "Compliance Finding: Create",
        "severity_id": finding.severity.ocsf_severity_id(),
        "severity": finding.severity.ocsf_severity(),
        "time": unix_millis(context.generated_at),
        "status_id": if finding.muted.is_some() { 3 } else { 1 },
        "status": if finding.muted.is_some() { "Suppressed" } else { "New" },
        "message": finding.title,
        "metadata": {
            "version": OCSF_VERSION,
            "product": {"name": "Parapet", "vendor_name": "Parapet", "version": env!("CARGO_PKG_VERSION")},
        },
        "finding_info": {
            "uid": format!("{}:{}", finding.rule_id, r.uid),
            "title": finding.title,
            "desc": rule.map(|m| m.summary.clone()),
            "analytic": {"uid": finding.rule_id, "name": rule.map(|m| m.name.clone()), "type_id": 1, "type": "Rule"},
            "first_seen_time": finding.first_seen.as_deref().and_then(unix_millis),
            "types": ["Posture"],
        },
        "compliance": {
            "control": finding.rule_id,
            "status_id": status_id,
            "status": status,
            "status_detail": finding.evidence,
            "standards": ["Parapet"],
        },
        "remediation": {
            "desc": rule.and_then(|m| m.remediation.clone()).unwrap_or_default(),
            "references": rule.map(|m| m.references.clone()).unwrap_or_default(),
        },
        "resources": [{
            "uid": r.uid,
            "name": r.name,
            "type": r.kind,
            "region": r.region,
            "cloud_partition": "aws",
            "owner": {"account": {"uid": r.account}},
        }],
        "cloud": {"provider": r.provider.to_string().to_uppercase(), "region": r.region, "account": {"uid": r.account}},
        "unmapped": {"muted_reason": finding.muted},
    })
}

fn asff_type(kind: &str) -> &'static str {
    match kind {
        "aws.account" => "AwsAccount",
        "aws.s3.bucket" => "AwsS3Bucket",
        "aws.iam.user" | "aws.iam.root" => "AwsIamUser",
        "aws.iam.role" => "AwsIamRole",
        "aws.iam.policy" => "AwsIamPolicy",
        "aws.ec2.instance" => "AwsEc2Instance",
        "aws.ec2.security-group" => "AwsEc2SecurityGroup",
        "aws.ec2.vpc" => "AwsEc2Vpc",
        "aws.ec2.volume" => "AwsEc2Volume",
        "aws.ec2.network-acl" => "AwsEc2NetworkAcl",
        "aws.kms.key" => "AwsKmsKey",
        "aws.rds.instance" => "AwsRdsDbInstance",
        "aws.rds.snapshot" => "AwsRdsDbSnapshot",
        "aws.lambda.function" => "AwsLambdaFunction",
        "aws.cloudtrail.trail" => "AwsCloudTrailTrail",
        "aws.efs.file-system" => "AwsEfsFileSystem",
        "aws.sns.topic" => "AwsSnsTopic",
        "aws.sqs.queue" => "AwsSqsQueue",
        "aws.secretsmanager.secret" => "AwsSecretsManagerSecret",
        "aws.eks.cluster" => "AwsEksCluster",
        _ => "Other",
    }
}

fn asff_label(level: Level) -> &'static str {
    match level {
        Level::Informational => "INFORMATIONAL",
        Level::Low => "LOW",
        Level::Medium => "MEDIUM",
        Level::High => "HIGH",
        Level::Critical => "CRITICAL",
    }
}

pub fn finding_to_asff(finding: &Finding, context: &FindingContext<'_>) -> Value {
    let rule = context.rules.get(&finding.rule_id);
    let r = &finding.resource;
    let region = if r.region == "global" || r.region.is_empty() {
        "us-east-1"
    } else {
        r.region.as_str()
    };
    let compliance = match finding.status {
        CheckStatus::Pass => "PASSED",
        CheckStatus::Fail => "FAILED",
        CheckStatus::Unknown => "NOT_AVAILABLE",
    };
    let mut recommendation = json!({
        "Text": rule.and_then(|m| m.remediation.clone()).unwrap_or_else(|| finding.title.clone()),
    });
    if let Some(url) = rule.and_then(|m| m.references.iter().find(|u| u.starts_with("https://"))) {
        recommendation.insert("Url", json!(url));
    }
    json!({
        "SchemaVersion": "2018-10-08",
        "Id": format!("parapet/{}/{}", finding.rule_id, r.uid),
        "ProductArn": format!("arn:aws:securityhub:{region}:{}:product/{}/default", r.account, r.account),
        "GeneratorId": format!("parapet/{}", finding.rule_id),
        "AwsAccountId": r.account,
        "Types": ["Software and Configuration Checks/Industry and Regulatory Standards"],
        "CreatedAt": finding.first_seen.clone().unwrap_or_else(|| context.generated_at.to_string()),
        "UpdatedAt": context.generated_at,
        "Severity": {"Label": asff_label(finding.severity)},
        "Title": finding.title,
        "Description": format!("{}: {}", finding.title, finding.evidence),
        "Remediation": {"Recommendation": recommendation},
        "Resources": [{"Type": asff_type(&r.kind), "Id": r.uid, "Partition": "aws", "Region": region}],
        "Compliance": {"Status": compliance},
        "RecordState": "ACTIVE",
        "Workflow": {"Status": if finding.muted.is_some() { "SUPPRESSED" } else { "NEW" }},
    })
}

pub(crate) fn sarif_level(level: Level) -> &'static str {
    match level {
        Level::Critical | Level::High => "error",
        Level::Medium => "warning",
        Level::Low | Level::Informational => "note",
    }
}

/// A SARIF log of the failing findings; rules listed once in the driver.
pub fn sarif_log(findings: &[Finding], context: &FindingContext<'_>) -> Value {
    let failing: Vec<&Finding> = findings
        .iter()
        .filter(|f| f.status == CheckStatus::Fail)
        .collect();
    let mut rule_ids: Vec<&str> = failing.iter().map(|f| f.rule_id.as_str()).collect();
    rule_ids.sort_unstable();
    rule_ids.dedup();
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let meta = context.rules.get(*id);
            let mut rule = json!({
                "id": id,
                "name": meta.map(|m| m.name.clone()),
                "shortDescription": {"text": meta.map_or_else(|| id.to_string(), |m| m.title.clone())},
                "fullDescription": {"text": meta.map(|m| m.summary.clone()).unwrap_or_default()},
                "help": {"text": meta.and_then(|m| m.remediation.clone()).unwrap_or_default()},
                "properties": {"severity": meta.map(|m| m.severity.as_str())},
            });
            if let Some(url) = meta.and_then(|m| m.references.iter().find(|u| u.starts_with("https://"))) {
                rule.insert("helpUri", json!(url));
            }
            rule
        })
        .collect();
    let results: Vec<Value> = failing
        .iter()
        .map(|f| {
            let mut result = json!({
                "ruleId": f.rule_id,
                "level": sarif_level(f.severity),
                "message": {"text": format!("{}: {}", f.resource.name, f.evidence)},
            });
            let location = match &f.location {
                Some(span) => json!({"physicalLocation": {
                    "artifactLocation": {"uri": span.path},
                    "region": {"startLine": span.line, "startColumn": span.column},
                }}),
                None => json!({"logicalLocations": [{"fullyQualifiedName": f.resource.uid, "kind": "resource"}]}),
            };
            result.insert("locations", json!([location]));
            if let Some(reason) = &f.muted {
                result.insert("suppressions", json!([{"kind": "external", "justification": reason}]));
            }
            result
        })
        .collect();
    sarif_run(rules, results)
}

/// A SARIF 2.1.0 log of one Parapet run: its rules and results.
pub(crate) fn sarif_run(rules: Vec<Value>, results: Vec<Value>) -> Value {
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "Parapet",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "results": results,
        }],
    })
}
