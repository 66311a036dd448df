"""Changes a clean moto account the way an intruder or a hurried admin would, through boto3, and
writes the CloudTrail records those calls produce (moto writes no trail logs of its own).

    python change_posture.py ENDPOINT EVENTS_FILE

Opens SSH to the world on the `web` security group and stops the `posture-trail` trail; the
records file also holds a read-only call and a denied call, which change nothing. Prints
{"group": ARN, "trail": ARN, "account": ID}.
"""
import json
import sys

import boto3

endpoint, events_file = sys.argv[1], sys.argv[2]


def client(service):
    return boto3.client(service, region_name="us-east-1", endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


ec2, trails = client("ec2"), client("cloudtrail")
account = client("sts").get_caller_identity()["Account"]
group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["web"]}])["SecurityGroups"][0]["GroupId"]
ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
trail = trails.describe_trails(trailNameList=["posture-trail"])["trailList"][0]["TrailARN"]
trails.stop_logging(Name=trail)


def record(source, name, params, **extra):
    return {"eventVersion": "1.09", "eventTime": "2026-11-29T10:00:00Z", "eventSource": source,
            "eventName": name, "awsRegion": "us-east-1", "sourceIPAddress": "198.51.100.7",
            "userIdentity": {"type": "IAMUser", "accountId": account,
                             "arn": f"arn:aws:iam::{account}:user/ops"},
            "requestParameters": params, "recipientAccountId": account,
            "eventID": f"{name}-1", "readOnly": name.startswith("Describe"), **extra}


records = [
    record("ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", {"groupId": group}),
    record("cloudtrail.amazonaws.com", "StopLogging", {"name": trail}),
    record("ec2.amazonaws.com", "DescribeInstances", {}),
    record("s3.amazonaws.com", "PutBucketPolicy", {"bucketName": "posture-data"}, errorCode="AccessDenied"),
]
with open(events_file, "w") as out:
    json.dump({"Records": records}, out)
print(json.dumps({"group": f"arn:aws:ec2:us-east-1:{account}:security-group/{group}",
                  "trail": trail, "account": account}))
