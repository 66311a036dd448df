//! A rule's documentation is the `//!` comment of its source file, in fixed
//! sections. The binary prints it (`parapet rules explain`) and the sinks
//! take the remediation, Terraform fix and references from it.

/// The sections every rule documents, in order.
pub const SECTIONS: [&str; 5] = [
    "What it does",
    "Why is this bad?",
    "Example",
    "Remediation",
    "References",
];

#[derive(Debug, Clone, Default)]
pub struct RuleDocs {
    /// The whole comment, Markdown.
    pub text: String,
}

impl RuleDocs {
    /// The `//!` lines of a source file.
    pub fn from_source(source: &str) -> RuleDocs {
        let text = source
            .lines()
            .map_while(|line| line.trim_start().strip_prefix("//!"))
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        RuleDocs { text }
    }

    /// The body of `## NAME`, up to the next `## ` heading.
    pub fn section(&self, name: &str) -> Option<&str> {
        let heading = format!("## {name}");
        let start = self.text.lines().position(|l| l.trim_end() == heading)?;
        let offset: usize = self.text.lines().take(start + 1).map(|l| l.len() + 1).sum();
        let rest = self.text.get(offset.min(self.text.len())..)?;
        let end = rest.find("\n## ").map_or(rest.len(), |n| n + 1);
        Some(rest[..end].trim())
    }

    /// Sections that are missing or empty.
    pub fn missing_sections(&self) -> Vec<&'static str> {
        SECTIONS
            .into_iter()
            .filter(|s| self.section(s).is_none_or(str::is_empty))
            .collect()
    }

    /// The first fenced block of `lang` in a section.
    fn block(&self, section: &str, lang: &str, after: Option<&str>) -> Option<String> {
        let mut body = self.section(section)?;
        if let Some(marker) = after {
            body = &body[body.find(marker)? + marker.len()..];
        }
        let fence = format!("```{lang}");
        let start = body.find(&fence)? + fence.len();
        let end = body[start..].find("```")?;
        Some(body[start..start + end].trim().to_string())
    }

    /// The AWS CLI command of the Remediation section.
    pub fn remediation_cli(&self) -> Option<String> {
        self.block("Remediation", "sh", None)
    }

    /// The compliant Terraform of the Example section (after `Use instead:`).
    pub fn terraform_fix(&self) -> Option<String> {
        self.block("Example", "hcl", Some("Use instead:"))
    }

    /// The compliant example: Terraform, or a manifest for Kubernetes rules.
    pub fn fix(&self) -> Option<String> {
        self.terraform_fix()
            .or_else(|| self.block("Example", "yaml", Some("Use instead:")))
    }

    /// The non-compliant Terraform of the Example section.
    pub fn terraform_bad(&self) -> Option<String> {
        self.block("Example", "hcl", None)
    }

    /// One-paragraph summary: the What it does section's first paragraph.
    pub fn summary(&self) -> String {
        self.section("What it does")
            .and_then(|s| s.split("\n\n").next())
            .unwrap_or_default()
            .replace('\n', " ")
    }

    /// The links of the References section.
    pub fn references(&self) -> Vec<String> {
        self.section("References")
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.trim().strip_prefix("- "))
            .map(|l| l.trim_matches(|c| c == '<' || c == '>').to_string())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_blocks_and_references() {
        let docs = RuleDocs::from_source(
            "//! ## What it does\n//! Finds X.\n//!\n//! More.\n//!\n//! ## Why is this bad?\n//! Bad.\n//!\n//! ## Example\n//! ```hcl\n//! bad {}\n//! ```\n//! Use instead:\n//! ```hcl\n//! good {}\n//! ```\n//!\n//! ## Remediation\n//! ```sh\n//! aws x\n//! ```\n//!\n//! ## References\n//! - <https://a>\n//! - https://b\nuse x;\n",
        );
        assert!(docs.missing_sections().is_empty());
        assert_eq!(docs.summary(), "Finds X.");
        assert_eq!(docs.terraform_bad().as_deref(), Some("bad {}"));
        assert_eq!(docs.terraform_fix().as_deref(), Some("good {}"));
        assert_eq!(docs.remediation_cli().as_deref(), Some("aws x"));
        assert_eq!(docs.references(), ["https://a", "https://b"]);
        let empty = RuleDocs::from_source("//! ## What it does\n//! x\n");
        assert_eq!(empty.missing_sections().len(), 4);
    }
}
