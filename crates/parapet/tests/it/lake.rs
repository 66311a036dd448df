//! `parapet ingest` and `parapet hunt` on the bundled CloudTrail sample:
//! idempotent ingest, crash recovery, malformed input, and DuckDB reading
//! the same lake.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::{parapet, run};

fn sample() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../samples/cloudtrail")
}

fn ingest(lake: &Path, input: &Path) -> Output {
    run(parapet().arg("ingest").arg(input).arg("--lake").arg(lake))
}

/// `events written` of an ingest summary.
fn written(out: &Output) -> u64 {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let summary = stderr
        .lines()
        .find(|l| l.contains("events written"))
        .unwrap_or_else(|| panic!("no summary in {stderr}"));
    summary
        .split("; ")
        .nth(1)
        .and_then(|part| part.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary}"))
}

fn hunt_csv(lake: &Path, sql: &str) -> String {
    let out = run(parapet()
        .args(["hunt", "--format", "csv", sql, "--lake"])
        .arg(lake));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn count(lake: &Path) -> u64 {
    let csv = hunt_csv(lake, "SELECT count(*) AS n FROM events");
    csv.lines()
        .nth(1)
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("{csv}"))
}

fn parquet_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            parquet_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn ingesting_twice_adds_nothing_and_hunts_count_every_event() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path().join("lake");
    let first = ingest(&lake, &sample());
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let events = written(&first);
    assert!(events > 100, "{events}");
    assert_eq!(count(&lake), events);
    let again = ingest(&lake, &sample());
    assert_eq!(
        written(&again),
        0,
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already in the lake"));
    assert_eq!(count(&lake), events);
    // Hive partitions on disk, OCSF columns in the files.
    let mut files = Vec::new();
    parquet_files(&lake, &mut files);
    assert!(
        files.iter().all(|f| {
            let text = f.to_string_lossy();
            text.contains("/_parapet/")
                || (text.contains("/source=cloudtrail/account=")
                    && text.contains("/date=")
                    && text.ends_with(".parquet"))
        }),
        "{files:?}"
    );
    let by_service = hunt_csv(
        &lake,
        "SELECT api_service_name, count(*) AS n FROM events GROUP BY api_service_name ORDER BY n DESC, api_service_name LIMIT 3",
    );
    assert!(
        by_service.starts_with("api_service_name,n\n"),
        "{by_service}"
    );
    assert_eq!(by_service.lines().count(), 4, "{by_service}");
}

#[test]
fn partition_filters_read_only_their_files() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path().join("lake");
    ingest(&lake, &sample());
    let dates = hunt_csv(&lake, "SELECT DISTINCT date FROM events ORDER BY date");
    let day = dates.lines().nth(1).expect("a date").to_string();
    let plan = hunt_csv(
        &lake,
        &format!("EXPLAIN SELECT count(*) FROM events WHERE date = '{day}'"),
    );
    let mut files = Vec::new();
    parquet_files(&lake, &mut files);
    let other_days: Vec<_> = files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "parquet"))
        .filter(|f| !f.to_string_lossy().contains(&format!("date={day}")))
        .collect();
    assert!(!other_days.is_empty(), "the sample spans several days");
    for file in other_days {
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert!(
            !plan.contains(&name),
            "{name} is read for another day:\n{plan}"
        );
    }
}

#[test]
fn a_crash_between_rename_and_ledger_is_undone_by_the_next_ingest() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path().join("lake");
    let crashed = run(parapet()
        .env("PARAPET_TEST_CRASH_AFTER_RENAME", "1")
        .arg("ingest")
        .arg(sample())
        .arg("--lake")
        .arg(&lake));
    assert_eq!(crashed.status.code(), Some(75));
    assert!(lake.join("_parapet/pending.txt").exists());
    let rerun = ingest(&lake, &sample());
    assert_eq!(
        rerun.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&rerun.stderr)
    );
    let events = written(&rerun);
    assert!(events > 100);
    assert_eq!(count(&lake), events, "no duplicates after the rerun");
    let mut files = Vec::new();
    parquet_files(&lake, &mut files);
    assert!(
        files.iter().all(|f| !f.to_string_lossy().ends_with(".tmp")),
        "{files:?}"
    );
    assert!(!lake.join("_parapet/pending.txt").exists());
}

#[test]
fn malformed_records_are_counted_and_the_rest_ingested() {
    let home = tempfile::tempdir().unwrap();
    let lake = home.path().join("lake");
    let input = home.path().join("mixed.jsonl");
    std::fs::write(
        &input,
        concat!(
            r#"{"eventTime":"2024-05-01T10:00:00Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","eventID":"a","recipientAccountId":"111122223333"}"#,
            "\n{not json\n",
            r#"{"eventTime":"2024-05-01T10:00:01Z","eventName":"GetObject","eventSource":"s3.amazonaws.com","eventID":"a","recipientAccountId":"111122223333"}"#,
            "\n",
            r#"{"eventName":"NoTime","eventSource":"s3.amazonaws.com","eventID":"b"}"#,
            "\n",
            r#"{"eventTime":"2024-05-02T10:00:00Z","eventName":"PutObject","eventSource":"s3.amazonaws.com","eventID":"c","recipientAccountId":"111122223333"}"#,
            "\n"
        ),
    )
    .unwrap();
    let out = ingest(&lake, &input);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("mixed.jsonl:2"), "{stderr}");
    assert!(
        stderr.contains("2 events written, 1 duplicates skipped, 1 records unusable"),
        "{stderr}"
    );
    assert_eq!(count(&lake), 2);
}

#[test]
fn duckdb_reads_the_lake_unchanged_and_counts_the_same() {
    let python = crate::venv().join("bin/python");
    let home = tempfile::tempdir().unwrap();
    let lake = home.path().join("lake");
    ingest(&lake, &sample());
    let ours = hunt_csv(
        &lake,
        "SELECT account, api_operation, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5",
    );
    let script = format!(
        "import duckdb\nrows = duckdb.sql(\"SELECT account, api_operation, count(*) AS n FROM read_parquet('{}/**/*.parquet', hive_partitioning = true) GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 5\").fetchall()\nprint('account,api_operation,n')\nfor r in rows: print(','.join(str(x) for x in r))",
        lake.display()
    );
    let out = std::process::Command::new(&python)
        .args(["-c", &script])
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{}: {e} (run .ci/run to install duckdb into .venv)",
                python.display()
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), ours);
}
