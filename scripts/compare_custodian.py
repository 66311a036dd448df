#!/usr/bin/env python3
"""Cloud Custodian and Prowler vs `parapet collect aws`: inventory of one emulated AWS account.

Starts moto on a free port, seeds it with bench_collect.py's seed() (~N resources over its three
regions; moto's built-in AMIs replaced by nothing, IAM managed policies loaded), then runs, each
under /usr/bin/time -v against that one server (every tool only reads):

  - parapet collect aws (all collectors, 3 regions)
  - custodian run: one query-only policy per resource type both tools know, 3 regions
  - prowler --quick-inventory (3 regions) and, unless --skip-prowler-cis, a CIS 5.0 scan

and prints Markdown: wall time, peak memory, resources found, errors; then counts per type.
Prowler's CIS column counts the distinct resources its findings name (not an inventory).

    .venv/bin/python scripts/compare_custodian.py --parapet target/debug/parapet \
        --custodian /tmp/c7n-venv/bin/custodian --prowler /tmp/prowler-venv/bin/prowler
"""
import argparse
import collections
import csv
import glob
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_collect import REGIONS, seed  # noqa: E402
import compare_prowler  # noqa: E402
from compare_prowler import FAKE_AWS, VENV, prowler_errors, stop, timed  # noqa: E402

ENV = {**FAKE_AWS, "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent"}
# label, Parapet kind, Custodian resource and its id field, Prowler inventory "service:type",
# Prowler finding RESOURCE_TYPE
TYPES = [
    ("EC2 instances", "aws.ec2.instance", "ec2", "InstanceId", "ec2:instance", "AwsEc2Instance"),
    ("Security groups", "aws.ec2.security-group", "security-group", "GroupId", "ec2:security-group",
     "AwsEc2SecurityGroup"),
    ("EBS volumes", "aws.ec2.volume", "ebs", "VolumeId", "ec2:volume", "AwsEc2Volume"),
    ("EBS snapshots", "aws.ec2.snapshot", "ebs-snapshot", "SnapshotId", "ec2:snapshot", "AwsEc2Snapshot"),
    ("AMIs", "aws.ec2.image", "ami", "ImageId", "ec2:image", "AwsEc2Image"),
    ("VPCs", "aws.ec2.vpc", "vpc", "VpcId", "ec2:vpc", "AwsEc2Vpc"),
    ("Network ACLs", "aws.ec2.network-acl", "network-acl", "NetworkAclId", "ec2:network-acl",
     "AwsEc2NetworkAcl"),
    ("IAM users", "aws.iam.user", "iam-user", "UserName", "iam:user", "AwsIamUser"),
    ("IAM roles", "aws.iam.role", "iam-role", "RoleName", "iam:role", "AwsIamRole"),
    ("IAM groups", "aws.iam.group", "iam-group", "GroupName", "iam:group", "AwsIamGroup"),
    ("IAM policies (customer)", "aws.iam.policy", "iam-policy", "Arn", "iam:policy", "AwsIamPolicy"),
    ("IAM server certificates", "aws.iam.server-certificate", "iam-certificate", "Arn", None, None),
    ("S3 buckets", "aws.s3.bucket", "s3", "Name", "s3:bucket", "AwsS3Bucket"),
    ("KMS keys", "aws.kms.key", "kms-key", "KeyId", "kms:key", "AwsKmsKey"),
    ("RDS instances", "aws.rds.instance", "rds", "DBInstanceIdentifier", "rds:db", "AwsRdsDbInstance"),
    ("RDS snapshots", "aws.rds.snapshot", "rds-snapshot", "DBSnapshotIdentifier", "rds:snapshot",
     "AwsRdsDbSnapshot"),
    ("Lambda functions", "aws.lambda.function", "lambda", "FunctionName", "lambda:function",
     "AwsLambdaFunction"),
    ("CloudTrail trails", "aws.cloudtrail.trail", "cloudtrail", "TrailARN", "cloudtrail:trail",
     "AwsCloudTrailTrail"),
    ("SNS topics", "aws.sns.topic", "sns", "TopicArn", None, "AwsSnsTopic"),
    ("SQS queues", "aws.sqs.queue", "sqs", "QueueUrl", None, "AwsSqsQueue"),
    ("Secrets", "aws.secretsmanager.secret", "secrets-manager", "ARN", "secretsmanager:secret",
     "AwsSecretsManagerSecret"),
    ("EKS clusters", "aws.eks.cluster", "eks", "name", "eks:cluster", "AwsEksCluster"),
    ("EFS file systems", "aws.efs.file-system", "efs", "FileSystemId", "elasticfilesystem:file-system",
     "AwsEfsFileSystem"),
    ("Log metric filters", "aws.logs.metric-filter", "log-metric", "filterName", None, None),
    ("CloudWatch alarms", "aws.cloudwatch.alarm", "alarm", "AlarmArn", "cloudwatch:alarm",
     "AwsCloudWatchAlarm"),
]


