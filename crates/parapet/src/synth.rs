//! Synthetic CloudTrail: a day in the life of an ordinary AWS organization
//! (workloads reading S3, DynamoDB, KMS, secrets; people on SSO looking
//! around; Terraform in CI changing things; AWS services assuming their
//! roles). Used by the benchmark and as the benign background the bundled
//! rules must stay silent on. Deterministic for a given seed.

mod deploys;

const ACCOUNT: &str = "111122223333";
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "us-west-2"];

/// xorshift64*: small, fast, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn hex(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }

    fn uuid(&mut self) -> String {
        format!(
            "{}-{}-4{}-a{}-{}",
            self.hex(8),
            self.hex(4),
            self.hex(3),
            self.hex(3),
            self.hex(12)
        )
    }

    fn upper(&mut self, len: usize) -> String {
        (0..len)
            .map(|_| char::from(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[self.below(32) as usize]))
            .collect()
    }
}

/// Who makes a call: the userIdentity JSON, where from, with what.
struct Actor {
    identity: String,
    ip: String,
    agent: &'static str,
}

pub struct Generator {
    rng: Rng,
    /// Milliseconds since the epoch of the next event.
    clock: i64,
}

const CLI: &str = "aws-cli/2.15.30 Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22 prompt/off command/s3.ls";
const BOTO: &str = "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.10.213 md/arch#x86_64 lang/python#3.12.2 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
const JAVA: &str = "aws-sdk-java/2.25.16 Linux/5.10.213-201.855.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache cfg/retry-mode/standard";
const TERRAFORM: &str = "APN/1.0 HashiCorp/1.0 Terraform/1.7.5 (+https://www.terraform.io) terraform-provider-aws/5.42.0 (+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.26.0 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/iam#1.31.3";
const CONSOLE: &str = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/123.0.0.0 Safari/537.36";

impl Generator {
    pub fn new(seed: u64) -> Self {
        // 2024-07-30T00:00:00Z
        Generator {
            rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
            clock: 1_722_297_600_000,
        }
    }

    fn time(&mut self) -> String {
        self.clock += 5 + self.rng.below(40) as i64;
        parapet_core::Timestamp(self.clock - self.clock % 1000).to_string()
    }

    fn role_session(
        &mut self,
        role: &str,
        session: &str,
        ip: String,
        agent: &'static str,
    ) -> Actor {
        let role_id = format!("AROA{}", self.rng.upper(17));
        let identity = format!(
            r#"{{"type":"AssumedRole","principalId":"{role_id}:{session}","arn":"arn:aws:sts::{ACCOUNT}:assumed-role/{role}/{session}","accountId":"{ACCOUNT}","accessKeyId":"ASIA{key}","sessionContext":{{"sessionIssuer":{{"type":"Role","principalId":"{role_id}","arn":"arn:aws:iam::{ACCOUNT}:role/{role}","accountId":"{ACCOUNT}","userName":"{role}"}},"webIdFederationData":{{}},"attributes":{{"creationDate":"2024-07-30T00:00:00Z","mfaAuthenticated":"false"}}}}}}"#,
            key = self.rng.upper(16)
        );
        Actor {
            identity,
            ip,
            agent,
        }
    }

    fn workload(&mut self) -> Actor {
        match self.rng.below(4) {
            0 => {
                let task = self.rng.hex(32);
                self.role_session("orders-api-task", &task, "10.0.12.34".into(), JAVA)
            }
            1 => self.role_session(
                "thumbnailer-lambda",
                "thumbnailer",
                "3.94.12.7".into(),
                BOTO,
            ),
            2 => {
                let instance = format!("i-0{}", self.rng.hex(16));
                self.role_session("web-asg-instance-role", &instance, "10.0.3.21".into(), BOTO)
            }
            _ => self.role_session(
                "billing-batch-task",
                "billing-batch",
                "10.0.44.5".into(),
                BOTO,
            ),
        }
    }

    fn person(&mut self) -> Actor {
        let who = *self
            .rng
            .pick(&["alice@example.com", "bob@example.com", "carol@example.com"]);
        let console = self.rng.below(3) == 0;
        let agent = if console { CONSOLE } else { CLI };
        let ip = format!("198.51.100.{}", 10 + self.rng.below(20));
        self.role_session(
            "AWSReservedSSO_AdministratorAccess_5e2c8a1f0b3d4e6a",
            who,
            ip,
            agent,
        )
    }

    fn legacy_reader(&mut self) -> Actor {
        let identity = format!(
            r#"{{"type":"IAMUser","principalId":"AIDA{}","arn":"arn:aws:iam::{ACCOUNT}:user/reporting-readonly","accountId":"{ACCOUNT}","accessKeyId":"AKIA{}","userName":"reporting-readonly"}}"#,
            self.rng.upper(17),
            self.rng.upper(16)
        );
        Actor {
            identity,
            ip: "203.0.113.40".into(),
            agent: BOTO,
        }
    }

