//! JUnit XML for CI systems: one test suite per rule, one test case per
//! resource; a failure is a failed case, an unknown verdict or a suppressed
//! failure a skipped one (with the reason).

use std::collections::BTreeMap;
use std::io::{self, Write};

use parapet_core::{CheckStatus, Finding};

use crate::compliance_report::escape;
use crate::findings::FindingContext;

pub fn write_junit(
    out: &mut dyn Write,
    findings: &[Finding],
    context: &FindingContext<'_>,
) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for finding in findings {
        suites.entry(&finding.rule_id).or_default().push(finding);
    }
    let failures = |cases: &[&Finding]| {
        cases
            .iter()
            .filter(|f| f.status == CheckStatus::Fail && f.muted.is_none())
            .count()
    };
    let all: Vec<&Finding> = findings.iter().collect();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="parapet" tests="{}" failures="{}" timestamp="{}">"#,
        findings.len(),
        failures(&all),
        escape(context.generated_at)
    )?;
    for (rule, cases) in &suites {
        let title = context
            .rules
            .get(*rule)
            .map(|m| m.title.as_str())
            .unwrap_or_default();
        let skipped = cases
            .iter()
            .filter(|f| {
                f.status == CheckStatus::Unknown
                    || (f.status == CheckStatus::Fail && f.muted.is_some())
            })
            .count();
        writeln!(
            out,
            r#"  <testsuite name="{} {}" tests="{}" failures="{}" skipped="{}">"#,
            escape(rule),
            escape(title),
            cases.len(),
            failures(cases),
            skipped
        )?;
        for finding in cases {
            let classname = finding
                .location
                .as_ref()
                .map(|at| format!("{}:{}", at.path, at.line))
                .unwrap_or_else(|| finding.resource.kind.clone());
            write!(
                out,
                r#"    <testcase name="{}" classname="{}">"#,
                escape(&finding.resource.uid),
                escape(&classname)
            )?;
            match (finding.status, &finding.muted) {
                (CheckStatus::Fail, Some(reason)) => write!(
                    out,
                    r#"<skipped message="suppressed: {}"/>"#,
                    escape(reason)
                )?,
                (CheckStatus::Fail, None) => write!(
                    out,
                    r#"<failure message="{}" type="{}">{} at {}</failure>"#,
                    escape(&finding.evidence),
                    finding.severity.as_str(),
                    escape(&finding.title),
                    escape(&classname)
                )?,
                (CheckStatus::Unknown, _) => write!(
                    out,
                    r#"<skipped message="unknown: {}"/>"#,
                    escape(&finding.evidence)
                )?,
                (CheckStatus::Pass, _) => {}
            }
            writeln!(out, "</testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
