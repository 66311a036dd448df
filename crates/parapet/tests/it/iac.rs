//! `parapet scan iac` on the bundled samples, on Trivy's public good/bad
//! examples, and on broken and hostile trees.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use parapet_core::{CheckStatus, Timestamp};
use parapet_iac::{parse_documents, scan_path, IacOptions};
use parapet_policy::{builtin_rules, evaluate, Inventory};
use sonic_rs::{JsonContainerTrait, JsonValueTrait};

use crate::{parapet, run, shared};

fn samples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/iac")
}

fn findings(stdout: &[u8]) -> Vec<sonic_rs::Value> {
    let all: sonic_rs::Value = sonic_rs::from_slice(stdout).expect("JSON findings");
    all.as_array()
        .map(|a| a.iter().cloned().collect())
        .unwrap_or_default()
}

fn field<'a>(value: &'a sonic_rs::Value, path: &[&str]) -> &'a str {
    let mut at = value;
    for key in path {
        at = &at[*key];
    }
    at.as_str().unwrap_or_default()
}

#[test]
fn samples_give_exactly_the_expected_failures_at_their_lines() {
    let out = run(parapet()
        .args(["scan", "iac", "--format", "json", "--status", "all"])
        .arg(samples()));
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "module.vpc: module source `terraform-aws-modules/vpc/aws` is not a local folder"
        ) && stderr.contains("never fetches"),
        "{stderr}"
    );
    let all = findings(&out.stdout);
    let failing: BTreeSet<String> = all
        .iter()
        .filter(|f| field(f, &["status"]) == "FAIL")
        .map(|f| {
            let muted = if f["muted"].is_null() { "" } else { " muted" };
            format!(
                "{} {} {}:{}{muted}",
                field(f, &["rule_id"]),
                field(f, &["resource", "uid"]),
                field(f, &["location", "path"]),
                f["location"]["line"].as_u64().unwrap_or(0)
            )
        })
        .collect();
    let expected: BTreeSet<String> = [
        // CloudFormation: !Ref of a parameter default, !Join, !If on a condition.
        "AWS-EC2-002 cloudformation/stack.yaml#AdminGroup cloudformation/stack.yaml:30",
        "AWS-KMS-001 cloudformation/stack.yaml#Key cloudformation/stack.yaml:47",
        "AWS-S3-002 cloudformation/stack.yaml#DataBucket cloudformation/stack.yaml:13",
        "AWS-S3-003 cloudformation/stack.yaml#DataBucket cloudformation/stack.yaml:13",
        "AWS-S3-004 cloudformation/stack.yaml#DataBucket cloudformation/stack.yaml:13",
        "AWS-S3-005 cloudformation/stack.yaml#DataBucket cloudformation/stack.yaml:13",
        "AWS-S3-009 cloudformation/stack.yaml#DataBucket cloudformation/stack.yaml:13",
        // Terraform: tfvars ports through a dynamic block, count, for_each,
        // a local module with a conditional input, a suppression.
        "AWS-EC2-002 terraform/main.tf#aws_security_group.bastion terraform/main.tf:54",
        "AWS-EC2-007 terraform/main.tf#aws_instance.worker[1] terraform/main.tf:69",
        "AWS-RDS-001 terraform/modules/database/main.tf#module.database.aws_db_instance.main terraform/modules/database/main.tf:6",
        "AWS-S3-001 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45 muted",
        "AWS-S3-005 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45 muted",
        "AWS-S3-003 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45",
        "AWS-S3-004 terraform/main.tf#aws_s3_bucket.audit terraform/main.tf:8",
        "AWS-S3-008 terraform/main.tf#aws_s3_bucket.audit terraform/main.tf:8",
        "AWS-S3-008 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45",
        "AWS-S3-009 terraform/main.tf#aws_s3_bucket.audit terraform/main.tf:8",
        "AWS-S3-009 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45",
        "AWS-S3-004 terraform/main.tf#aws_s3_bucket.site terraform/main.tf:45",
        "AWS-SQS-002 terraform/main.tf#aws_sqs_queue.jobs[\"billing\"] terraform/main.tf:79",
        // Plan JSON, pointed back at the .tf beside it.
        "AWS-S3-005 plan/main.tf#aws_s3_bucket.logs plan/main.tf:1",
        "AWS-S3-009 plan/main.tf#aws_s3_bucket.logs plan/main.tf:1",
        // Kubernetes: one bad Deployment, one good CronJob.
        "K8S-001 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-004 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-006 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-007 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-008 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-009 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-010 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
        "K8S-011 kubernetes/app.yaml#Deployment/shop/web kubernetes/app.yaml:1",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    let missing: Vec<_> = expected.difference(&failing).collect();
    let extra: Vec<_> = failing.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    // Resolved well: the audit bucket's policy (an aws_iam_policy_document
    // with a Deny on aws:SecureTransport) passes, the encrypted queue passes,
    // the plan's MFA Delete comes from the separate versioning resource.
    let passes = |rule: &str, uid: &str| {
        all.iter().any(|f| {
            field(f, &["rule_id"]) == rule
                && field(f, &["resource", "uid"]) == uid
                && field(f, &["status"]) == "PASS"
        })
    };
    assert!(passes(
        "AWS-S3-003",
        "terraform/main.tf#aws_s3_bucket.audit"
    ));
    assert!(passes(
        "AWS-S3-005",
        "terraform/main.tf#aws_s3_bucket.audit"
    ));
    assert!(passes(
        "AWS-SQS-002",
        "terraform/main.tf#aws_sqs_queue.jobs[\"orders\"]"
    ));
    assert!(passes("AWS-S3-004", "plan/main.tf#aws_s3_bucket.logs"));
    assert!(passes("K8S-001", "kubernetes/app.yaml#CronJob/shop/report"));
    // The plan's volume is encrypted "(known after apply)": unknown, never a failure.
    assert!(all.iter().any(|f| field(f, &["rule_id"]) == "AWS-EC2-010"
        && field(f, &["resource", "uid"]) == "plan/main.tf#aws_ebs_volume.data"
        && field(f, &["status"]) == "UNKNOWN"));
}

