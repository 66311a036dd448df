"""Seeds an AWS API emulator (moto) through boto3, independently of Parapet.

    python seed_aws.py ENDPOINT initial   # the account as first collected
    python seed_aws.py ENDPOINT change    # the changes the diff must show
"""
import io
import json
import sys
import zipfile

import boto3

endpoint, step = sys.argv[1], sys.argv[2]


def client(service, region="us-east-1"):
    return boto3.client(service, region_name=region, endpoint_url=endpoint,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


iam, s3, ec2 = client("iam"), client("s3"), client("ec2")

if step == "initial":
    iam.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "sec"}])
    iam.create_login_profile(UserName="alice", Password="Correct-Horse-9")
    iam.create_access_key(UserName="alice")
    iam.attach_user_policy(UserName="alice", PolicyArn="arn:aws:iam::aws:policy/ReadOnlyAccess")
    iam.create_user(UserName="bob")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob-mfa")["VirtualMFADevice"]
    iam.enable_mfa_device(UserName="bob", SerialNumber=device["SerialNumber"],
                          AuthenticationCode1="123456", AuthenticationCode2="654321")
    iam.create_group(GroupName="admins")
    iam.attach_group_policy(GroupName="admins", PolicyArn="arn:aws:iam::aws:policy/AdministratorAccess")
    iam.add_user_to_group(GroupName="admins", UserName="alice")
    trust = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}]}
    iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=json.dumps(trust))
    document = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::parapet-data/*"}]}
    policy = iam.create_policy(PolicyName="read-data", PolicyDocument=json.dumps(document))["Policy"]
    iam.attach_role_policy(RoleName="app-role", PolicyArn=policy["Arn"])
    iam.create_instance_profile(InstanceProfileName="app-profile")
    iam.add_role_to_instance_profile(InstanceProfileName="app-profile", RoleName="app-role")
    iam.update_account_password_policy(MinimumPasswordLength=14, RequireSymbols=True)

    s3.create_bucket(Bucket="parapet-logs")
    s3_eu = client("s3", "eu-west-1")
    s3_eu.create_bucket(Bucket="parapet-data", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3_eu.put_bucket_versioning(Bucket="parapet-data", VersioningConfiguration={"Status": "Enabled"})
    s3_eu.put_bucket_encryption(Bucket="parapet-data", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": "alias/data"}}]})
    bucket_policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::888888888888:root"}, "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::parapet-data/*"}]}
    s3_eu.put_bucket_policy(Bucket="parapet-data", Policy=json.dumps(bucket_policy))
    s3_eu.put_public_access_block(Bucket="parapet-data", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.put_bucket_acl(Bucket="parapet-logs", ACL="log-delivery-write")
    s3_eu.create_bucket(Bucket="parapet-eu-logs", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    s3_eu.put_bucket_acl(Bucket="parapet-eu-logs", ACL="log-delivery-write")
    s3_eu.put_bucket_logging(Bucket="parapet-data", BucketLoggingStatus={
        "LoggingEnabled": {"TargetBucket": "parapet-eu-logs", "TargetPrefix": "data/"}})

    vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
    group = ec2.create_security_group(GroupName="ssh-open", Description="ssh from anywhere", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
        SubnetId=subnet, SecurityGroupIds=[group], IamInstanceProfile={"Name": "app-profile"},
        MetadataOptions={"HttpTokens": "required"})["Instances"][0]["InstanceId"]
    volume = ec2.create_volume(AvailabilityZone="us-east-1a", Size=8, Encrypted=False)["VolumeId"]
    snapshot = ec2.create_snapshot(VolumeId=volume)["SnapshotId"]
    ec2.modify_snapshot_attribute(SnapshotId=snapshot, Attribute="createVolumePermission",
        OperationType="add", UserIds=["111111111111"])
    ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
        LogDestinationType="s3", LogDestination="arn:aws:s3:::parapet-logs")
    ec2.enable_ebs_encryption_by_default()

    kms = client("kms")
    key = kms.create_key(Description="data key")["KeyMetadata"]["KeyId"]
    kms.enable_key_rotation(KeyId=key)
    rds = client("rds")
    rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres",
        MasterUsername="admin", MasterUserPassword="seed-only-Pw-1", AllocatedStorage=20,
        StorageEncrypted=True, PubliclyAccessible=False, VpcSecurityGroupIds=[group])
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("handler.py", "def handler(event, context):\n    return 1\n")
    lam = client("lambda")
    role_arn = iam.get_role(RoleName="app-role")["Role"]["Arn"]
    lam.create_function(FunctionName="thumbnailer", Runtime="python3.12", Role=role_arn,
        Handler="handler.handler", Code={"ZipFile": archive.getvalue()},
        Environment={"Variables": {"DB_PASSWORD": "do-not-collect-me"}})
    lam.add_permission(FunctionName="thumbnailer", StatementId="public", Action="lambda:InvokeFunction", Principal="*")
    lam.create_function_url_config(FunctionName="thumbnailer", AuthType="NONE")
    logs = client("logs")
    logs.create_log_group(logGroupName="trail-logs")
    logs.put_metric_filter(logGroupName="trail-logs", filterName="root-usage",
        filterPattern='{ $.userIdentity.type = "Root" }',
        metricTransformations=[{"metricName": "RootUsage", "metricNamespace": "CIS", "metricValue": "1"}])
    client("cloudwatch").put_metric_alarm(AlarmName="root-usage", MetricName="RootUsage", Namespace="CIS",
        Statistic="Sum", Period=300, EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanOrEqualToThreshold",
        AlarmActions=["arn:aws:sns:us-east-1:123456789012:security"])
    config = client("config")
    config.put_configuration_recorder(ConfigurationRecorder={"name": "default",
        "roleARN": role_arn, "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True}})
    client("guardduty").create_detector(Enable=True)

    sns = client("sns")
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    sns.set_topic_attributes(TopicArn=topic, AttributeName="Policy", AttributeValue=json.dumps({
        "Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": "*", "Action": "sns:Publish", "Resource": topic}]}))
    client("sqs").create_queue(QueueName="jobs", Attributes={"SqsManagedSseEnabled": "true", "Policy": json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::777777777777:root"}, "Action": "sqs:SendMessage",
            "Resource": "arn:aws:sqs:us-east-1:123456789012:jobs"}]})})
    client("secretsmanager").create_secret(Name="db-password", SecretString="seed-only-secret-value")
    client("eks").create_cluster(name="prod", roleArn=role_arn, resourcesVpcConfig={
        "subnetIds": [subnet], "endpointPublicAccess": True, "publicAccessCidrs": ["0.0.0.0/0"]})

    trails = client("cloudtrail")
    trails.create_trail(Name="org-trail", S3BucketName="parapet-logs", IsMultiRegionTrail=True,
                        EnableLogFileValidation=True)
    trails.start_logging(Name="org-trail")
    print(json.dumps({"vpc": vpc, "subnet": subnet, "group": group, "instance": instance,
                      "volume": volume, "snapshot": snapshot}))

elif step == "change":
    iam.remove_user_from_group(GroupName="admins", UserName="alice")
    for device in iam.list_mfa_devices(UserName="bob")["MFADevices"]:
        iam.deactivate_mfa_device(UserName="bob", SerialNumber=device["SerialNumber"])
    iam.delete_user(UserName="bob")
    s3.put_public_access_block(Bucket="parapet-logs", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
    s3.create_bucket(Bucket="parapet-new")
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["ssh-open"]}])["SecurityGroups"][0]
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    instance = ec2.describe_instances()["Reservations"][0]["Instances"][0]["InstanceId"]
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "env", "Value": "prod"}])
    # Account-level Block Public Access. botocore puts the account id in the host
    # name (123456789012.127.0.0.1), which does not resolve: send it to the
    # emulator as given (moto routes /v20180820/ paths to S3 Control).
    control = client("s3control")
    control.meta.events.register("before-send.s3-control.*", lambda request, **_: setattr(
        request, "url", request.url.replace("://123456789012.", "://")))
    control.put_public_access_block(AccountId="123456789012", PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
elif step in ("member", "organization"):
    account = "111111111111"
    if step == "organization":
        orgs = client("organizations")
        orgs.create_organization(FeatureSet="ALL")
        status = orgs.create_account(Email="member@example.com", AccountName="member")["CreateAccountStatus"]
        account = orgs.describe_create_account_status(CreateAccountRequestId=status["Id"])["CreateAccountStatus"]["AccountId"]
    # A member account, reached the way parapet does: AssumeRole into it.
    creds = client("sts").assume_role(RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                                      RoleSessionName="seed")["Credentials"]
    member = boto3.session.Session(aws_access_key_id=creds["AccessKeyId"],
                                   aws_secret_access_key=creds["SecretAccessKey"],
                                   aws_session_token=creds["SessionToken"], region_name="us-east-1")
    member.client("iam", endpoint_url=endpoint).create_user(UserName="member-user")
    member.client("s3", endpoint_url=endpoint).create_bucket(Bucket=f"member-bucket-{step}")
    print(account)
else:
    sys.exit(f"unknown step {step}")
