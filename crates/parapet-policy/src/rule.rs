//! What a posture rule is: static metadata, its documentation (the doc
//! comment of its file), and a check of one resource.

use std::borrow::Cow;

use parapet_core::{AttrValue, Level, Resource};

use crate::docs::RuleDocs;
use crate::inventory::Inventory;

/// A rule's fixed metadata. Remediation, the Terraform fix and references
/// live in the rule's documentation, so they are written once.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    /// Stable, never reused: `AWS-S3-001`.
    pub id: Cow<'static, str>,
    /// The rule's type name: the bad pattern it finds.
    pub name: Cow<'static, str>,
    pub title: Cow<'static, str>,
    pub severity: Level,
    /// The resource kind it checks (`aws.s3.bucket`); `aws.account` rules see
    /// one resource per account and look across the inventory.
    pub kind: Cow<'static, str>,
}

impl RuleInfo {
    /// Metadata of a native rule, written as a `static`.
    pub const fn native(
        id: &'static str,
        name: &'static str,
        title: &'static str,
        severity: Level,
        kind: &'static str,
    ) -> RuleInfo {
        RuleInfo {
            id: Cow::Borrowed(id),
            name: Cow::Borrowed(name),
            title: Cow::Borrowed(title),
            severity,
            kind: Cow::Borrowed(kind),
        }
    }
}

/// A rule's verdict on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    Pass(String),
    Fail(String),
    /// The rule does not apply to this resource (an AWS managed key for a
    /// rotation rule, a terminated instance): no finding at all.
    Skip,
}

/// The rule cannot decide: an attribute it needs is unknown or absent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown(pub String);

pub type Verdict = Result<Check, Unknown>;

pub trait Rule: Send + Sync {
    fn info(&self) -> &RuleInfo;
    fn check(&self, resource: &Resource, inventory: &Inventory) -> Verdict;
}

/// A rule with its documentation, as the registry and custom rule folders
/// hold it.
pub struct RegisteredRule {
    pub rule: Box<dyn Rule>,
    pub docs: RuleDocs,
    /// Where it came from: `builtin` or the custom rule's file.
    pub source: String,
}

impl RegisteredRule {
    pub fn info(&self) -> &RuleInfo {
        self.rule.info()
    }
}

pub(crate) fn pass(evidence: impl Into<String>) -> Verdict {
    Ok(Check::Pass(evidence.into()))
}

pub(crate) fn fail(evidence: impl Into<String>) -> Verdict {
    Ok(Check::Fail(evidence.into()))
}

/// `fail` when `bad`, else `pass`.
pub(crate) fn verdict(bad: bool, fail_text: impl Into<String>, pass_text: &str) -> Verdict {
    if bad {
        fail(fail_text)
    } else {
        pass(pass_text)
    }
}

fn missing(resource: &Resource, name: &str) -> Unknown {
    if resource.is_unknown(name) {
        Unknown(format!("`{name}` could not be learned"))
    } else {
        Unknown(format!("`{name}` is not recorded"))
    }
}

/// Typed access that turns an unknown or absent attribute into `Unknown`.
pub(crate) trait Need {
    fn need(&self, name: &str) -> Result<&AttrValue, Unknown>;
    fn need_bool(&self, name: &str) -> Result<bool, Unknown>;
    fn need_int(&self, name: &str) -> Result<i64, Unknown>;
    fn need_list(&self, name: &str) -> Result<&[AttrValue], Unknown>;
    /// A string, or None when the value is known to be null.
    fn need_opt_str(&self, name: &str) -> Result<Option<&str>, Unknown>;
}

impl Need for Resource {
    fn need(&self, name: &str) -> Result<&AttrValue, Unknown> {
        self.value(name).ok_or_else(|| missing(self, name))
    }

    fn need_bool(&self, name: &str) -> Result<bool, Unknown> {
        self.bool(name).ok_or_else(|| missing(self, name))
    }

    fn need_int(&self, name: &str) -> Result<i64, Unknown> {
        self.int(name).ok_or_else(|| missing(self, name))
    }

    fn need_list(&self, name: &str) -> Result<&[AttrValue], Unknown> {
        self.list(name).ok_or_else(|| missing(self, name))
    }

    fn need_opt_str(&self, name: &str) -> Result<Option<&str>, Unknown> {
        match self.need(name)? {
            AttrValue::Null => Ok(None),
            AttrValue::Str(s) => Ok(Some(s)),
            _ => Err(missing(self, name)),
        }
    }
}
