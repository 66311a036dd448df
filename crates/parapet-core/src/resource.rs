//! The provider-neutral inventory model. A live collector, an export import
//! and an IaC parser all produce [`Resource`]s, so one posture rule covers a
//! bucket found through the API and a bucket declared in Terraform.
//!
//! Every attribute says where it came from and whether it is known: an IaC
//! value Parapet cannot resolve is `Unknown` and must never fail a rule.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    Aws,
    Azure,
    Gcp,
    /// Kubernetes objects (manifests today).
    Kubernetes,
}

impl fmt::Display for Provider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Provider::Aws => "aws",
            Provider::Azure => "azure",
            Provider::Gcp => "gcp",
            Provider::Kubernetes => "kubernetes",
        })
    }
}

/// A typed attribute value; maps and lists nest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum AttrValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    List(Vec<AttrValue>),
    Map(BTreeMap<String, AttrValue>),
}

impl AttrValue {
    /// A JSON value as an attribute value (objects become maps).
    pub fn from_json(value: &sonic_rs::Value) -> AttrValue {
        use sonic_rs::{JsonNumberTrait, ValueRef};
        match value.as_ref() {
            ValueRef::Null => AttrValue::Null,
            ValueRef::Bool(b) => AttrValue::Bool(b),
            ValueRef::Number(n) => match n.as_i64() {
                Some(i) => AttrValue::Int(i),
                None => AttrValue::Float(n.as_f64().unwrap_or_default()),
            },
            ValueRef::String(s) => AttrValue::Str(s.to_string()),
            ValueRef::Array(items) => {
                AttrValue::List(items.iter().map(AttrValue::from_json).collect())
            }
            ValueRef::Object(obj) => AttrValue::Map(
                obj.iter()
                    .map(|(k, v)| (k.to_string(), AttrValue::from_json(v)))
                    .collect(),
            ),
        }
    }
}

