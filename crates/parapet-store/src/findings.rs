//! Posture findings over time: one row per rule and resource with when it
//! was first and last seen failing and when it was resolved; mutes with a
//! reason and an expiry (never open-ended).

use parapet_core::{CheckStatus, Finding, Timestamp};
use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::snapshots::Store;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS findings (
    rule_id TEXT NOT NULL,
    resource_uid TEXT NOT NULL,
    account TEXT NOT NULL,
    region TEXT NOT NULL,
    kind TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    resolved_at TEXT,
    body TEXT NOT NULL,
    PRIMARY KEY (rule_id, resource_uid)
);
CREATE INDEX IF NOT EXISTS findings_state ON findings(state, account);
CREATE TABLE IF NOT EXISTS mutes (
    id INTEGER PRIMARY KEY,
    rule_id TEXT NOT NULL,
    resource TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
";

/// Seconds precision, so stored times compare as text.
pub fn stamp(time: Timestamp) -> String {
    Timestamp(time.0 - time.0.rem_euclid(1000)).to_string()
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mute {
    pub id: i64,
    /// A rule id, or `*` for every rule.
    pub rule_id: String,
    /// A resource uid, a prefix ending in `*`, or `*`.
    pub resource: String,
    pub reason: String,
    pub created_at: String,
    pub expires_at: String,
}

impl Mute {
    pub fn covers(&self, finding: &Finding) -> bool {
        let rule = self.rule_id == "*" || self.rule_id == finding.rule_id;
        let uid = &finding.resource.uid;
        let resource = match self.resource.strip_suffix('*') {
            Some(prefix) => uid.starts_with(prefix),
            None => &self.resource == uid,
        };
        rule && resource
    }
}

/// What a scan looked at: open findings inside it that the scan did not
/// report failing are resolved; those outside are left alone.
#[derive(Debug, Clone, Default)]
pub struct ScanScope {
    pub rules: Vec<String>,
    pub accounts: Vec<String>,
    /// Only these resources (an event-driven re-scan); None: all of them.
    pub resources: Option<std::collections::HashSet<String>>,
}

/// What recording a scan changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScanChanges {
    pub new: usize,
    pub still_failing: usize,
    pub reopened: usize,
    pub resolved: usize,
}

#[derive(Debug, Clone)]
pub struct StoredFinding {
    pub finding: Finding,
    /// `open` or `resolved`.
    pub state: String,
    pub last_seen: String,
    pub resolved_at: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct FindingFilter {
    /// `open`, `resolved`, or None for both.
    pub state: Option<String>,
    pub rule_id: Option<String>,
    pub account: Option<String>,
}

impl Store {
    /// Records one scan's findings: failures open or stay open (first seen
    /// kept), earlier failures of the scanned accounts and rules that now
    /// pass or whose resource is gone are resolved; UNKNOWN changes nothing.
    /// Sets `first_seen` and `muted` on the findings passed in.
    pub fn record_scan(
        &mut self,
        findings: &mut [Finding],
        scope: &ScanScope,
        now: Timestamp,
    ) -> Result<ScanChanges, StoreError> {
        let now = stamp(now);
        let mutes = self.active_mutes_at(&now)?;
        let tx = self.conn.transaction()?;
        let mut changes = ScanChanges::default();
        let mut seen = std::collections::HashSet::new();
        for finding in findings.iter_mut() {
            finding.muted = mutes
                .iter()
                .find(|m| m.covers(finding))
                .map(|m| m.reason.clone());
            let key = (finding.rule_id.clone(), finding.resource.uid.clone());
            if finding.status == CheckStatus::Unknown {
                seen.insert(key);
                continue;
            }
            if finding.status == CheckStatus::Pass {
                continue;
            }
            seen.insert(key);
            let previous: Option<(String, String)> = tx
                .query_row(
                    "SELECT state, first_seen FROM findings WHERE rule_id = ?1 AND resource_uid = ?2",
                    params![finding.rule_id, finding.resource.uid],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?;
            let first_seen = match &previous {
                Some((state, first)) if state == "open" => {
                    changes.still_failing += 1;
                    first.clone()
                }
                Some(_) => {
                    changes.reopened += 1;
                    now.clone()
                }
                None => {
                    changes.new += 1;
                    now.clone()
                }
            };
            finding.first_seen = Some(first_seen.clone());
            let body = sonic_rs::to_string(&*finding).map_err(|e| StoreError::Encode {
                uid: finding.resource.uid.clone(),
                reason: e.to_string(),
            })?;
            tx.execute(
                "INSERT OR REPLACE INTO findings (rule_id, resource_uid, account, region, kind, severity, state, first_seen, last_seen, resolved_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'open', ?7, ?8, NULL, ?9)",
                params![
                    finding.rule_id,
                    finding.resource.uid,
                    finding.resource.account,
                    finding.resource.region,
                    finding.resource.kind,
                    finding.severity.as_str(),
                    first_seen,
                    now,
                    body
                ],
            )?;
        }
        let open: Vec<(String, String, String)> = {
            let mut query = tx.prepare(
                "SELECT rule_id, resource_uid, account FROM findings WHERE state = 'open'",
            )?;
            let rows = query.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<Result<_, _>>()?
        };
        for (rule, uid, account) in open {
            let in_scope = scope.rules.contains(&rule)
                && scope.accounts.contains(&account)
                && scope.resources.as_ref().is_none_or(|r| r.contains(&uid));
            if in_scope && !seen.contains(&(rule.clone(), uid.clone())) {
                tx.execute(
                    "UPDATE findings SET state = 'resolved', resolved_at = ?3 WHERE rule_id = ?1 AND resource_uid = ?2",
                    params![rule, uid, now],
                )?;
                changes.resolved += 1;
            }
        }
        tx.commit()?;
        Ok(changes)
    }

    pub fn findings(&self, filter: &FindingFilter) -> Result<Vec<StoredFinding>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT body, state, last_seen, resolved_at FROM findings
             WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR rule_id = ?2) AND (?3 IS NULL OR account = ?3)
             ORDER BY rule_id, resource_uid",
        )?;
        let rows = query.query_map(params![filter.state, filter.rule_id, filter.account], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (body, state, last_seen, resolved_at) = row?;
            let finding: Finding = sonic_rs::from_str(&body).map_err(|e| StoreError::Corrupt {
                snapshot: 0,
                uid: "finding".into(),
                reason: e.to_string(),
            })?;
            out.push(StoredFinding {
                finding,
                state,
                last_seen,
                resolved_at,
            });
        }
        Ok(out)
    }

    /// Adds a mute; `expires_at` must be in the future.
    pub fn add_mute(
        &self,
        rule_id: &str,
        resource: &str,
        reason: &str,
        expires_at: Timestamp,
        now: Timestamp,
    ) -> Result<i64, StoreError> {
        if reason.trim().is_empty() {
            return Err(StoreError::Invalid("a mute needs a reason".into()));
        }
        if expires_at <= now {
            return Err(StoreError::Invalid(format!(
                "the expiry {} is not in the future",
                stamp(expires_at)
            )));
        }
        self.conn.execute(
            "INSERT INTO mutes (rule_id, resource, reason, created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![rule_id, resource, reason.trim(), stamp(now), stamp(expires_at)],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    pub fn remove_mute(&self, id: i64) -> Result<bool, StoreError> {
        Ok(self.conn.execute("DELETE FROM mutes WHERE id = ?1", [id])? > 0)
    }

    /// Mutes in force at `now` (None: every mute, expired ones too).
    pub fn mutes(&self, now: Option<Timestamp>) -> Result<Vec<Mute>, StoreError> {
        match now {
            Some(now) => self.active_mutes_at(&stamp(now)),
            // Every expiry is after the start of time.
            None => self.active_mutes_at(""),
        }
    }

    fn active_mutes_at(&self, now: &str) -> Result<Vec<Mute>, StoreError> {
        self.query_mutes(
            "SELECT id, rule_id, resource, reason, created_at, expires_at FROM mutes WHERE expires_at > ?1 ORDER BY id",
            now,
        )
    }

    fn query_mutes(&self, sql: &str, now: &str) -> Result<Vec<Mute>, StoreError> {
        let mut query = self.conn.prepare(sql)?;
        let rows = query.query_map([now], |r| {
            Ok(Mute {
                id: r.get(0)?,
                rule_id: r.get(1)?,
                resource: r.get(2)?,
                reason: r.get(3)?,
                created_at: r.get(4)?,
                expires_at: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use parapet_core::{Level, Provider, ResourceRef};

    use super::*;

    fn finding(rule: &str, uid: &str, status: CheckStatus) -> Finding {
        Finding {
            rule_id: rule.into(),
            title: "t".into(),
            severity: Level::High,
            status,
            resource: ResourceRef {
                uid: uid.into(),
                kind: "aws.s3.bucket".into(),
                name: uid.into(),
                provider: Provider::Aws,
                account: "1".into(),
                region: "us-east-1".into(),
            },
            evidence: "e".into(),
            location: None,
            first_seen: None,
            muted: None,
        }
    }

    const DAY: i64 = 86_400_000;

    #[test]
    fn failures_open_stay_resolve_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let scope = ScanScope {
            rules: vec!["R-1".to_string()],
            accounts: vec!["1".to_string()],
            resources: None,
        };
        let t0 = Timestamp(1_780_000_000_000);
        let mut scan = vec![
            finding("R-1", "a", CheckStatus::Fail),
            finding("R-1", "b", CheckStatus::Fail),
        ];
        let changes = store.record_scan(&mut scan, &scope, t0).unwrap();
        assert_eq!((changes.new, changes.resolved), (2, 0));

        // a passes now, b still fails: a resolved, b keeps its first sighting.
        let mut scan = vec![
            finding("R-1", "a", CheckStatus::Pass),
            finding("R-1", "b", CheckStatus::Fail),
        ];
        let changes = store
            .record_scan(&mut scan, &scope, Timestamp(t0.0 + DAY))
            .unwrap();
        assert_eq!((changes.still_failing, changes.resolved), (1, 1));
        assert_eq!(scan[1].first_seen.as_deref(), Some(stamp(t0).as_str()));

        // UNKNOWN on b changes nothing; a fails again: reopened.
        let mut scan = vec![
            finding("R-1", "a", CheckStatus::Fail),
            finding("R-1", "b", CheckStatus::Unknown),
        ];
        let changes = store
            .record_scan(&mut scan, &scope, Timestamp(t0.0 + 2 * DAY))
            .unwrap();
        assert_eq!((changes.reopened, changes.resolved), (1, 0));
        let open = store
            .findings(&FindingFilter {
                state: Some("open".into()),
                ..FindingFilter::default()
            })
            .unwrap();
        assert_eq!(open.len(), 2);

        // Another account's scan, or a scan of other resources, leaves these alone.
        let other = ScanScope {
            accounts: vec!["2".to_string()],
            ..scope.clone()
        };
        let changes = store
            .record_scan(&mut [], &other, Timestamp(t0.0 + 3 * DAY))
            .unwrap();
        assert_eq!(changes.resolved, 0);
        let narrow = ScanScope {
            resources: Some(["b".to_string()].into_iter().collect()),
            ..scope.clone()
        };
        let changes = store
            .record_scan(&mut [], &narrow, Timestamp(t0.0 + 4 * DAY))
            .unwrap();
        assert_eq!(changes.resolved, 1, "only b was in scope");
    }

    #[test]
    fn mutes_need_a_reason_and_a_future_expiry_and_then_expire() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let now = Timestamp(1_780_000_000_000);
        assert!(store
            .add_mute("R-1", "*", " ", Timestamp(now.0 + DAY), now)
            .is_err());
        assert!(store.add_mute("R-1", "*", "why", now, now).is_err());
        store
            .add_mute(
                "R-1",
                "arn:aws:s3:::logs*",
                "log buckets",
                Timestamp(now.0 + DAY),
                now,
            )
            .unwrap();
        let mut scan = vec![
            finding("R-1", "arn:aws:s3:::logs-eu", CheckStatus::Fail),
            finding("R-1", "arn:aws:s3:::data", CheckStatus::Fail),
        ];
        let scope = ScanScope {
            rules: vec!["R-1".into()],
            accounts: vec!["1".into()],
            resources: None,
        };
        store.record_scan(&mut scan, &scope, now).unwrap();
        assert_eq!(scan[0].muted.as_deref(), Some("log buckets"));
        assert_eq!(scan[1].muted, None);
        let later = Timestamp(now.0 + 2 * DAY);
        assert!(store.mutes(Some(later)).unwrap().is_empty());
        assert_eq!(store.mutes(None).unwrap().len(), 1);
    }
}
