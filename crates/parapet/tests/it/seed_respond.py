"""Seeds an AWS API emulator (moto) for the response tests and reads its
state back, through boto3, independently of Parapet.

    python seed_respond.py ENDPOINT seed    # prints the ids it made (JSON)
    python seed_respond.py ENDPOINT state   # prints everything the playbooks may touch (JSON)
"""
import json
import sys

import boto3

endpoint, step = sys.argv[1], sys.argv[2]
REGION = "us-east-1"


def client(service):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


iam, s3, ec2, ct = client("iam"), client("s3"), client("ec2"), client("cloudtrail")


def seed():
    for user in ["intruder", "mallory", "deploy-bot", "bystander"]:
        iam.create_user(UserName=user)
    keys = {u: iam.create_access_key(UserName=u)["AccessKey"]["AccessKeyId"]
            for u in ["mallory", "deploy-bot", "bystander"]}
    iam.create_login_profile(UserName="mallory", Password="Correct-Horse-9")
    iam.create_role(RoleName="ci-role", AssumeRolePolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}))
    s3.create_bucket(Bucket="trail-logs")
    s3.create_bucket(Bucket="exposed-data")
    ct.create_trail(Name="main-trail", S3BucketName="trail-logs")
    ct.start_logging(Name="main-trail")
    ct.stop_logging(Name="main-trail")
    vpc = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    web = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
    ])
    image = ec2.describe_images()["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SecurityGroupIds=[web])["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume, TagSpecifications=[
        {"ResourceType": "snapshot", "Tags": [{"Key": "seeded", "Value": "respond"}]}])["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission",
                                  OperationType="add", UserIds=["111122223333"])
    print(json.dumps({"keys": keys, "group": web, "instance": instance, "snapshot": snapshot, "vpc": vpc}))


def state():
    out = {"users": {}, "roles": {}}
    for user in iam.list_users()["Users"]:
        name = user["UserName"]
        try:
            iam.get_login_profile(UserName=name)
            login = True
        except iam.exceptions.NoSuchEntityException:
            login = False
        out["users"][name] = {
            "keys": {k["AccessKeyId"]: k["Status"] for k in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]},
            "inline_policies": sorted(iam.list_user_policies(UserName=name)["PolicyNames"]),
            "login_profile": login,
        }
    for role in iam.list_roles()["Roles"]:
        out["roles"][role["RoleName"]] = sorted(iam.list_role_policies(RoleName=role["RoleName"])["PolicyNames"])
    out["trail_logging"] = ct.get_trail_status(Name="main-trail")["IsLogging"]
    try:
        out["bucket_pab"] = s3.get_public_access_block(Bucket="exposed-data")["PublicAccessBlockConfiguration"]
    except s3.exceptions.ClientError:
        out["bucket_pab"] = None
    groups = {}
    for group in ec2.describe_security_groups()["SecurityGroups"]:
        rules = []
        for p in group["IpPermissions"]:
            for r in p.get("IpRanges", []):
                rules.append(f'{p["IpProtocol"]}:{p.get("FromPort")}:{p.get("ToPort")}:{r["CidrIp"]}')
            for r in p.get("Ipv6Ranges", []):
                rules.append(f'{p["IpProtocol"]}:{p.get("FromPort")}:{p.get("ToPort")}:{r["CidrIpv6"]}')
        groups[f'{group["GroupName"]}'] = sorted(rules)
    out["security_groups"] = groups
    out["instances"] = {i["InstanceId"]: sorted(g["GroupName"] for g in i["SecurityGroups"])
                        for r in ec2.describe_instances()["Reservations"] for i in r["Instances"]}
    snapshots = {}
    # moto also lists the snapshots behind its AMIs: only what was seeded or made here.
    seeded = ec2.describe_snapshots(Filters=[{"Name": "tag:seeded", "Values": ["respond"]}])["Snapshots"]
    evidence = ec2.describe_snapshots(Filters=[{"Name": "tag-key", "Values": ["parapet:evidence-for"]}])["Snapshots"]
    for snap in seeded + evidence:
        perms = ec2.describe_snapshot_attribute(SnapshotId=snap["SnapshotId"], Attribute="createVolumePermission")
        snapshots[snap["SnapshotId"]] = sorted(p.get("UserId", p.get("Group", "")) for p in perms["CreateVolumePermissions"])
    out["snapshots"] = snapshots
    print(json.dumps(out, sort_keys=True))


def expose():
    """A bucket policy that lets anyone read exposed-data (what a posture scan finds)."""
    s3.put_bucket_policy(Bucket="exposed-data", Policy=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                       "Resource": "arn:aws:s3:::exposed-data/*"}]}))
    print("{}")


{"seed": seed, "state": state, "expose": expose}[step]()
