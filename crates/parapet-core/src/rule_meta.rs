use crate::{AttackTags, Level};

/// What an alert says about the rule that raised it. Sigma's Detection Rule
/// License requires the author and license to travel with every alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleMeta {
    pub id: String,
    pub title: String,
    pub level: Level,
    pub status: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub license: Option<String>,
    pub references: Vec<String>,
    pub tags: Vec<String>,
    pub attack: AttackTags,
    pub falsepositives: Vec<String>,
    /// Where the rule was loaded from: a path, or `bundled:<name>`.
    pub source: String,
}