def start_moto(out):
    # moto's ~2,600 built-in AMIs would swamp the counts: none, as bench_collect.py does.
    (out / "amis.json").write_text("[]")
    return compare_prowler.start_moto(out, {"MOTO_AMIS_PATH": str(out / "amis.json")}, tries=300)


def moto_log(out, since):
    """Requests served and actions not implemented, from byte offset `since` of moto.log on."""
    with open(out / "moto.log") as f:
        f.seek(since)
        text = f.read()
    requests = len(re.findall(r'"(?:\x1b\[[0-9;]*m)*(?:GET|POST|PUT|HEAD|DELETE) ', text))
    return requests, sorted(set(re.findall(r"NotImplementedError: The (\w+) action has not been implemented", text)))


def run_tool(name, cmd, out, env):
    """timed() plus the requests moto served the run and the actions it lacked."""
    since = (out / "moto.log").stat().st_size
    rc, wall, rss = timed(name, cmd, out, env)
    requests, missing = moto_log(out, since)
    return {"rc": rc, "wall": wall, "rss": rss, "requests": requests, "moto": missing}


def run_parapet(parapet, endpoint, out):
    db = out / "parapet.db"
    run = run_tool("parapet", [parapet, "collect", "aws", "--regions", ",".join(REGIONS),
                               "--endpoint-url", endpoint, "--db", db], out, ENV)
    con = sqlite3.connect(db)
    run["counts"] = dict(con.execute("SELECT kind, COUNT(*) FROM resources GROUP BY kind"))
    gaps = [g for (text,) in con.execute("SELECT gaps FROM snapshots") for g in json.loads(text)]
    run["errors"] = len(gaps)
    run["notes"] = sorted({f"{g['service']} {g['operation']}: {g['reason'][:110]}" for g in gaps})
    return run


def run_custodian(custodian, endpoint, out):
    policy, results = out / "custodian.yml", out / "custodian-out"
    policy.write_text("policies:\n" + "".join(f"  - name: inv-{t[2]}\n    resource: aws.{t[2]}\n" for t in TYPES))
    regions = [a for r in REGIONS for a in ("--region", r)]
    run = run_tool("custodian", [custodian, "run", "-s", results, "--cache-period", "0", *regions, policy],
                   out, {**ENV, "AWS_ENDPOINT_URL": endpoint})
    counts, distinct = collections.Counter(), collections.defaultdict(set)
    for _, _, kind, key, _, _ in TYPES:
        for path in glob.glob(str(results / "*" / f"inv-{kind}" / "resources.json")):
            for r in json.loads(Path(path).read_text()):
                counts[kind] += 1
                distinct[kind].add(str(r.get(key)) if key in r else json.dumps(r, sort_keys=True, default=str))
    run["counts"] = {k: (n, len(distinct[k])) for k, n in counts.items()}
    stderr = (out / "custodian.stderr").read_text()
    failed = re.findall(r"Error while executing policy (\S+), continuing", stderr)
    run["errors"] = len(failed)
    errors = re.findall(r"^botocore\.exceptions\.(\w+: .*)$", stderr, re.M)
    run["notes"] = [f"policy {p}" for p in sorted(set(failed))] + sorted(set(errors))
    return run


def run_prowler(prowler, endpoint, out, name, args):
    outdir = out / name
    cmd = [prowler, "aws", "--region", *REGIONS, *args, "--output-directory", outdir,
           "--no-banner", "--no-color", "--log-level", "ERROR"]
    run = run_tool(name, cmd, out, {**ENV, "AWS_ENDPOINT_URL": endpoint})
    counts = collections.defaultdict(set)
    if "--quick-inventory" in args:
        for path in glob.glob(str(outdir / "prowler-inventory-*.json")):
            for r in json.loads(Path(path).read_text()):
                counts[f"{r['AWS_Service']}:{r['AWS_ResourceType']}"].add(r["AWS_ResourceARN"])
    else:
        for path in glob.glob(str(outdir / "*.csv")):
            for r in csv.DictReader(open(path, newline=""), delimiter=";"):
                counts[r["RESOURCE_TYPE"]].add((r["REGION"], r["RESOURCE_UID"]))
    run["counts"] = {k: len(v) for k, v in counts.items()}
    stderr = (out / f"{name}.stderr").read_text()
    run["errors"] = sum(" ERROR: " in line for line in stderr.splitlines())
    run["notes"] = [f"{call} ({module})" for call, module in prowler_errors(out, name).items()]
    return run


