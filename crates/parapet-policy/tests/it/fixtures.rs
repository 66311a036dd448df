//! Each rule has `fixtures/<ID>.json`: cases of one resource (plus context
//! resources) and the status the rule must give. Resources are written
//! compactly: `attrs` are known values, `unknown` names attributes that could
//! not be learned.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use parapet_core::{parse_rfc3339, AttrOrigin, AttrValue, Provider, Resource};
use parapet_policy::{builtin_rules, Check, Inventory, RegisteredRule};
use serde::Deserialize;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fixture {
    #[serde(default)]
    pub context: Vec<CompactResource>,
    pub cases: Vec<Case>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    pub name: String,
    pub expect: String,
    pub resource: CompactResource,
    #[serde(default)]
    pub context: Vec<CompactResource>,
}

#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CompactResource {
    pub kind: Option<String>,
    pub uid: Option<String>,
    pub name: Option<String>,
    pub account: Option<String>,
    pub region: Option<String>,
    #[serde(default)]
    pub attrs: BTreeMap<String, sonic_rs::Value>,
    #[serde(default)]
    pub unknown: Vec<String>,
    #[serde(default)]
    pub relations: Vec<(String, String)>,
}

pub const ACCOUNT: &str = "111122223333";

impl CompactResource {
    pub fn build(&self, default_kind: &str) -> Resource {
        let kind = self.kind.as_deref().unwrap_or(default_kind);
        let uid = self.uid.clone().unwrap_or_else(|| match kind {
            "aws.account" => format!("AWS::::Account:{ACCOUNT}"),
            _ => format!("arn:fixture:{kind}"),
        });
        let name = self.name.clone().unwrap_or_else(|| {
            uid.rsplit([':', '/'])
                .next()
                .unwrap_or_default()
                .to_string()
        });
        let mut r = Resource::new(Provider::Aws, kind, uid, name).located(
            self.account.as_deref().unwrap_or(ACCOUNT),
            self.region.as_deref().unwrap_or("us-east-1"),
        );
        let origin = AttrOrigin::Api("fixture".into());
        for (attr, value) in &self.attrs {
            r.set(attr, AttrValue::from_json(value), &origin);
        }
        for attr in &self.unknown {
            r.unknown(attr, &origin);
        }
        for (kind, target) in &self.relations {
            r.relate(kind, target.clone());
        }
        r
    }
}

pub fn fixture_path(id: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(format!("{id}.json"))
}

fn status(rule: &RegisteredRule, case: &Case, shared: &[CompactResource]) -> String {
    let kind = rule.info().kind.to_string();
    let subject = case.resource.build(&kind);
    let uid = subject.uid.clone();
    let mut resources = vec![subject];
    for extra in shared.iter().chain(&case.context) {
        resources.push(extra.build(&kind));
    }
    let now = parse_rfc3339("2026-06-01T00:00:00Z").unwrap();
    let inventory = Inventory::new(resources, now);
    let subject = inventory.get(&uid).unwrap();
    match rule.rule.check(subject, &inventory) {
        Ok(Check::Pass(_)) => "pass".into(),
        Ok(Check::Fail(_)) => "fail".into(),
        Ok(Check::Skip) => "skip".into(),
        Err(_) => "unknown".into(),
    }
}

#[test]
fn every_rule_meets_its_fixture_both_ways() {
    let mut problems = Vec::new();
    for rule in builtin_rules() {
        let id = rule.info().id.to_string();
        let path = fixture_path(&id);
        let Ok(text) = std::fs::read_to_string(&path) else {
            problems.push(format!("{id}: no fixture at {}", path.display()));
            continue;
        };
        let fixture: Fixture = match sonic_rs::from_str(&text) {
            Ok(f) => f,
            Err(e) => {
                problems.push(format!("{id}: fixture does not parse: {e}"));
                continue;
            }
        };
        for wanted in ["pass", "fail"] {
            if !fixture.cases.iter().any(|c| c.expect == wanted) {
                problems.push(format!("{id}: no `{wanted}` case"));
            }
        }
        for case in &fixture.cases {
            let got = status(&rule, case, &fixture.context);
            if got != case.expect {
                problems.push(format!(
                    "{id} `{}`: expected {}, got {got}",
                    case.name, case.expect
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