#[test]
fn variables_from_the_command_line_change_the_verdict() {
    let out = run(parapet()
        .args([
            "scan",
            "iac",
            "--format",
            "json",
            "--rule",
            "AWS-RDS-003",
            "--var",
            "env=dev",
        ])
        .arg(samples().join("terraform")));
    let all = findings(&out.stdout);
    assert_eq!(all.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(field(&all[0], &["resource", "name"]), "acme-dev-db");
    let bad = run(parapet()
        .args(["scan", "iac", "--var", "no-equals-sign"])
        .arg(samples()));
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("expected NAME=VALUE"));
}

#[test]
fn sarif_and_junit_point_at_the_line() {
    let sarif = run(parapet()
        .args(["scan", "iac", "--format", "sarif", "--rule", "AWS-EC2-007"])
        .arg(samples().join("terraform")));
    let log: sonic_rs::Value = sonic_rs::from_slice(&sarif.stdout).expect("SARIF JSON");
    let result = &log["runs"][0]["results"][0];
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"].as_str(),
        Some("main.tf")
    );
    assert_eq!(location["region"]["startLine"].as_u64(), Some(69));
    let junit = run(parapet()
        .args([
            "scan",
            "iac",
            "--format",
            "junit",
            "--status",
            "all",
            "--rule",
            "AWS-EC2-007",
        ])
        .arg(samples().join("terraform")));
    let xml = String::from_utf8_lossy(&junit.stdout);
    assert!(xml.starts_with("<?xml"), "{xml}");
    assert!(
        xml.contains(r#"<testsuites name="parapet" tests="2" failures="1""#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"classname="main.tf:69""#) && xml.contains("<failure "),
        "{xml}"
    );
}

