//! A framework's compliance report: per control pass / fail / unknown /
//! manual / not evaluated, with the failing resources, as a standalone HTML
//! page (no scripts, no external assets) or JSON.

use std::fmt::Write as _;

use parapet_core::{ComplianceReport, ControlStatus};
use sonic_rs::Value;

pub fn compliance_json(report: &ComplianceReport) -> Value {
    let mut value = sonic_rs::to_value(report).unwrap_or_default();
    let summary: Vec<(&str, usize)> = [
        ControlStatus::Pass,
        ControlStatus::Fail,
        ControlStatus::Unknown,
        ControlStatus::NotEvaluated,
        ControlStatus::Manual,
    ]
    .into_iter()
    .map(|s| (s.as_str(), report.count(s)))
    .collect();
    let mut counts = sonic_rs::Object::new();
    for (name, count) in summary {
        counts.insert(&name.replace(' ', "_"), Value::from(count as u64));
    }
    value.insert("summary", Value::from(counts));
    value
}

/// Text safe inside HTML and XML elements and attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // XML 1.0 has no representation for most control characters.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}\
.pass{color:#1a7f37}.fail{color:#cf222e;font-weight:bold}.unknown{color:#9a6700}.manual,.not-evaluated{color:#666}\
.summary span{margin-right:1.5em}details{margin:2px 0}code{font-size:90%}";

pub fn compliance_html(report: &ComplianceReport) -> String {
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&report.title)
    );
    let _ = write!(
        html,
        "<h1>{}</h1><p>Framework <code>{}</code>, generated {}</p><p class=\"summary\">",
        escape(&report.title),
        escape(&report.framework),
        escape(&report.generated_at)
    );
    for status in [
        ControlStatus::Pass,
        ControlStatus::Fail,
        ControlStatus::Unknown,
        ControlStatus::NotEvaluated,
        ControlStatus::Manual,
    ] {
        let _ = write!(
            html,
            "<span class=\"{}\">{}: {}</span>",
            status.as_str().replace(' ', "-"),
            status.as_str(),
            report.count(status)
        );
    }
    html.push_str("</p><table><thead><tr><th>Control</th><th>Title</th><th>Status</th><th>Rules</th><th>Failing resources</th></tr></thead><tbody>");
    let mut section = "";
    for control in &report.controls {
        if control.section != section {
            section = &control.section;
            let _ = write!(html, "<tr><th colspan=\"5\">{}</th></tr>", escape(section));
        }
        let _ = write!(
            html,
            "<tr id=\"control-{}\"><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>",
            escape(&control.id),
            escape(&control.id),
            escape(&control.title),
            control.status.as_str().replace(' ', "-"),
            control.status.as_str(),
            escape(&control.rules.join(", "))
        );
        if !control.failing.is_empty() {
            let _ = write!(
                html,
                "<details><summary>{} failing</summary><ul>",
                control.failing.len()
            );
            for finding in &control.failing {
                let _ = write!(
                    html,
                    "<li><code>{}</code> ({}): {}</li>",
                    escape(&finding.resource.uid),
                    escape(&finding.rule_id),
                    escape(&finding.evidence)
                );
            }
            html.push_str("</ul></details>");
        }
        html.push_str("</td></tr>");
    }
    html.push_str("</tbody></table></body></html>\n");
    html
}
