//! ## What it does
//! Finds SSL/TLS server certificates stored in IAM whose expiry date has
//! passed.
//!
//! ## Why is this bad?
//! An expired certificate still attached to a load balancer or CloudFront
//! breaks clients or trains them to click through warnings; one left unused
//! is clutter that hides the certificates that matter.
//!
//! ## Example
//! ```hcl
//! resource "aws_iam_server_certificate" "old" {
//!   name             = "www-2019"
//!   certificate_body = file("www-2019.pem")   # expired
//!   private_key      = file("www-2019.key")
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_acm_certificate" "www" {
//!   domain_name       = "www.example.com"
//!   validation_method = "DNS"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws iam delete-server-certificate --server-certificate-name NAME
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html>
//! - CIS AWS Foundations 5.0, 1.18

use parapet_core::{Level, Resource};

use crate::credentials::timestamp;
use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Unknown, Verdict};

pub struct ExpiredServerCertificate;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-IAM-017",
    "ExpiredServerCertificate",
    "Expired SSL/TLS certificate stored in IAM",
    Level::Medium,
    "aws.iam.server-certificate",
);

impl Rule for ExpiredServerCertificate {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, certificate: &Resource, inventory: &Inventory) -> Verdict {
        let text = certificate.need_opt_str("expiration")?;
        let expires =
            timestamp(text).ok_or_else(|| Unknown("expiration date not readable".into()))?;
        verdict(
            expires < inventory.now,
            format!("expired on {}", text.unwrap_or_default()),
            "not expired",
        )
    }
}