#[test]
fn broken_files_are_reported_with_line_and_the_rest_is_scanned() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write(
        "broken.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acl = \n}\n",
    );
    write(
        "k8s/broken.yaml",
        "apiVersion: v1\nkind: Pod\nspec:\n  containers: [\n",
    );
    write(
        "cfn/broken.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  NoType:\n    Properties: {}\n",
    );
    write(
        "ok/main.tf",
        "resource \"aws_ebs_volume\" \"v\" {\n  size = 1\n}\n",
    );
    write(
        "ok/ignore.tf",
        "# parapet:ignore AWS-EC2-010\nresource \"aws_ebs_volume\" \"w\" { size = 1 }\n",
    );
    let out = run(parapet()
        .args(["scan", "iac", "--format", "json"])
        .arg(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("broken.tf:3:9: HCL syntax"), "{stderr}");
    assert!(stderr.contains("k8s/broken.yaml:5:"), "{stderr}");
    assert!(
        stderr.contains("cfn/broken.yaml:3:") && stderr.contains("has no Type"),
        "{stderr}"
    );
    assert!(
        stderr.contains("ok/ignore.tf:1:3: `parapet:ignore` needs rule ids and a reason"),
        "{stderr}"
    );
    let all = findings(&out.stdout);
    let uids: BTreeSet<&str> = all.iter().map(|f| field(f, &["resource", "uid"])).collect();
    assert!(uids.contains("ok/main.tf#aws_ebs_volume.v"), "{uids:?}");
    // The reasonless suppression is not honoured.
    let w = all
        .iter()
        .find(|f| field(f, &["resource", "uid"]) == "ok/ignore.tf#aws_ebs_volume.w");
    assert!(w.is_some_and(|f| f["muted"].is_null()), "{all:?}");
}

#[test]
fn hostile_trees_end_quickly_with_notes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let write =
        |name: &str, text: &str| std::fs::write(dir.path().join(name), text).expect("write");
    write(
        "deep.tf",
        &format!(
            "locals {{ a = {}1{} }}\n",
            "(".repeat(50_000),
            ")".repeat(50_000)
        ),
    );
    write("cycle.tf", "locals {\n  x = local.y\n  y = local.x\n}\nresource \"aws_s3_bucket\" \"b\" { bucket = local.x }\nmodule \"self\" { source = \"./\" }\nmodule \"out\" { source = \"../../../../etc\" }\n");
    write("count.tf", "resource \"aws_ebs_volume\" \"v\" {\n  count     = 1000000000\n  encrypted = count.index % 2 == 0\n}\n");
    let mut bomb =
        String::from("apiVersion: v1\nkind: Pod\na: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for n in 0..9 {
        let prev = if n == 0 {
            "a".to_string()
        } else {
            format!("l{}", n - 1)
        };
        bomb.push_str(&format!(
            "l{n}: &l{n} [{}]\n",
            vec![format!("*{prev}"); 10].join(", ")
        ));
    }
    write("bomb.yaml", &bomb);
    let started = std::time::Instant::now();
    let out = run(parapet()
        .args(["scan", "iac", "--format", "json"])
        .arg(dir.path()));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        started.elapsed().as_secs() < 30,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("deep.tf:1:") && stderr.contains("nesting"),
        "{stderr}"
    );
    assert!(
        stderr.contains("bomb.yaml") && stderr.contains("alias bomb"),
        "{stderr}"
    );
    assert!(
        stderr.contains("module.self") && stderr.contains("calls itself"),
        "{stderr}"
    );
    assert!(
        stderr.contains("module.out") && stderr.contains("never fetches"),
        "{stderr}"
    );
    assert!(
        stderr.contains("count 1000000000 checked as its first 10000 instances"),
        "{stderr}"
    );
    let all = findings(&out.stdout);
    // The cycle leaves the name unknown; the bucket is still checked.
    assert!(all
        .iter()
        .any(|f| field(f, &["resource", "uid"]) == "cycle.tf#aws_s3_bucket.b"));
}