def cell(value):
    return "–" if value in (None, 0) else str(value)


def report(runs, seeded, out, versions):
    print(f"# Inventory of one moto account: Parapet vs Cloud Custodian vs Prowler\n\n"
          f"{seeded}; regions {', '.join(REGIONS)}; working directory `{out}`\n\n{versions}\n")
    print("| tool | exit | wall (s) | max RSS (MiB) | resources found (listed types) | errors | requests to moto |")
    print("|---|---|---|---|---|---|---|")
    for label, run in runs.items():
        print(f"| {label} | {run['rc']} | {run['wall']:.1f} | {run['rss']:.0f} | {run['found']} | "
              f"{run['errors']} | {run['requests']} |")
    print("\n## Resources per type\n\n| type | " + " | ".join(runs) + " |\n" + "|---" * (len(runs) + 1) + "|")
    for t in TYPES:
        print(f"| {t[0]} | " + " | ".join(cell(run["per_type"].get(t[0])) for run in runs.values()) + " |")
    for label, run in runs.items():
        if run["unlisted"]:
            print(f"\n{label}, types not in the table: " + ", ".join(f"{k} {v}" for k, v in sorted(run["unlisted"].items())))
    print("\n## Errors against moto")
    for label, run in runs.items():
        print(f"\n**{label}** ({run['errors']}):\n")
        print("\n".join(f"- {n}" for n in run["notes"]) or "- none")
        print(f"- moto actions not implemented: {', '.join(run['moto']) or 'none'}")


def tally(runs):
    """Per-type counts keyed by TYPES label; found = their sum (Custodian: distinct resources)."""
    columns = {"Parapet collect": 1, "Custodian": 2, "Prowler quick inventory": 4, "Prowler CIS 5.0 findings": 5}
    for label, run in runs.items():
        col, per_type, listed = columns[label], {}, set()
        for t in TYPES:
            if t[col] in run["counts"]:
                listed.add(t[col])
                value = run["counts"][t[col]]
                if label == "Custodian":
                    total, unique = value
                    value = unique if total == unique else f"{unique} ({total} records)"
                per_type[t[0]] = value
        run["found"] = sum(v[1] if isinstance(v, tuple) else v
                           for k, v in run["counts"].items() if k in listed)
        run["per_type"] = per_type
        run["unlisted"] = {k: v for k, v in run["counts"].items() if k not in listed}


def version(cmd):
    return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--parapet", default="target/debug/parapet")
    ap.add_argument("--custodian", default="/tmp/c7n-venv/bin/custodian")
    ap.add_argument("--prowler", default="/tmp/prowler-venv/bin/prowler")
    ap.add_argument("--resources", type=int, default=5000)
    ap.add_argument("--out", help="working directory (default: a new temporary one)")
    ap.add_argument("--skip-prowler-cis", action="store_true", help="skip the Prowler CIS 5.0 scan")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="compare-custodian-")).resolve()
    out.mkdir(parents=True, exist_ok=True)

    moto, endpoint = start_moto(out)
    try:
        started = time.time()
        seed(endpoint, args.resources)
        seeded = f"seeded {args.resources} resources in {time.time() - started:.0f}s"
        print(seeded, file=sys.stderr)
        runs = {"Parapet collect": run_parapet(args.parapet, endpoint, out),
                "Custodian": run_custodian(args.custodian, endpoint, out),
                "Prowler quick inventory": run_prowler(args.prowler, endpoint, out, "prowler-inventory",
                                                       ["--quick-inventory"])}
        if not args.skip_prowler_cis:
            runs["Prowler CIS 5.0 findings"] = run_prowler(args.prowler, endpoint, out, "prowler-cis", [
                "--compliance", "cis_5.0_aws", "--output-formats", "csv"])
    finally:
        stop(moto)
    tally(runs)
    versions = "; ".join([version([args.parapet, "--version"]) + f" ({args.parapet})",
                          "Cloud Custodian " + version([args.custodian, "version"]),
                          version([args.prowler, "--version"]),
                          "moto " + version([str(VENV / "python"), "-c", "import moto; print(moto.__version__)"])])
    report(runs, seeded, out, versions)


if __name__ == "__main__":
    main()
