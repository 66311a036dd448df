//! Inline suppressions: `# parapet:ignore AWS-S3-005 logs are public by design`
//! inside a resource or in the comment block just above it. A reason is
//! required; a suppression without one is reported and not honoured.

use crate::declared::Declared;
use crate::error::IacError;

const MARKER: &str = "parapet:ignore";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    pub path: String,
    pub line: u32,
    /// Rule ids, or `*` for all.
    pub rules: Vec<String>,
    pub reason: String,
    /// The first line of code after the comment block: a resource starting
    /// there is covered too.
    next_code_line: u32,
}

impl Suppression {
    pub fn covers(&self, declared: &Declared, rule_id: &str) -> bool {
        let at = &declared.location;
        at.path == self.path
            && (self.next_code_line == at.line
                || (at.line..=declared.end_line).contains(&self.line))
            && self
                .rules
                .iter()
                .any(|r| r == "*" || r.eq_ignore_ascii_case(rule_id))
    }
}

/// The suppressions written in one file.
pub(crate) fn find_suppressions(
    path: &str,
    text: &str,
    errors: &mut Vec<IacError>,
) -> Vec<Suppression> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (n, line) in lines.iter().enumerate() {
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        let before = line[..at].trim_end();
        if !(before.ends_with('#') || before.ends_with("//") || before.ends_with("/*")) {
            continue;
        }
        let rest = line[at + MARKER.len()..]
            .trim()
            .trim_end_matches("*/")
            .trim();
        let (ids, reason) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
        let number = n as u32 + 1;
        if ids.is_empty() || reason.trim().is_empty() {
            errors.push(IacError::new(
                path,
                number,
                at as u32 + 1,
                "`parapet:ignore` needs rule ids and a reason: `# parapet:ignore AWS-S3-005 why it is acceptable`; not honoured",
            ));
            continue;
        }
        let next_code_line = lines
            .iter()
            .enumerate()
            .skip(n + 1)
            .find(|(_, l)| {
                let t = l.trim_start();
                !(t.is_empty() || t.starts_with('#') || t.starts_with("//") || t.starts_with("/*"))
            })
            .map(|(m, _)| m as u32 + 1)
            .unwrap_or(0);
        out.push(Suppression {
            path: path.to_string(),
            line: number,
            rules: ids
                .split(',')
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            reason: reason.trim().to_string(),
            next_code_line,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use parapet_core::{Provider, Resource, Span};

    fn declared(line: u32, end_line: u32) -> Declared {
        Declared {
            resource: Resource::new(Provider::Aws, "aws.s3.bucket", "u", "b"),
            location: Span {
                path: "main.tf".into(),
                line,
                column: 1,
            },
            end_line,
        }
    }

    #[test]
    fn above_or_inside_with_a_reason() {
        let text = "# parapet:ignore AWS-S3-005,AWS-S3-001 public website\n\nresource \"aws_s3_bucket\" \"b\" {\n  # parapet:ignore AWS-S3-009 reviewed\n}\n# parapet:ignore AWS-S3-002\n";
        let mut errors = Vec::new();
        let found = find_suppressions("main.tf", text, &mut errors);
        assert_eq!(found.len(), 2);
        assert_eq!(errors.len(), 1, "no reason: reported");
        assert_eq!(errors[0].line, 6);
        let bucket = declared(3, 5);
        assert!(found[0].covers(&bucket, "AWS-S3-005"));
        assert!(found[0].covers(&bucket, "aws-s3-001"));
        assert!(!found[0].covers(&bucket, "AWS-S3-002"));
        assert!(found[1].covers(&bucket, "AWS-S3-009"));
        assert!(!found[1].covers(&declared(7, 9), "AWS-S3-009"));
    }
}