/// A Trivy example file (`trivy-examples/<KEY>.yaml`) and the Parapet rules
/// that check the same thing.
const TRIVY_CHECKS: &[(&str, &[&str])] = &[
    (
        "cloud/aws/cloudtrail/enable_log_validation",
        &["AWS-CT-002"],
    ),
    (
        "cloud/aws/cloudtrail/encryption_customer_key",
        &["AWS-CT-004"],
    ),
    (
        "cloud/aws/cloudtrail/require_bucket_access_logging",
        &["AWS-CT-003"],
    ),
    ("cloud/aws/ec2/enable_volume_encryption", &["AWS-EC2-010"]),
    ("cloud/aws/ec2/enforce_http_token_imds", &["AWS-EC2-007"]),
    (
        "cloud/aws/ec2/no_public_ingress_sgr",
        &["AWS-EC2-002", "AWS-EC2-003", "AWS-EC2-004", "AWS-EC2-005"],
    ),
    ("cloud/aws/ec2/no_public_ingress_acl", &["AWS-EC2-009"]),
    (
        "cloud/aws/ec2/require_vpc_flow_logs_for_all_vpcs",
        &["AWS-VPC-001"],
    ),
    ("cloud/aws/efs/enable_at_rest_encryption", &["AWS-EFS-001"]),
    (
        "cloud/aws/eks/enable_control_plane_logging",
        &["AWS-EKS-002"],
    ),
    ("cloud/aws/eks/no_public_cluster_access", &["AWS-EKS-001"]),
    (
        "cloud/aws/eks/no_public_cluster_access_to_cidr",
        &["AWS-EKS-001"],
    ),
    ("cloud/aws/iam/no_password_reuse", &["AWS-IAM-012"]),
    (
        "cloud/aws/iam/set_minimum_password_length",
        &["AWS-IAM-011"],
    ),
    ("cloud/aws/iam/no_user_attached_policies", &["AWS-IAM-010"]),
    ("cloud/aws/kms/auto_rotate_keys", &["AWS-KMS-001"]),
    ("cloud/aws/rds/disable_public_access", &["AWS-RDS-003"]),
    (
        "cloud/aws/rds/encrypt_instance_storage_data",
        &["AWS-RDS-001"],
    ),
    ("cloud/aws/s3/specify_public_access_block", &["AWS-S3-005"]),
    ("cloud/aws/s3/no_public_access_with_acl", &["AWS-S3-001"]),
    ("cloud/aws/s3/require_mfa_delete", &["AWS-S3-004"]),
    ("cloud/aws/sqs/enable_queue_encryption", &["AWS-SQS-002"]),
    ("cloud/aws/s3/enable_versioning", &["AWS-S3-008"]),
    ("cloud/aws/s3/enable_logging", &["AWS-S3-009"]),
    ("cloud/aws/sns/enable_topic_encryption", &["AWS-SNS-002"]),
    ("kubernetes/privileged", &["K8S-001"]),
    ("kubernetes/host_pid", &["K8S-002"]),
    ("kubernetes/host_ipc", &["K8S-002"]),
    ("kubernetes/host_network", &["K8S-002"]),
    ("kubernetes/hostpath_volumes_mounted", &["K8S-003"]),
    ("kubernetes/mounts_docker_socket", &["K8S-003"]),
    ("kubernetes/runs_as_root", &["K8S-004"]),
    ("kubernetes/specific_capabilities_added", &["K8S-005"]),
    ("kubernetes/SYS_ADMIN_capability", &["K8S-005"]),
    ("kubernetes/CPU_not_limited", &["K8S-006"]),
    ("kubernetes/memory_not_limited", &["K8S-011"]),
    ("kubernetes/uses_image_tag_latest", &["K8S-007"]),
    ("kubernetes/can_elevate_its_own_privileges", &["K8S-010"]),
    (
        "kubernetes/protecting_pod_service_account_tokens",
        &["K8S-009"],
    ),
];