impl AttrValue {
    pub fn as_str(&self) -> Option<&str> {
        match self {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            AttrValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn as_int(&self) -> Option<i64> {
        match self {
            AttrValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[AttrValue]> {
        match self {
            AttrValue::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&BTreeMap<String, AttrValue>> {
        match self {
            AttrValue::Map(map) => Some(map),
            _ => None,
        }
    }

    /// A member of a map value.
    pub fn get(&self, key: &str) -> Option<&AttrValue> {
        self.as_map()?.get(key)
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Null => f.write_str("null"),
            AttrValue::Bool(b) => write!(f, "{b}"),
            AttrValue::Int(n) => write!(f, "{n}"),
            AttrValue::Float(x) => write!(f, "{x}"),
            AttrValue::Str(s) => write!(f, "{s:?}"),
            AttrValue::List(items) => {
                f.write_str("[")?;
                for (n, item) in items.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{item}")?;
                }
                f.write_str("]")
            }
            AttrValue::Map(map) => {
                f.write_str("{")?;
                for (n, (key, value)) in map.iter().enumerate() {
                    if n > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{key}: {value}")?;
                }
                f.write_str("}")
            }
        }
    }
}

macro_rules! attr_from {
    ($($t:ty => $variant:ident $(as $cast:ty)?),* $(,)?) => {
        $(impl From<$t> for AttrValue {
            fn from(v: $t) -> Self {
                AttrValue::$variant((v $(as $cast)?).into())
            }
        })*
    };
}

attr_from!(bool => Bool, i64 => Int, i32 => Int as i64, u32 => Int as i64, f64 => Float, String => Str, &str => Str);

impl<T: Into<AttrValue>> From<Option<T>> for AttrValue {
    fn from(v: Option<T>) -> Self {
        v.map_or(AttrValue::Null, Into::into)
    }
}

impl<T: Into<AttrValue>> From<Vec<T>> for AttrValue {
    fn from(v: Vec<T>) -> Self {
        AttrValue::List(v.into_iter().map(Into::into).collect())
    }
}

/// Where an attribute's value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttrOrigin {
    /// A provider API call, e.g. `s3:GetBucketEncryption`.
    Api(String),
    /// A position in a source file (IaC), 1-based.
    File {
        path: String,
        line: u32,
        column: u32,
    },
    /// An export file imported as a whole (AWS Config, Resource Graph, CAI).
    Import(String),
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attribute {
    pub value: AttrValue,
    /// False: the value exists but Parapet could not learn it (denied call,
    /// unresolved IaC expression); `value` is then Null. Rules treat it as
    /// "cannot say", never as a failure.
    #[serde(default = "known_by_default", skip_serializing_if = "is_known")]
    pub known: bool,
    pub origin: AttrOrigin,
}

fn known_by_default() -> bool {
    true
}

fn is_known(known: &bool) -> bool {
    *known
}

/// A typed edge to another resource, by its uid.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Relation {
    /// What the edge means: `uses-security-group`, `in-vpc`, `has-role`, ...
    pub kind: String,
    pub target: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Provider-unique id: an ARN, an Azure resource id, a GCP full name.
    pub uid: String,
    pub provider: Provider,
    /// Stable kind id, `aws.s3.bucket`, `aws.iam.user`, ...
    pub kind: String,
    pub account: String,
    /// `global` for global services.
    pub region: String,
    pub name: String,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub attributes: BTreeMap<String, Attribute>,
    #[serde(default)]
    pub relations: Vec<Relation>,
}

impl Resource {
    pub fn new(
        provider: Provider,
        kind: &str,
        uid: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Resource {
            uid: uid.into(),
            provider,
            kind: kind.to_string(),
            account: String::new(),
            region: String::new(),
            name: name.into(),
            tags: BTreeMap::new(),
            attributes: BTreeMap::new(),
            relations: Vec::new(),
        }
    }

    pub fn located(mut self, account: &str, region: &str) -> Self {
        self.account = account.to_string();
        self.region = region.to_string();
        self
    }

    /// Records a known value learned from `origin`.
    pub fn set(&mut self, name: &str, value: impl Into<AttrValue>, origin: &AttrOrigin) {
        let attribute = Attribute {
            value: value.into(),
            known: true,
            origin: origin.clone(),
        };
        self.attributes.insert(name.to_string(), attribute);
    }

    /// Records that `name` exists but could not be learned.
    pub fn unknown(&mut self, name: &str, origin: &AttrOrigin) {
        let attribute = Attribute {
            value: AttrValue::Null,
            known: false,
            origin: origin.clone(),
        };
        self.attributes.insert(name.to_string(), attribute);
    }

    pub fn relate(&mut self, kind: &str, target: impl Into<String>) {
        let relation = Relation {
            kind: kind.to_string(),
            target: target.into(),
        };
        if !self.relations.contains(&relation) {
            self.relations.push(relation);
        }
    }

    /// The value of an attribute; None when absent or unknown.
    pub fn value(&self, name: &str) -> Option<&AttrValue> {
        self.attributes
            .get(name)
            .filter(|a| a.known)
            .map(|a| &a.value)
    }

    /// A known boolean attribute.
    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.value(name)? {
            AttrValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A known string attribute.
    pub fn str(&self, name: &str) -> Option<&str> {
        match self.value(name)? {
            AttrValue::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A known integer attribute.
    pub fn int(&self, name: &str) -> Option<i64> {
        match self.value(name)? {
            AttrValue::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// A known list attribute.
    pub fn list(&self, name: &str) -> Option<&[AttrValue]> {
        match self.value(name)? {
            AttrValue::List(items) => Some(items),
            _ => None,
        }
    }

    /// Whether the attribute was recorded at all (known or not).
    pub fn has(&self, name: &str) -> bool {
        self.attributes.contains_key(name)
    }

    /// Targets of this resource's relations of one kind.
    pub fn related<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.relations
            .iter()
            .filter(move |r| r.kind == kind)
            .map(|r| r.target.as_str())
    }

    pub fn is_unknown(&self, name: &str) -> bool {
        self.attributes.get(name).is_some_and(|a| !a.known)
    }

    /// Sorts relations so equal resources compare and serialize equal.
    pub fn normalize(&mut self) {
        self.relations.sort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_carry_origin_and_knownness() {
        let api = AttrOrigin::Api("s3:GetBucketVersioning".into());
        let mut bucket = Resource::new(Provider::Aws, "aws.s3.bucket", "arn:aws:s3:::logs", "logs")
            .located("1", "eu-west-1");
        bucket.set("versioning.enabled", true, &api);
        bucket.set("logging.target", AttrValue::Null, &api);
        bucket.unknown(
            "encryption",
            &AttrOrigin::Api("s3:GetBucketEncryption".into()),
        );
        bucket.relate("logs-to", "arn:aws:s3:::audit");
        bucket.relate("logs-to", "arn:aws:s3:::audit");
        assert_eq!(
            bucket.value("versioning.enabled"),
            Some(&AttrValue::Bool(true))
        );
        assert!(bucket.is_unknown("encryption") && bucket.value("encryption").is_none());
        assert_eq!(bucket.relations.len(), 1);
        let json = sonic_rs::to_string(&bucket).unwrap();
        let back: Resource = sonic_rs::from_str(&json).unwrap();
        assert_eq!(back, bucket);
    }
}
