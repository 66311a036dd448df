use serde::{Deserialize, Serialize};

/// An API that could not be read during a collection (denied, failing,
/// not enabled): what the inventory does not cover, shown to the user
/// instead of aborting the collection.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct CoverageGap {
    pub service: String,
    pub region: String,
    /// The API operation, e.g. `GetBucketPolicy`.
    pub operation: String,
    pub reason: String,
}