/// Where Parapet deliberately disagrees with Trivy's example, and why.
const DIFFERENCES: &[(&str, &str, &str)] = &[
    // CIS AWS 1.9 asks for 24 remembered passwords; Trivy accepts 5.
    ("cloud/aws/iam/no_password_reuse", "terraform", "good[0]"),
    // CIS 2.1.4 wants all four Block Public Access flags; the example sets two.
    (
        "cloud/aws/s3/specify_public_access_block",
        "terraform",
        "good[0]",
    ),
    // SQS encrypts new queues with SQS-owned keys unless disabled (since
    // October 2022): the "unencrypted" examples deploy encrypted queues.
    (
        "cloud/aws/sqs/enable_queue_encryption",
        "terraform",
        "bad[0]",
    ),
    (
        "cloud/aws/sqs/enable_queue_encryption",
        "cloudformation",
        "bad[0]",
    ),
    // Without `automountServiceAccountToken: false` Kubernetes mounts the
    // token; Trivy's "good" pod gets one.
    (
        "kubernetes/protecting_pod_service_account_tokens",
        "kubernetes",
        "good[0]",
    ),
];

#[test]
fn trivy_examples_agree_except_the_documented_differences() {
    let root = shared().join("corpora/iac/trivy-examples");
    let rules = builtin_rules();
    let mut agreed = 0;
    let mut problems = Vec::new();
    let mut differing = BTreeSet::new();
    for (key, ids) in TRIVY_CHECKS {
        let text = std::fs::read_to_string(root.join(format!("{key}.yaml"))).expect("example file");
        let documents = parse_documents(&text).expect("example YAML");
        for (format, file) in [
            ("terraform", "main.tf"),
            ("cloudformation", "template.yaml"),
            ("kubernetes", "pod.yaml"),
        ] {
            let Some(section) = documents[0].get(format) else {
                continue;
            };
            for kind in ["good", "bad"] {
                let examples = section.get(kind).map(|n| n.items()).unwrap_or_default();
                for (n, example) in examples.iter().enumerate() {
                    let dir = tempfile::tempdir().expect("temp dir");
                    std::fs::write(dir.path().join(file), example.as_str().unwrap_or_default())
                        .expect("write");
                    let scan = scan_path(dir.path(), &IacOptions::default());
                    assert!(
                        scan.errors.is_empty(),
                        "{key} {format} {kind}[{n}]: {:?}",
                        scan.errors
                    );
                    let selected: Vec<_> = builtin_rules()
                        .into_iter()
                        .filter(|r| ids.contains(&&*r.info().id))
                        .collect();
                    let resources = scan.resources.iter().map(|d| d.resource.clone()).collect();
                    let inventory = Inventory::new(resources, Timestamp(0));
                    let failed = evaluate(&inventory, &selected, 1)
                        .iter()
                        .any(|f| f.status == CheckStatus::Fail);
                    let case = format!("{kind}[{n}]");
                    let documented = DIFFERENCES.contains(&(*key, format, case.as_str()));
                    if documented {
                        differing.insert((*key, format, case.clone()));
                    }
                    match (failed == (kind == "bad"), documented) {
                        (true, false) => agreed += 1,
                        (false, true) => {}
                        (true, true) => problems.push(format!(
                            "{key} {format} {case}: listed as a difference but agrees now"
                        )),
                        (false, false) => problems.push(format!(
                            "{key} {format} {case}: Parapet {} ({ids:?})",
                            if failed { "fails it" } else { "passes it" }
                        )),
                    }
                }
            }
        }
    }
    assert!(rules.len() > 60);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert_eq!(
        differing.len(),
        DIFFERENCES.len(),
        "a listed difference matched no example"
    );
    assert!(agreed >= 100, "only {agreed} examples compared");
}
