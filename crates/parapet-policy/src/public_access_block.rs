//! S3 Block Public Access: a flag holds for a bucket when the bucket or its
//! account (`aws.s3.account-settings`) sets it.

use parapet_core::Resource;

use crate::inventory::Inventory;
use crate::rule::Unknown;

pub const FLAGS: [&str; 4] = [
    "block_public_acls",
    "ignore_public_acls",
    "block_public_policy",
    "restrict_public_buckets",
];

/// Kind of the per-account S3 settings resource.
pub const ACCOUNT_SETTINGS: &str = "aws.s3.account-settings";

/// Whether `flag` is on for `bucket`, at bucket or account level. When the
/// bucket's flag is off and the account's could not be read, nobody can say.
pub fn blocks(bucket: &Resource, inventory: &Inventory, flag: &str) -> Result<bool, Unknown> {
    let name = format!("public_access_block.{flag}");
    let account = inventory
        .in_account(&bucket.account, ACCOUNT_SETTINGS)
        .next();
    if account.and_then(|a| a.bool(&name)) == Some(true) {
        return Ok(true);
    }
    match bucket.bool(&name) {
        Some(true) => Ok(true),
        Some(false) if account.is_some_and(|a| a.is_unknown(&name)) => Err(Unknown(format!(
            "`{name}` is off on the bucket and unknown for the account"
        ))),
        Some(false) => Ok(false),
        None => Err(Unknown(format!("`{name}` of the bucket is unknown"))),
    }
}
