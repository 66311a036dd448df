"""Seeds a fresh AWS API emulator (moto 5.2.5) with a CIS AWS Foundations posture through boto3,
independently of Parapet. One server per profile; only us-east-1 is used.

    python seed_posture.py ENDPOINT misconfigured   # one failing resource per representable control
    python seed_posture.py ENDPOINT clean           # the same areas, compliant

Prints {"failures": [{"control": "5.0:2.1.1", "resource": ARN}, ...]}: exactly the
misconfigurations seeded (none for clean). Controls moto cannot represent (1.3, 1.4, 1.11, 1.13)
are left out; POSTURE_EMULATOR.md says why, control by control.
"""
import datetime
import json
import sys

import boto3
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

endpoint, profile = sys.argv[1], sys.argv[2]
if profile not in ("misconfigured", "clean"):
    sys.exit(f"unknown profile {profile}")
BAD = profile == "misconfigured"
REGION = "us-east-1"


def client(service):
    return boto3.client(service, region_name=REGION, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


iam, s3, ec2 = client("iam"), client("s3"), client("ec2")
ACCOUNT = client("sts").get_caller_identity()["Account"]
ACCOUNT_UID = f"AWS::::Account:{ACCOUNT}"  # account-wide controls (ASFF convention, as parapet-policy)
failures = []


def fail(control, resource):
    failures.append({"control": control, "resource": resource})


def ec2_arn(kind, ident):
    return f"arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{ident}"


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


# ---------------------------------------------------------------- IAM (1.7-1.18)

def password_policy():
    # 1.7 / 1.8: one policy, both fields short in misconfigured.
    iam.update_account_password_policy(MinimumPasswordLength=8 if BAD else 14,
                                       PasswordReusePrevention=5 if BAD else 24)
    if BAD:
        arn = f"arn:aws:iam::{ACCOUNT}:account-password-policy"
        fail("5.0:1.7", arn)
        fail("5.0:1.8", arn)


def users():
    # Every user gets permissions only through this group (1.14), unless seeded otherwise.
    iam.create_group(GroupName="readers")
    readonly = iam.create_policy(PolicyName="read-buckets", PolicyDocument=doc(
        {"Effect": "Allow", "Action": ["s3:ListAllMyBuckets", "s3:GetObject"], "Resource": "*"}))["Policy"]
    iam.attach_group_policy(GroupName="readers", PolicyArn=readonly["Arn"])

    def user(name):
        arn = iam.create_user(UserName=name)["User"]["Arn"]
        iam.add_user_to_group(GroupName="readers", UserName=name)
        return arn

    # 1.9: a console user; clean adds a virtual MFA device.
    arn = user("console-user")
    iam.create_login_profile(UserName="console-user", Password="Seed-only-Passw0rd!")
    if BAD:
        fail("5.0:1.9", arn)
    else:
        device = iam.create_virtual_mfa_device(VirtualMFADeviceName="console-user")["VirtualMFADevice"]
        iam.enable_mfa_device(UserName="console-user", SerialNumber=device["SerialNumber"],
                              AuthenticationCode1="123456", AuthenticationCode2="654321")

    # 1.12: two keys; only the misconfigured one leaves both active. Keys are created now, and
    # moto offers no way to back-date CreateDate or last use: 1.11 and 1.13 always pass.
    arn = user("api-user")
    iam.create_access_key(UserName="api-user")
    second = iam.create_access_key(UserName="api-user")["AccessKey"]["AccessKeyId"]
    if BAD:
        fail("5.0:1.12", arn)
    else:
        iam.update_access_key(UserName="api-user", AccessKeyId=second, Status="Inactive")

    # 1.14: misconfigured gives a user an attached and an inline policy of its own.
    if BAD:
        arn = iam.create_user(UserName="direct-policy-user")["User"]["Arn"]
        iam.attach_user_policy(UserName="direct-policy-user",
                               PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
        iam.put_user_policy(UserName="direct-policy-user", PolicyName="own", PolicyDocument=doc(
            {"Effect": "Allow", "Action": "s3:ListAllMyBuckets", "Resource": "*"}))
        fail("5.0:1.14", arn)


def admin_and_support_roles():
    # 1.15: a customer-managed "*" on "*" policy. Clean creates it too but leaves it unattached
    # (CIS looks at attached policies only).
    admin = iam.create_policy(PolicyName="admin-everything", PolicyDocument=doc(
        {"Effect": "Allow", "Action": "*", "Resource": "*"}))["Policy"]["Arn"]
    iam.create_group(GroupName="admins")
    if BAD:
        iam.attach_group_policy(GroupName="admins", PolicyArn=admin)
        fail("5.0:1.15", admin)

    # 1.16: a role the account's own principals can assume, with AWSSupportAccess.
    support = "arn:aws:iam::aws:policy/AWSSupportAccess"
    if BAD:
        fail("5.0:1.16", ACCOUNT_UID)
    else:
        iam.create_role(RoleName="support", AssumeRolePolicyDocument=doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}))
        iam.attach_role_policy(RoleName="support", PolicyArn=support)

    # 1.17: the instance profile the compliant instances run with.
    iam.create_role(RoleName="app-instance", AssumeRolePolicyDocument=doc(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}))
    iam.create_instance_profile(InstanceProfileName="app-instance")
    iam.add_role_to_instance_profile(InstanceProfileName="app-instance", RoleName="app-instance")


