//! ATT&CK tags as Sigma writes them: `attack.t1098.001` for techniques,
//! `attack.persistence` (or `attack.defense_evasion`) for tactics.

/// The ATT&CK Enterprise tactics with their ids, in kill-chain order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tactic {
    pub id: &'static str,
    pub name: &'static str,
    /// The tag form: lower case, words joined by `-`.
    pub short_name: &'static str,
}

const TACTICS: [Tactic; 14] = [
    Tactic {
        id: "TA0043",
        name: "Reconnaissance",
        short_name: "reconnaissance",
    },
    Tactic {
        id: "TA0042",
        name: "Resource Development",
        short_name: "resource-development",
    },
    Tactic {
        id: "TA0001",
        name: "Initial Access",
        short_name: "initial-access",
    },
    Tactic {
        id: "TA0002",
        name: "Execution",
        short_name: "execution",
    },
    Tactic {
        id: "TA0003",
        name: "Persistence",
        short_name: "persistence",
    },
    Tactic {
        id: "TA0004",
        name: "Privilege Escalation",
        short_name: "privilege-escalation",
    },
    Tactic {
        id: "TA0005",
        name: "Defense Evasion",
        short_name: "defense-evasion",
    },
    Tactic {
        id: "TA0006",
        name: "Credential Access",
        short_name: "credential-access",
    },
    Tactic {
        id: "TA0007",
        name: "Discovery",
        short_name: "discovery",
    },
    Tactic {
        id: "TA0008",
        name: "Lateral Movement",
        short_name: "lateral-movement",
    },
    Tactic {
        id: "TA0009",
        name: "Collection",
        short_name: "collection",
    },
    Tactic {
        id: "TA0011",
        name: "Command and Control",
        short_name: "command-and-control",
    },
    Tactic {
        id: "TA0010",
        name: "Exfiltration",
        short_name: "exfiltration",
    },
    Tactic {
        id: "TA0040",
        name: "Impact",
        short_name: "impact",
    },
];

/// Tactics and techniques named by a rule's tags.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttackTags {
    pub tactics: Vec<Tactic>,
    /// Technique ids in ATT&CK's spelling: `T1098`, `T1098.001`.
    pub techniques: Vec<String>,
}

/// Reads the `attack.*` tags of a rule; other namespaces are ignored.
pub fn parse_attack_tags<S: AsRef<str>>(tags: &[S]) -> AttackTags {
    let mut out = AttackTags::default();
    for tag in tags {
        let Some(rest) = strip_prefix_ignore_case(tag.as_ref().trim(), "attack.") else {
            continue;
        };
        if is_technique_id(rest) {
            let id = rest.to_ascii_uppercase();
            if !out.techniques.contains(&id) {
                out.techniques.push(id);
            }
            continue;
        }
        let normalized = rest.to_ascii_lowercase().replace('_', "-");
        let found = TACTICS
            .iter()
            .find(|t| t.short_name == normalized || t.id.eq_ignore_ascii_case(rest));
        if let Some(tactic) = found {
            if !out.tactics.contains(tactic) {
                out.tactics.push(*tactic);
            }
        }
    }
    out.tactics.sort();
    out
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

fn is_technique_id(text: &str) -> bool {
    let b = text.as_bytes();
    let digits = |s: &[u8]| !s.is_empty() && s.iter().all(u8::is_ascii_digit);
    match b {
        [b't' | b'T', rest @ ..] => match rest.iter().position(|&c| c == b'.') {
            Some(dot) => digits(&rest[..dot]) && digits(&rest[dot + 1..]),
            None => digits(rest),
        },
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_tactics_and_techniques_from_tags() {
        let tags = parse_attack_tags(&[
            "attack.persistence",
            "attack.t1098.001",
            "attack.defense_evasion",
            "attack.T1562",
            "cve.2021-1234",
            "attack.g0016",
        ]);
        let names: Vec<_> = tags.tactics.iter().map(|t| t.id).collect();
        assert_eq!(names, ["TA0003", "TA0005"]);
        assert_eq!(tags.techniques, ["T1098.001", "T1562"]);
    }
}

/// One ATT&CK Enterprise technique of the embedded table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Technique {
    pub id: &'static str,
    pub name: &'static str,
    /// Tactic short names (`persistence`, `defense-evasion`).
    pub tactics: Vec<&'static str>,
}

/// The ATT&CK Enterprise table Parapet ships (`data/attack-enterprise.tsv`,
/// compacted from MITRE's by `scripts/attack_table.py`; see
/// `data/attack-LICENSE.txt`).
pub const ATTACK_TABLE: &str = include_str!("../data/attack-enterprise.tsv");

/// The techniques of [`ATTACK_TABLE`], and the version line it came from.
pub fn attack_techniques() -> (&'static str, Vec<Technique>) {
    let mut version = "";
    let mut techniques = Vec::new();
    for line in ATTACK_TABLE.lines() {
        if let Some(comment) = line.strip_prefix("# ") {
            if version.is_empty() {
                version = comment;
            }
            continue;
        }
        let mut cells = line.split('\t');
        let (Some(id), Some(name), tactics) = (cells.next(), cells.next(), cells.next()) else {
            continue;
        };
        techniques.push(Technique {
            id,
            name,
            tactics: tactics
                .unwrap_or_default()
                .split(',')
                .filter(|t| !t.is_empty())
                .collect(),
        });
    }
    (version, techniques)
}

/// Tactic by its short name (`credential-access`).
pub fn tactic_by_short_name(short: &str) -> Option<Tactic> {
    TACTICS.iter().copied().find(|t| t.short_name == short)
}

/// True for `T1234` and `T1234.001`.
pub fn is_attack_technique_id(text: &str) -> bool {
    is_technique_id(text)
}

#[cfg(test)]
mod table_tests {
    use super::*;

    #[test]
    fn embedded_table_has_the_techniques_and_their_tactics() {
        let (version, techniques) = attack_techniques();
        assert!(version.contains("ATT&CK Enterprise"), "{version}");
        assert!(techniques.len() > 600);
        let valid = techniques.iter().find(|t| t.id == "T1078.004").unwrap();
        assert_eq!(valid.name, "Cloud Accounts");
        assert!(valid.tactics.contains(&"initial-access"));
        for t in &techniques {
            assert!(is_attack_technique_id(t.id), "{}", t.id);
            assert!(
                t.tactics.iter().all(|s| tactic_by_short_name(s).is_some()),
                "{}",
                t.id
            );
        }
    }
}
