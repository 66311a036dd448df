#!/usr/bin/env python3
"""The lake benchmark's hunts, side by side: `parapet hunt` over the lake,
DuckDB over the same lake, and DuckDB directly over the raw CloudTrail JSON
(what a team without a lake would run). Prints the median of 3 runs of each
and checks that the three answers agree.

    target/release/parapet bench lake --events 1000000 --dir /var/tmp/lakebench --keep-raw
    .venv/bin/python scripts/compare_duckdb.py /var/tmp/lakebench [target/release/parapet]

DuckDB reads the raw files with explicit columns (the fastest way it has:
no schema sampling, unneeded fields skipped by its JSON reader).
"""

import csv
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

import duckdb

# name, lake SQL (Parapet and DuckDB), raw SQL (DuckDB over JSON; `raw` is the view below)
HUNTS = [
    (
        "count by operation",
        "SELECT api_operation AS k, count(*) AS n FROM events GROUP BY 1 ORDER BY n DESC, k LIMIT 10",
        "SELECT eventName AS k, count(*) AS n FROM raw GROUP BY 1 ORDER BY n DESC, k LIMIT 10",
    ),
    (
        "count by identity, operation",
        "SELECT actor_user_uid AS k, api_operation AS o, count(*) AS n FROM events GROUP BY 1, 2 ORDER BY n DESC, k, o LIMIT 10",
        "SELECT coalesce(userIdentity.arn, userIdentity.principalId, userIdentity.invokedBy) AS k, eventName AS o, count(*) AS n FROM raw GROUP BY 1, 2 ORDER BY n DESC, k, o LIMIT 10",
    ),
    (
        "distinct IPs per identity",
        "SELECT actor_user_uid AS k, count(DISTINCT src_ip) AS n FROM events GROUP BY 1 ORDER BY n DESC, k LIMIT 10",
        "SELECT coalesce(userIdentity.arn, userIdentity.principalId, userIdentity.invokedBy) AS k, count(DISTINCT sourceIPAddress) AS n FROM raw GROUP BY 1 ORDER BY n DESC, k LIMIT 10",
    ),
    (
        "one day, errors by code",
        "SELECT error_code AS k, count(*) AS n FROM events WHERE date = '2024-07-30' AND error_code IS NOT NULL GROUP BY 1 ORDER BY n DESC, k",
        "SELECT errorCode AS k, count(*) AS n FROM raw WHERE eventTime LIKE '2024-07-30%' AND errorCode IS NOT NULL GROUP BY 1 ORDER BY n DESC, k",
    ),
]

RAW_COLUMNS = (
    "{eventTime: 'VARCHAR', eventName: 'VARCHAR', sourceIPAddress: 'VARCHAR', errorCode: 'VARCHAR', "
    "userIdentity: 'STRUCT(arn VARCHAR, principalId VARCHAR, invokedBy VARCHAR)'}"
)


def timed(run):
    times, result = [], None
    for _ in range(3):
        started = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def normal(rows):
    return [tuple("" if v is None else str(v) for v in row) for row in rows]


def main():
    work = Path(sys.argv[1])
    parapet = sys.argv[2] if len(sys.argv) > 2 else "target/release/parapet"
    lake, raw = work / "lake", sorted((work / "raw").glob("*.jsonl"))
    if not raw:
        sys.exit(f"no raw parts in {work}/raw: run `parapet bench lake --keep-raw --dir {work}`")
    raw_mb = sum(p.stat().st_size for p in raw) / 1e6
    con = duckdb.connect()
    con.execute(
        f"CREATE VIEW events AS SELECT * FROM read_parquet('{lake}/**/*.parquet', hive_partitioning = true)"
    )
    files = ", ".join(f"'{p}'" for p in raw)
    con.execute(
        f"CREATE VIEW raw AS SELECT * FROM read_json([{files}], format = 'newline_delimited', columns = {RAW_COLUMNS})"
    )
    threads = con.sql("SELECT current_setting('threads')").fetchall()[0][0]
    print(f"raw JSON: {raw_mb:.0f} MB in {len(raw)} files; DuckDB threads: {threads}")
    print(f"{'hunt':<30} {'parapet hunt':>13} {'DuckDB lake':>12} {'DuckDB raw JSON':>16}  agree")
    for name, lake_sql, raw_sql in HUNTS:
        ours_time, ours = timed(
            lambda: subprocess.run(
                [parapet, "hunt", "--format", "csv", "--lake", str(lake), lake_sql],
                check=True, capture_output=True, text=True,
            ).stdout
        )
        ours = [tuple(r) for r in list(csv.reader(io.StringIO(ours)))[1:]]
        lake_time, on_lake = timed(lambda: con.sql(lake_sql).fetchall())
        raw_time, on_raw = timed(lambda: con.sql(raw_sql).fetchall())
        agree = normal(ours) == normal(on_lake) == normal(on_raw)
        print(f"{name:<30} {ours_time:>12.2f}s {lake_time:>11.2f}s {raw_time:>15.2f}s  {agree}")
        if not agree:
            print("  parapet:", ours[:3], "\n  duckdb lake:", on_lake[:3], "\n  duckdb raw:", on_raw[:3])


if __name__ == "__main__":
    main()
