//! Cases: alerts grouped by identity or resource, their status, assignee,
//! notes and a timeline of everything that happened; playbook runs and the
//! audit trail of every response action.

use rusqlite::{params, OptionalExtension};

use crate::error::StoreError;
use crate::snapshots::Store;

pub(crate) const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS cases (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL,
    assignee TEXT,
    identity TEXT,
    resource TEXT,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    last_alert INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS case_alerts (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    rule_id TEXT NOT NULL,
    event_id TEXT NOT NULL,
    time TEXT NOT NULL,
    alert TEXT NOT NULL,
    UNIQUE (rule_id, event_id)
);
CREATE TABLE IF NOT EXISTS case_timeline (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS runs (
    id TEXT PRIMARY KEY,
    case_id INTEGER REFERENCES cases(id),
    playbook TEXT NOT NULL,
    status TEXT NOT NULL,
    execute INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    context TEXT NOT NULL,
    report TEXT NOT NULL,
    approved TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    time TEXT NOT NULL,
    who TEXT NOT NULL,
    run_id TEXT NOT NULL,
    step TEXT NOT NULL,
    action TEXT NOT NULL,
    phase TEXT NOT NULL,
    dry_run INTEGER NOT NULL,
    result TEXT,
    record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS case_alerts_case ON case_alerts(case_id);
CREATE INDEX IF NOT EXISTS audit_run ON audit(run_id);
";

pub const CASE_STATUSES: &[&str] = &["new", "triage", "contained", "resolved", "false_positive"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub severity: String,
    pub assignee: Option<String>,
    pub identity: Option<String>,
    pub resource: Option<String>,
    pub opened_at: String,
    pub updated_at: String,
    /// Milliseconds since the epoch of its latest alert.
    pub last_alert: i64,
    pub alerts: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimelineEntry {
    pub time: String,
    pub kind: String,
    pub actor: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunRow {
    pub id: String,
    pub case_id: Option<i64>,
    pub playbook: String,
    pub status: String,
    pub execute: bool,
    pub started_at: String,
    pub updated_at: String,
    pub context: String,
    pub report: String,
    pub approved: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditRow {
    pub time: String,
    pub who: String,
    pub run_id: String,
    pub step: String,
    pub action: String,
    pub phase: String,
    pub dry_run: bool,
    pub result: Option<String>,
    pub record: String,
}

/// A new alert for a case.
pub struct NewAlert<'a> {
    pub rule_id: &'a str,
    pub event_id: &'a str,
    pub time: &'a str,
    pub time_ms: i64,
    pub severity: &'a str,
    pub json: &'a str,
}

fn severity_rank(level: &str) -> u8 {
    match level {
        "critical" => 4,
        "high" => 3,
        "medium" => 2,
        "low" => 1,
        _ => 0,
    }
}

const CASE_COLUMNS: &str = "c.id, c.title, c.status, c.severity, c.assignee, c.identity, c.resource, c.opened_at, c.updated_at, c.last_alert, (SELECT COUNT(*) FROM case_alerts a WHERE a.case_id = c.id)";

fn case_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<CaseRow> {
    Ok(CaseRow {
        id: r.get(0)?,
        title: r.get(1)?,
        status: r.get(2)?,
        severity: r.get(3)?,
        assignee: r.get(4)?,
        identity: r.get(5)?,
        resource: r.get(6)?,
        opened_at: r.get(7)?,
        updated_at: r.get(8)?,
        last_alert: r.get(9)?,
        alerts: r.get::<_, i64>(10)? as u64,
    })
}

impl Store {
    /// Cases not resolved nor false positives, for grouping.
    pub fn open_cases(&self) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.status NOT IN ('resolved', 'false_positive') ORDER BY c.id");
        let mut query = self.conn.prepare(&sql)?;
        let rows = query.query_map([], case_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Cases, newest first; only those with `status` when given.
    pub fn cases(&self, status: Option<&str>) -> Result<Vec<CaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE ?1 IS NULL OR c.status = ?1 ORDER BY c.id DESC");
        let mut query = self.conn.prepare(&sql)?;
        let rows = query.query_map(params![status], case_row)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn case(&self, id: i64) -> Result<CaseRow, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM cases c WHERE c.id = ?1");
        self.conn
            .query_row(&sql, params![id], case_row)
            .optional()?
            .ok_or_else(|| {
                StoreError::Invalid(format!("case {id} not found; see `parapet case list`"))
            })
    }

    pub fn create_case(
        &mut self,
        title: &str,
        identity: Option<&str>,
        resource: Option<&str>,
        now: &str,
    ) -> Result<i64, StoreError> {
        self.conn.execute(
            "INSERT INTO cases (title, status, severity, identity, resource, opened_at, updated_at, last_alert) VALUES (?1, 'new', 'informational', ?2, ?3, ?4, ?4, 0)",
            params![title, identity, resource, now],
        )?;
        let id = self.conn.last_insert_rowid();
        self.add_timeline(id, "opened", "parapet", title, now)?;
        Ok(id)
    }

    /// Adds an alert to a case (once: the same rule on the same event is
    /// kept once); returns whether it was new.
    pub fn add_case_alert(
        &mut self,
        case_id: i64,
        alert: &NewAlert<'_>,
        now: &str,
    ) -> Result<bool, StoreError> {
        let added = self.conn.execute(
            "INSERT OR IGNORE INTO case_alerts (case_id, rule_id, event_id, time, alert) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![case_id, alert.rule_id, alert.event_id, alert.time, alert.json],
        )? == 1;
        if !added {
            return Ok(false);
        }
        let case = self.case(case_id)?;
        let severity = if severity_rank(alert.severity) > severity_rank(&case.severity) {
            alert.severity
        } else {
            case.severity.as_str()
        };
        self.conn.execute(
            "UPDATE cases SET severity = ?2, updated_at = ?3, last_alert = MAX(last_alert, ?4) WHERE id = ?1",
            params![case_id, severity, now, alert.time_ms],
        )?;
        self.add_timeline(
            case_id,
            "alert",
            "parapet",
            &format!(
                "{} on event {} at {}",
                alert.rule_id, alert.event_id, alert.time
            ),
            now,
        )?;
        Ok(true)
    }

    pub fn case_alerts(&self, case_id: i64) -> Result<Vec<String>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT alert FROM case_alerts WHERE case_id = ?1 ORDER BY time, rowid")?;
        let rows = query.query_map(params![case_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_timeline(
        &mut self,
        case_id: i64,
        kind: &str,
        actor: &str,
        text: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO case_timeline (case_id, time, kind, actor, text) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![case_id, now, kind, actor, text],
        )?;
        Ok(())
    }

    pub fn timeline(&self, case_id: i64) -> Result<Vec<TimelineEntry>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT time, kind, actor, text FROM case_timeline WHERE case_id = ?1 ORDER BY id",
        )?;
        let rows = query.query_map(params![case_id], |r| {
            Ok(TimelineEntry {
                time: r.get(0)?,
                kind: r.get(1)?,
                actor: r.get(2)?,
                text: r.get(3)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Sets status and/or assignee and/or adds a note, each on the timeline.
    pub fn update_case(
        &mut self,
        id: i64,
        status: Option<&str>,
        assignee: Option<&str>,
        note: Option<&str>,
        who: &str,
        now: &str,
    ) -> Result<(), StoreError> {
        let case = self.case(id)?;
        if let Some(status) = status {
            if !CASE_STATUSES.contains(&status) {
                return Err(StoreError::Invalid(format!(
                    "status `{status}`: expected one of {}",
                    CASE_STATUSES.join(", ")
                )));
            }
            self.conn.execute(
                "UPDATE cases SET status = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, status, now],
            )?;
            self.add_timeline(
                id,
                "status",
                who,
                &format!("{} -> {status}", case.status),
                now,
            )?;
        }
        if let Some(assignee) = assignee {
            self.conn.execute(
                "UPDATE cases SET assignee = ?2, updated_at = ?3 WHERE id = ?1",
                params![id, assignee, now],
            )?;
            self.add_timeline(id, "assignee", who, &format!("assigned to {assignee}"), now)?;
        }
        if let Some(note) = note {
            self.conn.execute(
                "UPDATE cases SET updated_at = ?2 WHERE id = ?1",
                params![id, now],
            )?;
            self.add_timeline(id, "note", who, note, now)?;
        }
        Ok(())
    }

    pub fn save_run(&mut self, run: &RunRow) -> Result<(), StoreError> {
        let approved = sonic_rs::to_string(&run.approved).unwrap_or_else(|_| "[]".into());
        self.conn.execute(
            "INSERT INTO runs (id, case_id, playbook, status, execute, started_at, updated_at, context, report, approved)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(id) DO UPDATE SET status = ?4, execute = ?5, updated_at = ?7, report = ?9, approved = ?10",
            params![run.id, run.case_id, run.playbook, run.status, run.execute, run.started_at, run.updated_at, run.context, run.report, approved],
        )?;
        Ok(())
    }

    pub fn run(&self, id: &str) -> Result<RunRow, StoreError> {
        self.conn
            .query_row(
                "SELECT id, case_id, playbook, status, execute, started_at, updated_at, context, report, approved FROM runs WHERE id = ?1",
                params![id],
                |r| {
                    let approved: String = r.get(9)?;
                    Ok(RunRow {
                        id: r.get(0)?,
                        case_id: r.get(1)?,
                        playbook: r.get(2)?,
                        status: r.get(3)?,
                        execute: r.get(4)?,
                        started_at: r.get(5)?,
                        updated_at: r.get(6)?,
                        context: r.get(7)?,
                        report: r.get(8)?,
                        approved: sonic_rs::from_str(&approved).unwrap_or_default(),
                    })
                },
            )
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("run `{id}` not found; see `parapet case show CASE`")))
    }

    pub fn runs_of_case(&self, case_id: i64) -> Result<Vec<String>, StoreError> {
        let mut query = self
            .conn
            .prepare("SELECT id FROM runs WHERE case_id = ?1 ORDER BY started_at, id")?;
        let rows = query.query_map(params![case_id], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn add_audit(&mut self, row: &AuditRow) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO audit (time, who, run_id, step, action, phase, dry_run, result, record) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![row.time, row.who, row.run_id, row.step, row.action, row.phase, row.dry_run, row.result, row.record],
        )?;
        Ok(())
    }

    pub fn audit_of_run(&self, run_id: &str) -> Result<Vec<AuditRow>, StoreError> {
        let mut query = self.conn.prepare("SELECT time, who, run_id, step, action, phase, dry_run, result, record FROM audit WHERE run_id = ?1 ORDER BY id")?;
        let rows = query.query_map(params![run_id], |r| {
            Ok(AuditRow {
                time: r.get(0)?,
                who: r.get(1)?,
                run_id: r.get(2)?,
                step: r.get(3)?,
                action: r.get(4)?,
                phase: r.get(5)?,
                dry_run: r.get(6)?,
                result: r.get(7)?,
                record: r.get(8)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_collect_alerts_once_and_keep_a_timeline() {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(&dir.path().join("p.db")).unwrap();
        let id = store
            .create_case("Backdoor user", Some("arn:a"), Some("bob"), "t0")
            .unwrap();
        let alert = |event: &'static str, severity: &'static str| NewAlert {
            rule_id: "r1",
            event_id: event,
            time: "2024-01-01T00:00:00Z",
            time_ms: 1_704_067_200_000,
            severity,
            json: "{}",
        };
        assert!(store
            .add_case_alert(id, &alert("e1", "medium"), "t1")
            .unwrap());
        assert!(
            !store
                .add_case_alert(id, &alert("e1", "medium"), "t1")
                .unwrap(),
            "same rule, same event"
        );
        assert!(store
            .add_case_alert(id, &alert("e2", "high"), "t2")
            .unwrap());
        store
            .update_case(
                id,
                Some("triage"),
                Some("alice"),
                Some("looking"),
                "alice",
                "t3",
            )
            .unwrap();
        let err = store
            .update_case(id, Some("closed"), None, None, "alice", "t4")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("expected one of new, triage, contained, resolved, false_positive"),
            "{err}"
        );
        let case = store.case(id).unwrap();
        assert_eq!(
            (
                case.severity.as_str(),
                case.status.as_str(),
                case.alerts,
                case.assignee.as_deref()
            ),
            ("high", "triage", 2, Some("alice"))
        );
        let kinds: Vec<String> = store
            .timeline(id)
            .unwrap()
            .into_iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(
            kinds,
            ["opened", "alert", "alert", "status", "assignee", "note"]
        );
        assert_eq!(store.open_cases().unwrap().len(), 1);
        store
            .update_case(id, Some("resolved"), None, None, "alice", "t5")
            .unwrap();
        assert!(store.open_cases().unwrap().is_empty());
        assert!(store.case(99).is_err());
    }
}
