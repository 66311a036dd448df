//! What a posture rule says about one resource: PASS, FAIL or UNKNOWN, with
//! the evidence behind it. Live collectors, imports and IaC parsers all feed
//! the same rules, so a finding names its resource the same way for each.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::{Level, Provider, Resource};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CheckStatus {
    Pass,
    Fail,
    /// The rule could not decide: an attribute it needs is unknown (a denied
    /// call, an unresolved IaC expression). Never counted as a failure.
    Unknown,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "PASS",
            CheckStatus::Fail => "FAIL",
            CheckStatus::Unknown => "UNKNOWN",
        }
    }
}

impl fmt::Display for CheckStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CheckStatus {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "PASS" => Ok(CheckStatus::Pass),
            "FAIL" => Ok(CheckStatus::Fail),
            "UNKNOWN" => Ok(CheckStatus::Unknown),
            _ => Err(format!(
                "unknown status `{text}`; expected pass, fail or unknown"
            )),
        }
    }
}

/// A position in a source file (IaC), 1-based.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub path: String,
    pub line: u32,
    pub column: u32,
}

/// The resource a finding is about, as sinks and the store need it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ResourceRef {
    pub uid: String,
    pub kind: String,
    pub name: String,
    pub provider: Provider,
    pub account: String,
    pub region: String,
}

impl ResourceRef {
    pub fn of(resource: &Resource) -> ResourceRef {
        ResourceRef {
            uid: resource.uid.clone(),
            kind: resource.kind.clone(),
            name: resource.name.clone(),
            provider: resource.provider,
            account: resource.account.clone(),
            region: resource.region.clone(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Level,
    pub status: CheckStatus,
    pub resource: ResourceRef,
    /// What the rule saw: the offending statement, port range, principal...
    pub evidence: String,
    /// Where in a template the resource is declared (IaC only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Span>,
    /// When the store first saw this failure (set by `parapet scan` when it
    /// records the scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<String>,
    /// The reason of an active mute; muted failures never fail a build.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub muted: Option<String>,
}

impl Finding {
    /// The key a finding keeps across scans: one rule on one resource.
    pub fn key(&self) -> (&str, &str) {
        (&self.rule_id, &self.resource.uid)
    }
}
