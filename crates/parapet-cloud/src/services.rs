//! The collectors by name, and the resource kinds each one lists: what a
//! partial collection (`AwsOptions::services`) replaces when it is merged
//! into an earlier snapshot.

/// Collector names and the kinds they produce. A partial collection of a
/// service lists every resource of these kinds in the regions it covers.
pub const SERVICE_KINDS: &[(&str, &[&str])] = &[
    (
        "iam",
        &[
            "aws.iam.user",
            "aws.iam.root",
            "aws.iam.group",
            "aws.iam.role",
            "aws.iam.policy",
            "aws.iam.password-policy",
            "aws.iam.account-summary",
            "aws.iam.server-certificate",
        ],
    ),
    ("s3", &["aws.s3.bucket", "aws.s3.account-settings"]),
    (
        "ec2",
        &[
            "aws.ec2.instance",
            "aws.ec2.security-group",
            "aws.ec2.vpc",
            "aws.ec2.volume",
            "aws.ec2.snapshot",
            "aws.ec2.region-settings",
            "aws.ec2.network-acl",
            "aws.ec2.image",
        ],
    ),
    ("cloudtrail", &["aws.cloudtrail.trail"]),
    ("kms", &["aws.kms.key"]),
    ("rds", &["aws.rds.instance", "aws.rds.snapshot"]),
    ("lambda", &["aws.lambda.function"]),
    (
        "monitoring",
        &["aws.logs.metric-filter", "aws.cloudwatch.alarm"],
    ),
    (
        "security",
        &[
            "aws.config.recorders",
            "aws.guardduty.detectors",
            "aws.securityhub.hub",
            "aws.accessanalyzer.analyzers",
        ],
    ),
    ("efs", &["aws.efs.file-system"]),
    ("messaging", &["aws.sns.topic", "aws.sqs.queue"]),
    ("secretsmanager", &["aws.secretsmanager.secret"]),
    ("eks", &["aws.eks.cluster"]),
];

/// Services whose resources are global (collected once, not per region).
pub const GLOBAL_SERVICES: [&str; 2] = ["iam", "s3"];

/// The collector that lists `kind`.
pub fn service_of(kind: &str) -> Option<&'static str> {
    SERVICE_KINDS
        .iter()
        .find(|(_, kinds)| kinds.contains(&kind))
        .map(|(service, _)| *service)
}

/// The collector a changed resource's service name maps to (`config`,
/// `guardduty` and `securityhub` are one collector).
pub fn collector_name(service: &str) -> &str {
    match service {
        "config" | "guardduty" | "securityhub" | "access-analyzer" => "security",
        "sns" | "sqs" => "messaging",
        other => other,
    }
}