def server_certificates():
    # 1.18: moto reports every server certificate with Expiration 2012-05-08 whatever the body
    # says, so only "an expired one is stored" (misconfigured) and "none stored" (clean) exist.
    # The body is a genuinely expired certificate all the same.
    if not BAD:
        return
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "legacy.example.com")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=400))
            .not_valid_after(now - datetime.timedelta(days=35)).sign(key, hashes.SHA256()))
    meta = iam.upload_server_certificate(
        ServerCertificateName="legacy-expired",
        CertificateBody=cert.public_bytes(serialization.Encoding.PEM).decode(),
        PrivateKey=key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                     serialization.NoEncryption()).decode())["ServerCertificateMetadata"]
    fail("5.0:1.18", meta["Arn"])


# ---------------------------------------------------------------- storage (2.x)

def bucket(name, deny_http=True, block_public=True, allow_log_delivery=False):
    """A bucket that passes 2.1.1 and 2.1.4 unless told otherwise."""
    s3.create_bucket(Bucket=name)
    statements = []
    if allow_log_delivery:
        # First: moto answers 500 to PutBucketLogging when a statement with Principal "*"
        # comes before the one granting the S3 logging service.
        statements.append({"Sid": "S3ServerAccessLogs", "Effect": "Allow",
                           "Principal": {"Service": "logging.s3.amazonaws.com"},
                           "Action": ["s3:PutObject"], "Resource": f"arn:aws:s3:::{name}/*"})
    if deny_http:
        statements.append({"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                           "Resource": [f"arn:aws:s3:::{name}", f"arn:aws:s3:::{name}/*"],
                           "Condition": {"Bool": {"aws:SecureTransport": "false"}}})
    if statements:
        s3.put_bucket_policy(Bucket=name, Policy=doc(*statements))
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": block_public})  # three of four flags is still a failure
    if not BAD:
        # Server access logging (AWS-S3-009) into the access-log bucket, itself included.
        s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "posture-access-logs", "TargetPrefix": f"{name}/"}})
    return f"arn:aws:s3:::{name}"


def buckets():
    # Target of the flow logs and of the CloudTrail bucket's access logs.
    bucket("posture-access-logs", allow_log_delivery=True)
    bucket("posture-data")
    if BAD:
        fail("5.0:2.1.1", bucket("posture-http-allowed", deny_http=False))
        fail("5.0:2.1.4", bucket("posture-partly-public", block_public=False))


def rds():
    rds = client("rds")

    def db(name, encrypted=True, minor_upgrade=True, public=False):
        # PubliclyAccessible always explicit: moto leaves the field out when it was not given.
        return rds.create_db_instance(
            DBInstanceIdentifier=name, DBInstanceClass="db.t3.micro", Engine="postgres",
            MasterUsername="seedadmin", MasterUserPassword="seed-only-Pw-1", AllocatedStorage=20,
            StorageEncrypted=encrypted, AutoMinorVersionUpgrade=minor_upgrade,
            PubliclyAccessible=public)["DBInstance"]["DBInstanceArn"]

    db("orders-db")
    if BAD:
        fail("5.0:2.2.1", db("unencrypted-db", encrypted=False))
        fail("5.0:2.2.2", db("pinned-version-db", minor_upgrade=False))
        fail("5.0:2.2.3", db("public-db", public=True))


def efs():
    fs = client("efs").create_file_system(CreationToken="posture-fs", Encrypted=not BAD)
    if BAD:
        fail("5.0:2.3.1", fs["FileSystemArn"])


# ---------------------------------------------------------------- logging (3.x, 4.x)

def kms_keys():
    # 3.6. KeyUsage explicit: moto omits it from DescribeKey when create_key was not given it.
    kms = client("kms")
    key = kms.create_key(Description="posture-key", KeyUsage="ENCRYPT_DECRYPT")["KeyMetadata"]
    if BAD:
        fail("5.0:3.6", key["Arn"])
    else:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return key["Arn"]


def cloudtrail(key_arn):
    """One trail. Misconfigured: single-region (3.1), no validation (3.2), plain SSE-S3 (3.5),
    its bucket without access logging (3.4), object-level events for every bucket but
    posture-data (3.8, 3.9 are per bucket)."""
    logs, trails = client("logs"), client("cloudtrail")
    bucket("posture-cloudtrail")
    if not BAD:
        s3.put_bucket_logging(Bucket="posture-cloudtrail", BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": "posture-access-logs", "TargetPrefix": "cloudtrail/"}})
    logs.create_log_group(logGroupName="posture-cloudtrail")
    group_arn = logs.describe_log_groups(logGroupNamePrefix="posture-cloudtrail")["logGroups"][0]["arn"]
    settings = dict(Name="posture-trail", S3BucketName="posture-cloudtrail", IsMultiRegionTrail=not BAD,
                    EnableLogFileValidation=not BAD, CloudWatchLogsLogGroupArn=group_arn,
                    CloudWatchLogsRoleArn=f"arn:aws:iam::{ACCOUNT}:role/cloudtrail-to-logs")
    if not BAD:
        settings["KmsKeyId"] = key_arn
    trail = trails.create_trail(**settings)["TrailARN"]
    trails.start_logging(Name="posture-trail")
    # Explicit selectors: moto answers [] for a new trail, where AWS defaults to all
    # management events. Object-level read and write events: on all buckets in clean.
    logged = ["arn:aws:s3"]
    if BAD:
        logged = [f"arn:aws:s3:::{b['Name']}/" for b in s3.list_buckets()["Buckets"] if b["Name"] != "posture-data"]
    trails.put_event_selectors(TrailName="posture-trail", EventSelectors=[{
        "ReadWriteType": "All", "IncludeManagementEvents": True,
        "DataResources": [{"Type": "AWS::S3::Object", "Values": logged}]}])
    if BAD:
        fail("4.0:3.1", ACCOUNT_UID)
        for control in ("5.0:3.2", "3.0:3.4", "5.0:3.5"):
            fail(control, trail)
        fail("5.0:3.8", "arn:aws:s3:::posture-data")
        fail("5.0:3.9", "arn:aws:s3:::posture-data")


def events(*names, source=None):
    """The CIS "any of these API calls" pattern: { ($.eventName = A) || ... }."""
    calls = " || ".join(f"($.eventName = {name})" for name in names)
    return f"{{ ($.eventSource = {source}) && ({calls}) }}" if source else f"{{ {calls} }}"


# CIS AWS Foundations 3.0, section 4: the metric filter pattern each control asks for.
CIS_PATTERNS = {
    "4.1": '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    "4.2": '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
    "4.3": '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    "4.4": events("DeleteGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy", "PutGroupPolicy", "PutRolePolicy",
                  "PutUserPolicy", "CreatePolicy", "DeletePolicy", "CreatePolicyVersion", "DeletePolicyVersion",
                  "AttachRolePolicy", "DetachRolePolicy", "AttachUserPolicy", "DetachUserPolicy",
                  "AttachGroupPolicy", "DetachGroupPolicy"),
    "4.5": events("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging"),
    "4.6": '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
    "4.7": events("DisableKey", "ScheduleKeyDeletion", source="kms.amazonaws.com"),
    "4.8": events("PutBucketAcl", "PutBucketPolicy", "PutBucketCors", "PutBucketLifecycle", "PutBucketReplication",
                  "DeleteBucketPolicy", "DeleteBucketCors", "DeleteBucketLifecycle", "DeleteBucketReplication",
                  source="s3.amazonaws.com"),
    "4.9": events("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                  "PutConfigurationRecorder", source="config.amazonaws.com"),
    "4.10": events("AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress",
                   "RevokeSecurityGroupEgress", "CreateSecurityGroup", "DeleteSecurityGroup"),
    "4.11": events("CreateNetworkAcl", "CreateNetworkAclEntry", "DeleteNetworkAcl", "DeleteNetworkAclEntry",
                   "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation"),
    "4.12": events("CreateCustomerGateway", "DeleteCustomerGateway", "AttachInternetGateway",
                   "CreateInternetGateway", "DeleteInternetGateway", "DetachInternetGateway"),
    "4.13": events("CreateRoute", "CreateRouteTable", "ReplaceRoute", "ReplaceRouteTableAssociation",
                   "DeleteRouteTable", "DeleteRoute", "DisassociateRouteTable", source="ec2.amazonaws.com"),
    "4.14": events("CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "AcceptVpcPeeringConnection",
                   "CreateVpcPeeringConnection", "DeleteVpcPeeringConnection", "RejectVpcPeeringConnection",
                   "AttachClassicLinkVpc", "DetachClassicLinkVpc", "DisableVpcClassicLink", "EnableVpcClassicLink"),
    "4.15": events("AcceptHandshake", "AttachPolicy", "CreateAccount", "CreateOrganizationalUnit", "CreatePolicy",
                   "DeclineHandshake", "DeleteOrganization", "DeleteOrganizationalUnit", "DeletePolicy",
                   "DetachPolicy", "DisablePolicyType", "EnablePolicyType", "InviteAccountToOrganization",
                   "LeaveOrganization", "MoveAccount", "RemoveAccountFromOrganization", "UpdatePolicy",
                   "UpdateOrganizationalUnit", source="organizations.amazonaws.com"),
}


def metric_alarms():
    """4.1-4.15 on the trail's log group: filter -> metric -> alarm -> SNS topic with a subscriber.
    Misconfigured has none (and its trail does not qualify anyway: single-region)."""
    if BAD:
        for control in CIS_PATTERNS:
            fail(f"3.0:{control}", ACCOUNT_UID)
        return
    logs, cloudwatch, sns = client("logs"), client("cloudwatch"), client("sns")
    topic = sns.create_topic(Name="cis-alarms", Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="secops@example.com")
    for control, pattern in CIS_PATTERNS.items():
        metric = "CIS-" + control.replace(".", "-")
        logs.put_metric_filter(logGroupName="posture-cloudtrail", filterName=metric, filterPattern=pattern,
                               metricTransformations=[{"metricName": metric, "metricNamespace": "CISBenchmark",
                                                       "metricValue": "1"}])
        cloudwatch.put_metric_alarm(AlarmName=metric, MetricName=metric, Namespace="CISBenchmark",
                                    Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1,
                                    ComparisonOperator="GreaterThanOrEqualToThreshold", AlarmActions=[topic])


def config_recorder():
    # 3.3: all resource types incl. global ones; misconfigured never starts recording.
    config = client("config")
    config.put_configuration_recorder(ConfigurationRecorder={
        "name": "default", "roleARN": f"arn:aws:iam::{ACCOUNT}:role/aws-config",
        "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": "posture-cloudtrail"})
    if BAD:
        fail("5.0:3.3", f"arn:aws:config:{REGION}:{ACCOUNT}:recorders")
    else:
        config.start_configuration_recorder(ConfigurationRecorderName="default")


def security_hub():
    if BAD:
        fail("5.0:4.16", f"arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default")
    else:
        client("securityhub").enable_security_hub(EnableDefaultStandards=False)


# ---------------------------------------------------------------- networking (3.7, 5.x)

def network():
    """Every VPC: the default one and posture-vpc. Clean: flow logs on all, default security
    groups emptied, default NACLs without the allow-all ingress rule. Misconfigured leaves
    posture-vpc without flow logs (3.7) and with its default group's rules (5.5), and attaches
    a NACL opening SSH to its subnet (5.2)."""
    ec2.describe_vpcs()  # makes moto create the default VPC before it is listed
    extra = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[extra], Tags=[{"Key": "Name", "Value": "posture-vpc"}])
    subnet = ec2.create_subnet(VpcId=extra, CidrBlock="10.42.1.0/24")["Subnet"]["SubnetId"]
    for vpc in ec2.describe_vpcs()["Vpcs"]:
        vpc_id, leave_open = vpc["VpcId"], BAD and vpc["VpcId"] == extra
        nacl = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                  {"Name": "default", "Values": ["true"]}])["NetworkAcls"][0]
        # Rule 100 of a default NACL allows all traffic from 0.0.0.0/0: HTTPS only instead.
        ec2.replace_network_acl_entry(NetworkAclId=nacl["NetworkAclId"], RuleNumber=100, Egress=False,
                                      Protocol="6", RuleAction="allow", CidrBlock="0.0.0.0/0",
                                      PortRange={"From": 443, "To": 443})
        group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]
        if leave_open:
            fail("5.0:3.7", ec2_arn("vpc", vpc_id))
            fail("5.0:5.5", ec2_arn("security-group", group["GroupId"]))
            continue
        ec2.create_flow_logs(ResourceIds=[vpc_id], ResourceType="VPC", TrafficType="ALL",
                             LogDestinationType="s3", LogDestination="arn:aws:s3:::posture-access-logs")
        # moto's default groups have an allow-all egress rule (and, unlike AWS, no
        # self-referencing ingress rule); revoke whatever is there.
        if group["IpPermissionsEgress"]:
            ec2.revoke_security_group_egress(GroupId=group["GroupId"], IpPermissions=group["IpPermissionsEgress"])
        if group["IpPermissions"]:
            ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=group["IpPermissions"])
    if BAD:
        acl = ec2.create_network_acl(VpcId=extra)["NetworkAcl"]["NetworkAclId"]
        ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Egress=False, Protocol="6",
                                     RuleAction="allow", CidrBlock="0.0.0.0/0", PortRange={"From": 22, "To": 22})
        # In use, so scanners that skip unassociated NACLs still see it.
        association = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
        association = [a for n in association["NetworkAcls"] for a in n["Associations"] if a["SubnetId"] == subnet][0]
        ec2.replace_network_acl_association(AssociationId=association["NetworkAclAssociationId"], NetworkAclId=acl)
        fail("5.0:5.2", ec2_arn("network-acl", acl))


def security_groups():
    """Groups in the default VPC. Clean opens only HTTPS to the world and admin ports (SSH, RDP,
    CIFS) to 10.0.0.0/8; misconfigured opens one admin port per group to the world."""
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]

    def group(name, port, v4=(), v6=()):
        gid = ec2.create_security_group(GroupName=name, Description=name, VpcId=default_vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=gid, IpPermissions=[{
            "IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [{"CidrIp": c} for c in v4], "Ipv6Ranges": [{"CidrIpv6": c} for c in v6]}])
        return gid

    groups = [group("web", 443, ["0.0.0.0/0"], ["::/0"])]
    for port in (22, 3389, 445):
        groups.append(group(f"admin-{port}-internal", port, ["10.0.0.0/8"]))
    if BAD:
        for control, name, port, v4, v6 in (("5.0:5.1.2", "cifs-open", 445, ["0.0.0.0/0"], []),
                                            ("5.0:5.3", "ssh-open", 22, ["0.0.0.0/0"], []),
                                            ("5.0:5.4", "rdp-open-v6", 3389, [], ["::/0"])):
            gid = group(name, port, v4, v6)
            groups.append(gid)
            fail(control, ec2_arn("security-group", gid))
    return groups


def instances(groups):
    # 1.17 and 5.7 on separate instances so each failure has one cause.
    image = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": ["amzn2-ami-hvm*"]}])["Images"][0]

    def run(profile_name, tokens):
        extra = {"IamInstanceProfile": {"Name": profile_name}} if profile_name else {}
        if not BAD:  # beyond CIS: Parapet also flags unencrypted volumes
            extra["BlockDeviceMappings"] = [{"DeviceName": image["RootDeviceName"],
                                             "Ebs": {"Encrypted": True, "VolumeSize": 8}}]
        return ec2.run_instances(ImageId=image["ImageId"], MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                 SecurityGroupIds=groups, MetadataOptions={"HttpTokens": tokens},
                                 **extra)["Instances"][0]["InstanceId"]

    run("app-instance", "required")
    if BAD:
        fail("5.0:1.17", ec2_arn("instance", run(None, "required")))
        fail("5.0:5.7", ec2_arn("instance", run("app-instance", "optional")))


def guardduty():
    # Beyond CIS: Parapet flags regions without GuardDuty; the clean twin has it.
    if not BAD:
        client("guardduty").create_detector(Enable=True)


def rotate_every_customer_key():
    # moto creates the key behind encrypted EBS volumes as a customer managed key
    # without rotation; in the clean twin every customer key rotates.
    kms = client("kms")
    for key in kms.list_keys()["Keys"]:
        meta = kms.describe_key(KeyId=key["KeyId"])["KeyMetadata"]
        if meta.get("KeyManager") == "CUSTOMER" and meta.get("KeySpec", "SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT":
            kms.enable_key_rotation(KeyId=key["KeyId"])


def ebs_default_encryption():
    if BAD:
        fail("5.0:5.1.1", f"arn:aws:ec2:{REGION}:{ACCOUNT}:account-settings")
    else:
        ec2.enable_ebs_encryption_by_default()


password_policy()
users()
admin_and_support_roles()
server_certificates()
buckets()
rds()
efs()
cloudtrail(kms_keys())
metric_alarms()
config_recorder()
security_hub()
network()
instances(security_groups())
ebs_default_encryption()
guardduty()
if not BAD:
    rotate_every_customer_key()
print(json.dumps({"failures": failures}, indent=1))
