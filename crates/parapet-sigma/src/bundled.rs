//! Parapet's own Sigma rules, compiled into the binary and on by default.
//! Adding a rule: its YAML file under `rules/` and one line here.

use crate::error::RuleError;
use crate::pipeline::Pipeline;
use crate::rule::{parse_documents, RuleSet};
use crate::value::Placeholders;

macro_rules! bundled {
    ($($path:literal),* $(,)?) => {
        &[$(($path, include_str!(concat!("../rules/", $path)))),*]
    };
}

/// (path under `rules/`, YAML text) of every bundled rule.
pub const BUNDLED_RULES: &[(&str, &str)] = bundled![
    "aws/cloudtrail/bedrock_model_access_enabled.yml",
    "aws/cloudtrail/cloudtrail_event_selectors_reduced.yml",
    "aws/cloudtrail/cloudtrail_logging_stopped.yml",
    "aws/cloudtrail/cloudtrail_trail_deleted.yml",
    "aws/cloudtrail/console_login_without_mfa.yml",
    "aws/cloudtrail/correlations/access_key_from_many_networks.yml",
    "aws/cloudtrail/correlations/assume_role_chain_cross_account.yml",
    "aws/cloudtrail/correlations/console_brute_force_then_success.yml",
    "aws/cloudtrail/correlations/discovery_burst.yml",
    "aws/cloudtrail/correlations/mass_secret_retrieval.yml",
    "aws/cloudtrail/ebs_snapshot_shared.yml",
    "aws/cloudtrail/ec2_ami_shared.yml",
    "aws/cloudtrail/ec2_gpu_instances_launched.yml",
    "aws/cloudtrail/ec2_instance_connect_key_pushed.yml",
    "aws/cloudtrail/ec2_instance_credentials_identity_check.yml",
    "aws/cloudtrail/ec2_password_data_retrieved.yml",
    "aws/cloudtrail/ec2_serial_console_used.yml",
    "aws/cloudtrail/ec2_user_data_modified.yml",
    "aws/cloudtrail/ec2_user_data_read.yml",
    "aws/cloudtrail/iam_access_key_created_for_other_user.yml",
    "aws/cloudtrail/iam_admin_policy_attached_to_role.yml",
    "aws/cloudtrail/iam_admin_policy_attached_to_user.yml",
    "aws/cloudtrail/iam_login_profile_created_for_other_user.yml",
    "aws/cloudtrail/iam_login_profile_updated_for_other_user.yml",
    "aws/cloudtrail/iam_role_created_trusting_aws_principal.yml",
    "aws/cloudtrail/iam_role_trust_updated_for_aws_principal.yml",
    "aws/cloudtrail/lambda_code_updated_by_iam_user.yml",
    "aws/cloudtrail/lambda_function_invocable_by_anyone.yml",
    "aws/cloudtrail/lambda_layers_changed_by_iam_user.yml",
    "aws/cloudtrail/organizations_account_left.yml",
    "aws/cloudtrail/rds_snapshot_shared.yml",
    "aws/cloudtrail/roles_anywhere_trust_anchor_created.yml",
    "aws/cloudtrail/route53_resolver_query_logging_removed.yml",
    "aws/cloudtrail/secrets_manager_batch_secret_retrieval.yml",
    "aws/cloudtrail/secrets_manager_secret_read_by_iam_user.yml",
    "aws/cloudtrail/security_group_admin_port_open_to_world.yml",
    "aws/cloudtrail/ssm_parameters_read_by_iam_user.yml",
    "aws/cloudtrail/ssm_session_started_by_iam_user.yml",
    "aws/cloudtrail/ssm_shell_command_sent.yml",
    "aws/cloudtrail/sts_federation_token_requested.yml",
    "aws/cloudtrail/vpc_flow_logs_deleted.yml",
    "azure/activitylogs/azure_vm_run_command_executed.yml",
    "azure/auditlogs/entra_application_credential_added.yml",
    "azure/pim/entra_pim_role_assigned_outside_pim.yml",
    "azure/riskdetection/entra_leaked_credentials.yml",
    "azure/signinlogs/entra_legacy_authentication_sign_in.yml",
    "bitbucket/audit/bitbucket_repository_deleted.yml",
    "cisco/duo/correlations/duo_mfa_fatigue.yml",
    "cisco/duo/duo_bypass_code_created.yml",
    "cisco/duo/duo_push_marked_fraud.yml",
    "cross/correlations/duo_fraud_address_then_aws_console_login.yml",
    "gcp/audit/gcp_service_account_key_created.yml",
    "gcp/google_workspace.admin/workspace_admin_privilege_granted.yml",
    "gcp/google_workspace.login/workspace_suspicious_login.yml",
    "github/audit/github_repository_made_public.yml",
    "kubernetes/audit/k8s_cluster_admin_binding_created.yml",
    "m365/audit/m365_mailbox_full_access_granted.yml",
    "okta/okta/okta_mfa_factor_deactivated.yml",
    "onelogin/onelogin.events/onelogin_mfa_factor_removed.yml",
];

/// Compiles the bundled rules (detections and correlations). They are
/// tested to load, so an error here is a build defect, reported like any
/// other rule error.
pub fn bundled_rules() -> Result<RuleSet, RuleError> {
    let placeholders = Placeholders::new();
    let mut set = RuleSet::default();
    for (path, text) in BUNDLED_RULES {
        set.extend(parse_documents(
            &format!("bundled:{path}"),
            text,
            &placeholders,
        )?);
    }
    Ok(set)
}

/// (file name, YAML text) of the field-mapping pipelines that fit SigmaHQ's
/// field names to the logs as Parapet reads them; on by default.
pub const BUNDLED_PIPELINES: &[(&str, &str)] = &[
    ("azure.yml", include_str!("../pipelines/azure.yml")),
    ("gcp.yml", include_str!("../pipelines/gcp.yml")),
    ("m365.yml", include_str!("../pipelines/m365.yml")),
];

pub fn bundled_pipelines() -> Result<Vec<Pipeline>, RuleError> {
    BUNDLED_PIPELINES
        .iter()
        .map(|(name, text)| Pipeline::parse(&format!("bundled:pipelines/{name}"), text))
        .collect()
}