    fn deployer(&mut self) -> Actor {
        let session = format!("GitHubActions-{}", self.rng.below(1_000_000));
        self.role_session(
            "github-actions-terraform",
            &session,
            "4.175.10.22".into(),
            TERRAFORM,
        )
    }

    fn service(name: &'static str) -> Actor {
        Actor {
            identity: format!(r#"{{"type":"AWSService","invokedBy":"{name}"}}"#),
            ip: name.into(),
            agent: name,
        }
    }

    fn record(
        &mut self,
        actor: &Actor,
        (source, name): (&str, &str),
        read_only: bool,
        request: &str,
        response: &str,
        extra: &str,
    ) -> String {
        let region = *self.rng.pick(&REGIONS);
        let time = self.time();
        let (event_id, request_id) = (self.rng.uuid(), self.rng.uuid());
        let category = if extra.contains("\"eventCategory\"") {
            ""
        } else {
            r#","eventCategory":"Management","managementEvent":true"#
        };
        format!(
            r#"{{"eventVersion":"1.09","userIdentity":{identity},"eventTime":"{time}","eventSource":"{source}","eventName":"{name}","awsRegion":"{region}","sourceIPAddress":"{ip}","userAgent":"{agent}","requestParameters":{request},"responseElements":{response},"requestID":"{request_id}","eventID":"{event_id}","readOnly":{read_only},"eventType":"AwsApiCall","recipientAccountId":"{ACCOUNT}"{category}{extra},"tlsDetails":{{"tlsVersion":"TLSv1.3","cipherSuite":"TLS_AES_128_GCM_SHA256","clientProvidedHostHeader":"{host}"}}}}"#,
            identity = actor.identity,
            ip = actor.ip,
            agent = actor.agent,
            host = source.replace(".amazonaws.com", &format!(".{region}.amazonaws.com")),
        )
    }

    /// One benign event as a JSON line (no trailing newline).
    pub fn event(&mut self) -> String {
        let data = r#","eventCategory":"Data","managementEvent":false"#;
        match self.rng.below(100) {
            0..=29 => {
                let actor = self.workload();
                let (name, read) = *self.rng.pick(&[
                    ("GetObject", true),
                    ("PutObject", false),
                    ("HeadObject", true),
                    ("GetObject", true),
                ]);
                let key = format!("orders/2024/07/30/{}.json", self.rng.hex(12));
                let request = format!(
                    r#"{{"bucketName":"acme-orders-prod","Host":"acme-orders-prod.s3.amazonaws.com","key":"{key}"}}"#
                );
                let extra = format!(
                    r#"{data},"resources":[{{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::acme-orders-prod/{key}"}}],"additionalEventData":{{"bytesTransferredIn":0,"bytesTransferredOut":{}}}"#,
                    self.rng.below(90_000)
                );
                self.record(
                    &actor,
                    ("s3.amazonaws.com", name),
                    read,
                    &request,
                    "null",
                    &extra,
                )
            }
            30..=39 => {
                let actor = if self.rng.below(2) == 0 {
                    self.workload()
                } else {
                    Self::service("secretsmanager.amazonaws.com")
                };
                let name = *self.rng.pick(&["Decrypt", "GenerateDataKey", "Decrypt"]);
                let request = r#"{"encryptionAlgorithm":"SYMMETRIC_DEFAULT","encryptionContext":{"aws:s3:arn":"arn:aws:s3:::acme-orders-prod"}}"#;
                self.record(&actor, ("kms.amazonaws.com", name), true, request, "null", r#","resources":[{"accountId":"111122223333","type":"AWS::KMS::Key","ARN":"arn:aws:kms:us-east-1:111122223333:key/5c1b8e2e-3d6a-4a43-9b3c-0e1f2a3b4c5d"}]"#)
            }
            40..=47 => {
                let (service, role) = *self.rng.pick(&[
                    ("lambda.amazonaws.com", "thumbnailer-lambda"),
                    ("ecs-tasks.amazonaws.com", "orders-api-task"),
                    ("ec2.amazonaws.com", "web-asg-instance-role"),
                ]);
                let actor = Self::service(service);
                let request = format!(
                    r#"{{"roleArn":"arn:aws:iam::{ACCOUNT}:role/{role}","roleSessionName":"{}","durationSeconds":3600}}"#,
                    self.rng.hex(16)
                );
                let response = format!(
                    r#"{{"credentials":{{"accessKeyId":"ASIA{}","sessionToken":"IQoJb3JpZ2luX2VjEHYaCXVzLWVhc3QtMSJHMEUCIQ{}","expiration":"Jul 30, 2024, 2:00:00 PM"}}}}"#,
                    self.rng.upper(16),
                    self.rng.hex(40)
                );
                self.record(
                    &actor,
                    ("sts.amazonaws.com", "AssumeRole"),
                    true,
                    &request,
                    &response,
                    "",
                )
            }
            48..=57 => {
                let actor = match self.rng.below(3) {
                    0 => self.person(),
                    1 => self.legacy_reader(),
                    _ => self.role_session(
                        "AWSServiceRoleForConfig",
                        "AWSConfig-Describe",
                        "config.amazonaws.com".into(),
                        "config.amazonaws.com",
                    ),
                };
                let name = *self.rng.pick(&[
                    "DescribeInstances",
                    "DescribeVolumes",
                    "DescribeSecurityGroups",
                    "DescribeSubnets",
                    "DescribeVpcs",
                    "DescribeImages",
                ]);
                self.record(
                    &actor,
                    ("ec2.amazonaws.com", name),
                    true,
                    r#"{"filterSet":{},"maxResults":1000}"#,
                    "null",
                    "",
                )
            }
            58..=62 => {
                let actor = self.workload();
                let name = *self.rng.pick(&["PutMetricData", "GetMetricData"]);
                self.record(
                    &actor,
                    ("monitoring.amazonaws.com", name),
                    name.starts_with("Get"),
                    r#"{"namespace":"Acme/Orders"}"#,
                    "null",
                    "",
                )
            }
            63..=70 => {
                let actor = self.workload();
                let name = *self
                    .rng
                    .pick(&["GetItem", "PutItem", "Query", "UpdateItem"]);
                let request = format!(
                    r#"{{"tableName":"orders","key":{{"pk":"ORDER#{}"}}}}"#,
                    self.rng.hex(10)
                );
                let extra = format!(
                    r#"{data},"resources":[{{"accountId":"{ACCOUNT}","type":"AWS::DynamoDB::Table","ARN":"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/orders"}}]"#
                );
                self.record(
                    &actor,
                    ("dynamodb.amazonaws.com", name),
                    name != "PutItem" && name != "UpdateItem",
                    &request,
                    "null",
                    &extra,
                )
            }
            71..=73 => {
                let actor = self.workload();
                let request = format!(
                    r#"{{"secretId":"arn:aws:secretsmanager:us-east-1:{ACCOUNT}:secret:prod/orders/{}"}}"#,
                    self.rng
                        .pick(&["db-primary", "db-replica", "stripe-api-key"])
                );
                self.record(
                    &actor,
                    ("secretsmanager.amazonaws.com", "GetSecretValue"),
                    true,
                    &request,
                    "null",
                    "",
                )
            }
            74..=76 => {
                let actor = self.workload();
                let (name, request) = *self.rng.pick(&[
                    ("GetParameter", r#"{"name":"/orders/prod/db-password","withDecryption":true}"#),
                    ("GetParameters", r#"{"names":["/orders/prod/api-key","/orders/prod/feature-flags"],"withDecryption":true}"#),
                    ("GetParametersByPath", r#"{"path":"/orders/prod/","recursive":true,"withDecryption":true}"#),
                ]);
                self.record(
                    &actor,
                    ("ssm.amazonaws.com", name),
                    true,
                    request,
                    "null",
                    "",
                )
            }
            77..=79 => {
                let instance = format!("i-0{}", self.rng.hex(16));
                let actor = self.role_session(
                    "web-asg-instance-role",
                    &instance,
                    "10.0.3.21".into(),
                    "aws-sdk-go/1.44.0 (go1.21.6; linux; amd64) amazon-ssm-agent/3.3.40.0",
                );
                let request = format!(
                    r#"{{"instanceId":"{instance}","agentVersion":"3.3.40.0","agentName":"amazon-ssm-agent","platformType":"Linux"}}"#
                );
                self.record(
                    &actor,
                    ("ssm.amazonaws.com", "UpdateInstanceInformation"),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            80..=83 => {
                let actor = if self.rng.below(2) == 0 {
                    self.person()
                } else {
                    self.legacy_reader()
                };
                let (name, request) = *self.rng.pick(&[
                    ("ListUsers", r#"{"maxItems":100}"#),
                    ("GetRole", r#"{"roleName":"orders-api-task"}"#),
                    ("ListRoles", r#"{"maxItems":100}"#),
                    (
                        "ListAttachedRolePolicies",
                        r#"{"roleName":"thumbnailer-lambda"}"#,
                    ),
                    ("GetAccountPasswordPolicy", "null"),
                ]);
                self.record(
                    &actor,
                    ("iam.amazonaws.com", name),
                    true,
                    request,
                    "null",
                    "",
                )
            }
            84 => {
                let actor = self.person();
                let extra = r#","additionalEventData":{"LoginTo":"https://console.aws.amazon.com/console/home","MobileVersion":"No","MFAUsed":"Yes"}"#;
                self.record(
                    &actor,
                    ("signin.amazonaws.com", "ConsoleLogin"),
                    false,
                    "null",
                    r#"{"ConsoleLogin":"Success"}"#,
                    extra,
                )
            }
            85..=86 => {
                let actor = if self.rng.below(2) == 0 {
                    Self::service("apigateway.amazonaws.com")
                } else {
                    self.workload()
                };
                let request = format!(
                    r#"{{"functionName":"arn:aws:lambda:us-east-1:{ACCOUNT}:function:thumbnailer","invocationType":"RequestResponse"}}"#
                );
                self.record(
                    &actor,
                    ("lambda.amazonaws.com", "Invoke"),
                    false,
                    &request,
                    "null",
                    data,
                )
            }
            87..=89 => self.terraform_change(),
            90..=93 => {
                let actor = self.workload();
                let request = format!(
                    r#"{{"logGroupName":"/aws/lambda/thumbnailer","logStreamName":"2024/07/30/[$LATEST]{}"}}"#,
                    self.rng.hex(32)
                );
                self.record(
                    &actor,
                    ("logs.amazonaws.com", "CreateLogStream"),
                    false,
                    &request,
                    "null",
                    "",
                )
            }
            94 => {
                let actor = self.person();
                let request = format!(
                    r#"{{"target":"i-0{}","reason":"debug nginx"}}"#,
                    self.rng.hex(16)
                );
                let response = format!(
                    r#"{{"sessionId":"alice@example.com-{}","tokenValue":"Value hidden due to security reasons.","streamUrl":"wss://ssmmessages.us-east-1.amazonaws.com/v1/data-channel/x"}}"#,
                    self.rng.hex(17)
                );
                self.record(
                    &actor,
                    ("ssm.amazonaws.com", "StartSession"),
                    false,
                    &request,
                    &response,
                    "",
                )
            }
            95 => {
                let actor = self.role_session(
                    "ssm-maintenance-window",
                    "patch-tuesday",
                    "ssm.amazonaws.com".into(),
                    "ssm.amazonaws.com",
                );
                let request = r#"{"documentName":"AWS-RunPatchBaseline","targets":[{"key":"tag:PatchGroup","values":["web"]}],"parameters":"HIDDEN_DUE_TO_SECURITY_REASONS","maxConcurrency":"10%"}"#;
                self.record(
                    &actor,
                    ("ssm.amazonaws.com", "SendCommand"),
                    false,
                    request,
                    "null",
                    "",
                )
            }
            96 => {
                let actor = self.person();
                let request = r#"{"bucketName":"acme-orders-prod","Host":"acme-orders-prod.s3.amazonaws.com","acl":""}"#;
                let extra = r#","errorCode":"AccessDenied","errorMessage":"Access Denied""#;
                self.record(
                    &actor,
                    ("s3.amazonaws.com", "GetBucketAcl"),
                    true,
                    request,
                    "null",
                    extra,
                )
            }
            97 => {
                let actor = self.legacy_reader();
                let request = r#"{"userName":"reporting-readonly"}"#;
                let response = format!(
                    r#"{{"accessKey":{{"userName":"reporting-readonly","accessKeyId":"AKIA{}","status":"Active","createDate":"Jul 30, 2024, 9:00:00 AM"}}}}"#,
                    self.rng.upper(16)
                );
                let name = *self.rng.pick(&["CreateAccessKey", "ListAccessKeys"]);
                self.record(
                    &actor,
                    ("iam.amazonaws.com", name),
                    name.starts_with("List"),
                    request,
                    &response,
                    "",
                )
            }
            _ => {
                let actor = Self::service("cloudtrail.amazonaws.com");
                let request = r#"{"bucketName":"acme-cloudtrail-logs","Host":"acme-cloudtrail-logs.s3.amazonaws.com","acl":""}"#;
                self.record(
                    &actor,
                    ("s3.amazonaws.com", "GetBucketAcl"),
                    true,
                    request,
                    "null",
                    "",
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_cloudtrail_json_and_reproducible() {
        let mut a = Generator::new(7);
        let mut b = Generator::new(7);
        for _ in 0..2000 {
            let line = a.event();
            assert_eq!(line, b.event());
            let value: sonic_rs::Value =
                sonic_rs::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
            assert!(parapet_logs::is_cloudtrail_record(&value), "{line}");
        }
    }
}
