"""Writes crates/parapet-policy/frameworks/cis-aws-*.json from the CIS control lists in
../shared/reference/cis: every control with its title, section, profile and assessment, and for
the Automated ones the Parapet rules that decide it. Run from the repository root after adding a
rule that covers a control; the product embeds the output, never ../shared."""
import json
import re
import sys

# Title pattern (case-insensitive) -> rule ids. Titles differ in wording between versions.
MAPPING = [
    (r"no 'root' user account access key", ["AWS-IAM-001"]),
    (r"^Ensure MFA is enabled for the 'root'", ["AWS-IAM-002"]),
    (r"hardware MFA is enabled for the 'root'", ["AWS-IAM-003"]),
    (r"Eliminate use of the 'root' user", ["AWS-IAM-004"]),
    (r"password policy requires minimum length", ["AWS-IAM-011"]),
    (r"password policy prevents password reuse", ["AWS-IAM-012"]),
    (r"MFA\) is enabled for all IAM users that have a console password", ["AWS-IAM-005"]),
    (r"Do not setup access keys during initial user setup", ["AWS-IAM-006"]),
    (r"credentials unused for 45 days", ["AWS-IAM-007"]),
    (r"only one active access key", ["AWS-IAM-008"]),
    (r"access keys are rotated every 90 days", ["AWS-IAM-009"]),
    (r"Users? receive permissions only through groups", ["AWS-IAM-010"]),
    (r"full \"?\*:\*\"? administrative privileges", ["AWS-IAM-013"]),
    (r"support role has been created", ["AWS-IAM-016"]),
    (r"instance roles are used", ["AWS-EC2-008"]),
    (r"expired SSL/TLS certificates stored in AWS IAM", ["AWS-IAM-017"]),
    (r"Access analyzer is enabled for all regions", ["AWS-IAM-019"]),
    (r"S3 Bucket Policy is set to deny HTTP", ["AWS-S3-003"]),
    (r"MFA Delete is enabled on S3 buckets", ["AWS-S3-004"]),
    (r"Block public access", ["AWS-S3-005"]),
    (r"EBS [Vv]olume [Ee]ncryption is [Ee]nabled in all [Rr]egions", ["AWS-EC2-001"]),
    (r"encryption(-at-rest)? is enabled for RDS", ["AWS-RDS-001"]),
    (r"Auto Minor Version Upgrade", ["AWS-RDS-002"]),
    (r"public access is not given to RDS|RDS instances are not publicly accessible", ["AWS-RDS-003"]),
    (r"encryption is enabled for EFS", ["AWS-EFS-001"]),
    (r"CloudTrail is enabled in all regions", ["AWS-CT-001"]),
    (r"CloudTrail log file validation", ["AWS-CT-002"]),
    (r"AWS Config is enabled in all regions", ["AWS-CFG-001"]),
    (r"access logging is enabled on the CloudTrail S3 bucket", ["AWS-CT-003"]),
    (r"CloudTrail logs are encrypted at rest", ["AWS-CT-004"]),
    (r"rotation for customer[- ]created symmetric CMKs", ["AWS-KMS-001"]),
    (r"VPC flow logging is enabled", ["AWS-VPC-001"]),
    (r"[Oo]bject-level logging for write events", ["AWS-S3-006"]),
    (r"[Oo]bject-level logging for read events", ["AWS-S3-007"]),
    (r"unauthorized API calls", ["AWS-CW-001"]),
    (r"sign-in without MFA", ["AWS-CW-002"]),
    (r"usage of 'root' account", ["AWS-CW-003"]),
    (r"IAM policy changes", ["AWS-CW-004"]),
    (r"CloudTrail configuration changes", ["AWS-CW-005"]),
    (r"Console authentication failures", ["AWS-CW-006"]),
    (r"disabling or scheduled deletion of customer created CMKs", ["AWS-CW-007"]),
    (r"S3 bucket policy changes", ["AWS-CW-008"]),
    (r"AWS Config configuration changes", ["AWS-CW-009"]),
    (r"security group changes", ["AWS-CW-010"]),
    (r"Network Access Control Lists", ["AWS-CW-011"]),
    (r"changes to network gateways", ["AWS-CW-012"]),
    (r"route table changes", ["AWS-CW-013"]),
    (r"for VPC changes", ["AWS-CW-014"]),
    (r"AWS Organizations changes", ["AWS-CW-015"]),
    (r"Security Hub is enabled", ["AWS-SH-001"]),
    (r"Network ACLs allow ingress from 0.0.0.0/0 to remote server administration", ["AWS-EC2-009"]),
    (r"security groups allow ingress from 0.0.0.0/0 to remote server administration", ["AWS-EC2-002"]),
    (r"security groups allow ingress from ::/0 to remote server administration", ["AWS-EC2-003"]),
    (r"default security group of every VPC restricts all traffic", ["AWS-EC2-006"]),
    (r"Metadata Service only allows IMDSv2", ["AWS-EC2-007"]),
    (r"CIFS access is restricted", ["AWS-EC2-004"]),
]

def rules_for(title):
    hits = [rules for pattern, rules in MAPPING if re.search(pattern, title, re.I)]
    return hits[0] if hits else []

def main(versions):
    for version in versions:
        source = json.load(open(f"../shared/reference/cis/cis_{version}_aws.json"))
        controls = []
        for control in source["controls"]:
            automated = control["assessment"].lower() == "automated"
            rules = rules_for(control["title"]) if automated else []
            if automated and not rules:
                print(f"cis {version} {control['id']}: no rule: {control['title']}", file=sys.stderr)
            controls.append({
                "id": control["id"],
                "title": control["title"],
                "section": control["section"],
                "profile": control.get("profile", ""),
                "assessment": control["assessment"].lower(),
                "rules": rules,
            })
        framework = {
            "id": f"cis-aws-{version}",
            "title": f"CIS Amazon Web Services Foundations Benchmark v{version}",
            "provider": "aws",
            "controls": controls,
        }
        with open(f"crates/parapet-policy/frameworks/cis-aws-{version}.json", "w") as out:
            json.dump(framework, out, indent=1)
            out.write("\n")

main(sys.argv[1:] or ["3.0", "4.0", "5.0"])
