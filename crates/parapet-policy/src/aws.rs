//! The built-in AWS rules, one file each under `aws/`. Adding a rule adds
//! its file, one line here and its fixture.

use crate::docs::RuleDocs;
use crate::rule::RegisteredRule;

macro_rules! registry {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(mod $module;)*

        /// Every built-in AWS rule with the documentation of its file.
        pub(crate) fn rules() -> Vec<RegisteredRule> {
            vec![$(RegisteredRule {
                rule: Box::new($module::$rule),
                docs: RuleDocs::from_source(include_str!(concat!("aws/", stringify!($module), ".rs"))),
                source: "builtin".to_string(),
            }),*]
        }
    };
}

registry! {
    config_recorder_off::ConfigRecorderOff,
    cloudtrail_not_multi_region::CloudTrailNotMultiRegion,
    cloudtrail_log_validation_disabled::CloudTrailLogValidationDisabled,
    cloudtrail_bucket_not_logged::CloudTrailBucketNotLogged,
    cloudtrail_not_kms_encrypted::CloudTrailNotKmsEncrypted,
    cloudtrail_logging_stopped::CloudTrailLoggingStopped,
    unauthorized_api_calls_not_monitored::UnauthorizedApiCallsNotMonitored,
    console_login_without_mfa_not_monitored::ConsoleLoginWithoutMfaNotMonitored,
    root_usage_not_monitored::RootUsageNotMonitored,
    iam_policy_changes_not_monitored::IamPolicyChangesNotMonitored,
    cloudtrail_changes_not_monitored::CloudTrailChangesNotMonitored,
    console_auth_failures_not_monitored::ConsoleAuthFailuresNotMonitored,
    kms_key_deletion_not_monitored::KmsKeyDeletionNotMonitored,
    s3_bucket_policy_changes_not_monitored::S3BucketPolicyChangesNotMonitored,
    config_changes_not_monitored::ConfigChangesNotMonitored,
    security_group_changes_not_monitored::SecurityGroupChangesNotMonitored,
    network_acl_changes_not_monitored::NetworkAclChangesNotMonitored,
    network_gateway_changes_not_monitored::NetworkGatewayChangesNotMonitored,
    route_table_changes_not_monitored::RouteTableChangesNotMonitored,
    vpc_changes_not_monitored::VpcChangesNotMonitored,
    organizations_changes_not_monitored::OrganizationsChangesNotMonitored,
    ebs_default_encryption_off::EbsDefaultEncryptionOff,
    security_group_admin_ports_open_ipv4::SecurityGroupAdminPortsOpenIpv4,
    security_group_admin_ports_open_ipv6::SecurityGroupAdminPortsOpenIpv6,
    security_group_cifs_open::SecurityGroupCifsOpen,
    security_group_database_ports_open::SecurityGroupDatabasePortsOpen,
    default_security_group_allows_traffic::DefaultSecurityGroupAllowsTraffic,
    instance_allows_imdsv1::InstanceAllowsImdsv1,
    instance_without_role::InstanceWithoutRole,
    network_acl_admin_ports_open::NetworkAclAdminPortsOpen,
    ebs_volume_unencrypted::EbsVolumeUnencrypted,
    ebs_snapshot_public::EbsSnapshotPublic,
    ami_public::AmiPublic,
    efs_unencrypted::EfsUnencrypted,
    eks_endpoint_public::EksEndpointPublic,
    eks_audit_logging_off::EksAuditLoggingOff,
    guardduty_disabled::GuardDutyDisabled,
    root_access_key_exists::RootAccessKeyExists,
    root_mfa_disabled::RootMfaDisabled,
    root_virtual_mfa::RootVirtualMfa,
    root_account_used::RootAccountUsed,
    console_user_without_mfa::ConsoleUserWithoutMfa,
    access_key_set_up_with_console_user::AccessKeySetUpWithConsoleUser,
    credentials_unused::CredentialsUnused,
    multiple_active_access_keys::MultipleActiveAccessKeys,
    access_key_not_rotated::AccessKeyNotRotated,
    user_with_direct_policies::UserWithDirectPolicies,
    password_policy_short_minimum::PasswordPolicyShortMinimum,
    password_policy_allows_reuse::PasswordPolicyAllowsReuse,
    admin_policy_attached::AdminPolicyAttached,
    wildcard_service_actions::WildcardServiceActions,
    privilege_escalation_policy::PrivilegeEscalationPolicy,
    support_role_missing::SupportRoleMissing,
    expired_server_certificate::ExpiredServerCertificate,
    role_trusts_anyone::RoleTrustsAnyone,
    access_analyzer_disabled::AccessAnalyzerDisabled,
    kms_key_rotation_disabled::KmsKeyRotationDisabled,
    lambda_url_without_auth::LambdaUrlWithoutAuth,
    lambda_policy_public::LambdaPolicyPublic,
    lambda_deprecated_runtime::LambdaDeprecatedRuntime,
    rds_instance_unencrypted::RdsInstanceUnencrypted,
    rds_auto_minor_upgrade_off::RdsAutoMinorUpgradeOff,
    rds_instance_public::RdsInstancePublic,
    rds_snapshot_public::RdsSnapshotPublic,
    s3_bucket_public_acl::S3BucketPublicAcl,
    s3_bucket_public_policy::S3BucketPublicPolicy,
    s3_bucket_allows_http::S3BucketAllowsHttp,
    s3_bucket_mfa_delete_disabled::S3BucketMfaDeleteDisabled,
    s3_bucket_public_access_block_off::S3BucketPublicAccessBlockOff,
    s3_object_writes_not_logged::S3ObjectWritesNotLogged,
    s3_object_reads_not_logged::S3ObjectReadsNotLogged,
    security_hub_disabled::SecurityHubDisabled,
    secret_not_rotated::SecretNotRotated,
    sns_topic_public::SnsTopicPublic,
    sqs_queue_public::SqsQueuePublic,
    sqs_queue_unencrypted::SqsQueueUnencrypted,
    vpc_flow_logs_disabled::VpcFlowLogsDisabled,
}
