//! The offline advisory database: one SQLite file (`vuln.db`), each
//! advisory's compact body with an index of the packages it names. The
//! store does not read bodies: the vulnerability engine encodes them.

use std::path::Path;

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::StoreError;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS advisories (
    id TEXT PRIMARY KEY,
    modified TEXT NOT NULL,
    withdrawn INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    body BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS advisory_packages (
    ecosystem TEXT NOT NULL,
    name TEXT NOT NULL,
    advisory_id TEXT NOT NULL REFERENCES advisories(id) ON DELETE CASCADE,
    PRIMARY KEY (ecosystem, name, advisory_id)
);
CREATE INDEX IF NOT EXISTS advisory_packages_advisory ON advisory_packages(advisory_id);
";

/// One advisory as stored.
#[derive(Debug, Clone)]
pub struct AdvisoryRow {
    pub id: String,
    pub modified: String,
    pub withdrawn: bool,
    /// (ecosystem without its release, name) pairs the advisory names.
    pub packages: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UpsertCounts {
    pub added: usize,
    pub updated: usize,
    /// Already stored with the same or a newer `modified`.
    pub unchanged: usize,
}

/// Per-ecosystem figures for `vuln-db status`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EcosystemStatus {
    pub ecosystem: String,
    pub advisories: u64,
    pub withdrawn: u64,
    /// The newest `modified` among its advisories.
    pub newest_modified: String,
    /// When the last of its advisories was imported.
    pub imported_at: String,
}

pub struct AdvisoryDb {
    conn: Connection,
}

impl AdvisoryDb {
    /// Opens (creating) the advisory database at `path`.
    pub fn open(path: &Path) -> Result<AdvisoryDb, StoreError> {
        Ok(AdvisoryDb {
            conn: crate::snapshots::open_database(path, &[SCHEMA])?,
        })
    }

    /// Adds or replaces advisories in one transaction; an advisory already
    /// stored with the same or a newer `modified` is kept.
    pub fn upsert(
        &mut self,
        rows: &[AdvisoryRow],
        imported_at: &str,
    ) -> Result<UpsertCounts, StoreError> {
        let mut counts = UpsertCounts::default();
        let tx = self.conn.transaction()?;
        {
            let mut stored = tx.prepare_cached("SELECT modified FROM advisories WHERE id = ?1")?;
            let mut delete = tx.prepare_cached("DELETE FROM advisories WHERE id = ?1")?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO advisories (id, modified, withdrawn, imported_at, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            let mut insert_package = tx.prepare_cached(
                "INSERT OR IGNORE INTO advisory_packages (ecosystem, name, advisory_id) VALUES (?1, ?2, ?3)",
            )?;
            for row in rows {
                let previous: Option<String> =
                    stored.query_row(params![row.id], |r| r.get(0)).optional()?;
                match previous {
                    Some(ref modified) if modified.as_str() >= row.modified.as_str() => {
                        counts.unchanged += 1;
                        continue;
                    }
                    Some(_) => {
                        delete.execute(params![row.id])?;
                        counts.updated += 1;
                    }
                    None => counts.added += 1,
                }
                insert.execute(params![
                    row.id,
                    row.modified,
                    row.withdrawn,
                    imported_at,
                    row.body
                ])?;
                for (ecosystem, name) in &row.packages {
                    insert_package.execute(params![ecosystem, name, row.id])?;
                }
            }
        }
        tx.commit()?;
        Ok(counts)
    }

    /// The bodies of every advisory that is not withdrawn and names a
    /// package in one of `ecosystems` (all when empty).
    pub fn bodies(&self, ecosystems: &[String]) -> Result<Vec<Vec<u8>>, StoreError> {
        let mut out = Vec::new();
        if ecosystems.is_empty() {
            let mut query = self
                .conn
                .prepare("SELECT body FROM advisories WHERE withdrawn = 0 ORDER BY id")?;
            for body in query.query_map([], |r| r.get(0))? {
                out.push(body?);
            }
            return Ok(out);
        }
        let mut query = self.conn.prepare(
            "SELECT body FROM advisories WHERE withdrawn = 0 AND id IN
               (SELECT advisory_id FROM advisory_packages WHERE ecosystem = ?1) ORDER BY id",
        )?;
        let mut seen = std::collections::HashSet::new();
        for ecosystem in ecosystems {
            if !seen.insert(ecosystem) {
                continue;
            }
            for body in query.query_map(params![ecosystem], |r| r.get(0))? {
                out.push(body?);
            }
        }
        Ok(out)
    }

    /// Per-ecosystem counts, sorted by ecosystem.
    pub fn status(&self) -> Result<Vec<EcosystemStatus>, StoreError> {
        let mut query = self.conn.prepare(
            "SELECT p.ecosystem,
                    COUNT(DISTINCT CASE WHEN a.withdrawn = 0 THEN a.id END),
                    COUNT(DISTINCT CASE WHEN a.withdrawn = 1 THEN a.id END),
                    MAX(a.modified), MAX(a.imported_at)
               FROM advisory_packages p JOIN advisories a ON a.id = p.advisory_id
              GROUP BY p.ecosystem ORDER BY p.ecosystem",
        )?;
        let rows = query.query_map([], |r| {
            Ok(EcosystemStatus {
                ecosystem: r.get(0)?,
                advisories: r.get::<_, i64>(1)? as u64,
                withdrawn: r.get::<_, i64>(2)? as u64,
                newest_modified: r.get(3)?,
                imported_at: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// How many advisories are stored (withdrawn included).
    pub fn count(&self) -> Result<u64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COUNT(*) FROM advisories", [], |r| {
                r.get::<_, i64>(0)
            })? as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, modified: &str, ecosystem: &str) -> AdvisoryRow {
        AdvisoryRow {
            id: id.into(),
            modified: modified.into(),
            withdrawn: false,
            packages: vec![(ecosystem.into(), "pkg".into())],
            body: format!("{id}@{modified}").into_bytes(),
        }
    }

    #[test]
    fn newer_modified_replaces_older_is_kept() {
        let dir = tempfile::tempdir().unwrap();
        let mut db = AdvisoryDb::open(&dir.path().join("vuln.db")).unwrap();
        let first = db
            .upsert(
                &[row("A", "2024-01-01", "npm"), row("B", "2024-01-01", "Go")],
                "t1",
            )
            .unwrap();
        assert_eq!(
            first,
            UpsertCounts {
                added: 2,
                updated: 0,
                unchanged: 0
            }
        );
        let again = db
            .upsert(
                &[row("A", "2024-01-01", "npm"), row("B", "2025-01-01", "Go")],
                "t2",
            )
            .unwrap();
        assert_eq!(
            again,
            UpsertCounts {
                added: 0,
                updated: 1,
                unchanged: 1
            }
        );
        assert_eq!(
            db.bodies(&["Go".into()]).unwrap(),
            [b"B@2025-01-01".to_vec()]
        );
        assert_eq!(db.bodies(&[]).unwrap().len(), 2);
        let status = db.status().unwrap();
        assert_eq!(status.len(), 2);
        assert_eq!(
            (status[0].ecosystem.as_str(), status[0].imported_at.as_str()),
            ("Go", "t2")
        );
        assert_eq!(db.count().unwrap(), 2);
    }
}
