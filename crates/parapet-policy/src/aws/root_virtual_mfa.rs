//! ## What it does
//! Finds an AWS account whose root user is protected by a virtual MFA device
//! (an authenticator app) or none, rather than a hardware key.
//!
//! ## Why is this bad?
//! A virtual device lives on a phone that is itself attacked, backed up and
//! replaced; a hardware key cannot be copied or phished. For the one identity
//! no policy can limit, CIS asks for hardware.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_virtual_mfa_device" "root" {
//!   virtual_mfa_device_name = "root-account-mfa-device"
//! }
//! ```
//! Use instead:
//! ```hcl
//! # A FIDO security key or hardware TOTP token assigned to root in the console.
//! ```
//!
//! ## Remediation
//! Assign a hardware MFA device to root in the console, remove the virtual
//! one, then check that no virtual device belongs to root:
//! ```sh
//! aws iam list-virtual-mfa-devices --assignment-status Assigned --query 'VirtualMFADevices[?User.Arn==`arn:aws:iam::ACCOUNT:root`]'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html>
//! - CIS AWS Foundations 3.0, 1.6

use parapet_core::{Level, Resource};

use crate::credentials::report_flag;
use crate::inventory::Inventory;
use crate::rule::{fail, verdict, Need, Rule, RuleInfo, Verdict};

pub struct RootVirtualMfa;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-003",
    "RootVirtualMfa",
    "Root user has no hardware MFA",
    Level::High,
    "aws.iam.root",
);

impl Rule for RootVirtualMfa {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, root: &Resource, _: &Inventory) -> Verdict {
        if !report_flag(root, "mfa_active")? {
            return fail("root user has no MFA device at all");
        }
        let virtual_device = root.need_bool("mfa.virtual")?;
        verdict(
            virtual_device,
            "root user's MFA is a virtual device",
            "root user's MFA is a hardware device",
        )
    }
}
