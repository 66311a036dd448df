//! The resources a scan sees, indexed so rules can follow relations and look
//! across an account (the trail that logs a bucket, the role that holds a
//! policy) without scanning everything.

use std::collections::{BTreeSet, HashMap};

use parapet_core::{CoverageGap, Provider, Resource, Timestamp};

/// The kind of the one synthesized resource per AWS account that
/// account-wide rules (a multi-region trail, a support role) check.
pub const ACCOUNT_KIND: &str = "aws.account";

pub struct Inventory {
    resources: Vec<Resource>,
    by_uid: HashMap<String, usize>,
    by_account_kind: HashMap<(String, String), Vec<usize>>,
    /// The time the state was observed: "unused for 45 days" counts from here.
    pub now: Timestamp,
    /// APIs the collection could not read: a rule that looks for the absence
    /// of something cannot conclude where the listing failed.
    pub gaps: Vec<CoverageGap>,
}

impl Inventory {
    /// Indexes `resources` and adds one `aws.account` resource per AWS
    /// account found (uid `AWS::::Account:ID`, the ASFF convention).
    pub fn new(mut resources: Vec<Resource>, now: Timestamp) -> Inventory {
        let accounts: BTreeSet<String> = resources
            .iter()
            .filter(|r| r.provider == Provider::Aws && !r.account.is_empty())
            .filter(|r| r.kind != ACCOUNT_KIND)
            .map(|r| r.account.clone())
            .collect();
        for account in accounts {
            let uid = format!("AWS::::Account:{account}");
            if !resources.iter().any(|r| r.uid == uid) {
                resources.push(
                    Resource::new(Provider::Aws, ACCOUNT_KIND, uid, account.clone())
                        .located(&account, "global"),
                );
            }
        }
        let mut by_uid = HashMap::with_capacity(resources.len());
        let mut by_account_kind: HashMap<(String, String), Vec<usize>> = HashMap::new();
        for (index, resource) in resources.iter().enumerate() {
            by_uid.insert(resource.uid.clone(), index);
            by_account_kind
                .entry((resource.account.clone(), resource.kind.clone()))
                .or_default()
                .push(index);
        }
        Inventory {
            resources,
            by_uid,
            by_account_kind,
            now,
            gaps: Vec::new(),
        }
    }

    pub fn with_gaps(mut self, gaps: Vec<CoverageGap>) -> Inventory {
        self.gaps = gaps;
        self
    }

    /// The gap, if `service`'s `operation` failed in `region` (or globally).
    pub fn gap(&self, service: &str, operation: &str, region: &str) -> Option<&CoverageGap> {
        self.gaps.iter().find(|g| {
            g.service == service
                && g.operation == operation
                && (region == "*" || g.region == region || g.region == "global")
        })
    }

    pub fn resources(&self) -> &[Resource] {
        &self.resources
    }

    pub fn len(&self) -> usize {
        self.resources.len()
    }

    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
    }

    pub fn get(&self, uid: &str) -> Option<&Resource> {
        self.by_uid.get(uid).map(|&i| &self.resources[i])
    }

    /// Resources of one kind in one account, in inventory order.
    pub fn in_account<'a>(
        &'a self,
        account: &str,
        kind: &str,
    ) -> impl Iterator<Item = &'a Resource> + 'a {
        self.by_account_kind
            .get(&(account.to_string(), kind.to_string()))
            .into_iter()
            .flatten()
            .map(|&i| &self.resources[i])
    }
}
