//! ## What it does
//! Finds AMIs owned by the account that are public (launch permission for
//! the group `all`).
//!
//! ## Why is this bad?
//! Anyone can launch a public image and read its disks. Images built from
//! working servers carry keys, credentials and internal code.
//!
//! ## Example
//! ```hcl
//! resource "aws_ami_launch_permission" "public" {
//!   image_id = aws_ami_from_instance.app.id
//!   group    = "all"
//! }
//! ```
//! Use instead:
//! ```hcl
//! resource "aws_ami_launch_permission" "partner" {
//!   image_id   = aws_ami_from_instance.app.id
//!   account_id = "111122223333"
//! }
//! ```
//!
//! ## Remediation
//! ```sh
//! aws ec2 modify-image-attribute --image-id AMI_ID --launch-permission '{"Remove":[{"Group":"all"}]}'
//! ```
//!
//! ## References
//! - <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html>

use parapet_core::{Level, Resource};

use crate::inventory::Inventory;
use crate::rule::{verdict, Need, Rule, RuleInfo, Verdict};

pub struct AmiPublic;

static INFO: RuleInfo = RuleInfo::native(
    "AWS-EC2-012",
    "AmiPublic",
    "AMI is public",
    Level::High,
    "aws.ec2.image",
);

impl Rule for AmiPublic {
    fn info(&self) -> &RuleInfo {
        &INFO
    }

    fn check(&self, image: &Resource, _: &Inventory) -> Verdict {
        let public = image.need_bool("public")?;
        verdict(public, "anyone can launch it", "not public")
    }
}
