#!/usr/bin/env python3
"""Benchmark `parapet collect aws` on a moto account seeded with N resources over 3 regions.

    bash .ci/run   # or: python3 -m venv .venv && .venv/bin/pip install 'moto[server]'
    cargo build --release
    .venv/bin/python scripts/bench_collect.py --resources 5000

Prints the seeding and collection times, peak memory (max RSS) of parapet, the API calls it
made and the resources it stored. moto's built-in AMIs (and the ~2,600 snapshots behind them)
are replaced by one registered image, so the account holds what was seeded.
"""
import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time

import boto3

REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def client(endpoint, service, region="us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def seed(endpoint, total):
    """Spreads `total` resources: 18% IAM, 4% S3, the rest EC2 over three regions."""
    iam, s3 = client(endpoint, "iam"), client(endpoint, "s3")
    users, roles, buckets = int(total * 0.12), int(total * 0.06), int(total * 0.04)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    for n in range(users):
        iam.create_user(UserName=f"user-{n}")
        if n % 3 == 0:
            iam.create_access_key(UserName=f"user-{n}")
    for n in range(roles):
        iam.create_role(RoleName=f"role-{n}", AssumeRolePolicyDocument=trust)
    for n in range(buckets):
        s3.create_bucket(Bucket=f"bench-bucket-{n}")
    per_region = (total - users - roles - buckets) // len(REGIONS)
    for region in REGIONS:
        ec2 = client(endpoint, "ec2", region)
        image = ec2.register_image(Name=f"bench-{region}", RootDeviceName="/dev/xvda",
                                   BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        instances, groups = per_region // 4, per_region // 3
        volumes = per_region - instances - groups
        vpc = ec2.describe_vpcs()["Vpcs"][0]["VpcId"]
        for n in range(groups):
            group = ec2.create_security_group(GroupName=f"sg-{n}", Description="bench", VpcId=vpc)["GroupId"]
            ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        launched = 0
        while launched < instances:
            batch = min(100, instances - launched)
            ec2.run_instances(ImageId=image, MinCount=batch, MaxCount=batch, InstanceType="t3.micro")
            launched += batch
        for n in range(volumes):
            ec2.create_volume(AvailabilityZone=f"{region}a", Size=8)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=5000)
    parser.add_argument("--parapet", default="target/release/parapet")
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()

    venv_bin = os.path.dirname(sys.executable)
    port = free_port()
    endpoint = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        amis = os.path.join(tmp, "amis.json")
        with open(amis, "w") as f:
            f.write("[]")
        env = dict(os.environ, MOTO_AMIS_PATH=amis)
        server = subprocess.Popen([os.path.join(venv_bin, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                    break
                except OSError:
                    time.sleep(0.1)
            started = time.time()
            seed(endpoint, args.resources)
            print(f"seeded {args.resources} resources over {len(REGIONS)} regions in {time.time() - started:.1f}s")
            collect_env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                               AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE="/nonexistent",
                               AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
            cmd = ["/usr/bin/time", "-v", args.parapet, "collect", "aws", "--regions", ",".join(REGIONS),
                   "--endpoint-url", endpoint, "--concurrency", str(args.concurrency),
                   "--db", os.path.join(tmp, "bench.db")]
            started = time.time()
            run = subprocess.run(cmd, env=collect_env, capture_output=True, text=True)
            elapsed = time.time() - started
            if run.returncode != 0:
                sys.exit(run.stderr)
            summary = next(line for line in run.stderr.splitlines() if line.startswith("parapet collect aws"))
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", run.stderr).group(1)
            print(summary)
            print(f"collect: {elapsed:.1f}s wall, peak memory {int(rss) / 1024:.0f} MiB")
        finally:
            server.kill()


if __name__ == "__main__":
    main()
