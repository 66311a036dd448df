#!/usr/bin/env python3
"""Differential check and timing against rsigma, an independent Sigma engine.

Runs `parapet detect` and `rsigma engine eval` on the same NDJSON events and
the same rules, then compares the (rule id, event) pairs each one found: the
event is told by its CloudTrail eventID, or with --any-source by the whole
record (any log; `parapet events --format raw` writes NDJSON from any file).
--pipeline passes field-mapping pipelines to both (Parapet's bundled ones are
in crates/parapet-sigma/pipelines; parapet also applies them itself).

    cargo install rsigma@0.23.0 --locked --no-default-features --features rsigma-runtime --root /tmp/rsigma
    python3 scripts/compare_rsigma.py --rsigma /tmp/rsigma/bin/rsigma \
        --rules ../shared/corpora/sigma/rules/cloud/aws --events events.jsonl
    python3 scripts/compare_rsigma.py --rsigma /tmp/rsigma/bin/rsigma --any-source \
        --rules ../shared/corpora/sigma/rules --events k8s.jsonl \
        --pipeline crates/parapet-sigma/pipelines/azure.yml --pipeline crates/parapet-sigma/pipelines/gcp.yml

Exit status 1 when the two disagree. Not part of CI: rsigma takes ~8 minutes to build.
"""
import argparse
import json
import subprocess
import sys
import time


def timed(cmd, out_path):
    started = time.time()
    with open(out_path, "wb") as out:
        proc = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE)
    return time.time() - started, proc


def pairs(path, rule_key, event_id):
    found = set()
    with open(path) as lines:
        for line in lines:
            if line.strip():
                alert = json.loads(line)
                found.add((alert[rule_key], event_id(alert)))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rsigma", required=True)
    parser.add_argument("--parapet", default="target/release/parapet")
    parser.add_argument("--rules", required=True)
    parser.add_argument("--events", required=True, help="NDJSON, one record per line")
    parser.add_argument("--any-source", action="store_true",
                        help="tell events by their whole record, not a CloudTrail eventID")
    parser.add_argument("--pipeline", action="append", default=[])
    args = parser.parse_args()

    pipelines = [arg for path in args.pipeline for arg in ("-p", path)]
    rs_time, rs = timed([args.rsigma, "engine", "eval", "-q", "-r", args.rules, "-e", "@" + args.events,
                         "--output-format", "ndjson", "--include-event"] + pipelines, "/tmp/compare-rsigma.out")
    raw = ["--raw"] if args.any_source else []
    pp_time, pp = timed([args.parapet, "detect", "-q", "--format", "jsonl", "--threads", "1",
                         "--no-default-rules", "--rules", args.rules] + raw + [args.events],
                        "/tmp/compare-parapet.out")
    if rs.returncode != 0 or pp.returncode not in (0, 1):
        sys.exit(f"a run failed:\nrsigma: {rs.stderr.decode()}\nparapet: {pp.stderr.decode()}")
    if args.any_source:
        def whole(record):
            return json.dumps(record, sort_keys=True)
        theirs = pairs("/tmp/compare-rsigma.out", "rule_id", lambda a: whole(a["event"]))
        ours = pairs("/tmp/compare-parapet.out", "rule_id", lambda a: whole(a["raw"]))
    else:
        theirs = pairs("/tmp/compare-rsigma.out", "rule_id", lambda a: a["event"].get("eventID"))
        ours = pairs("/tmp/compare-parapet.out", "rule_id", lambda a: a.get("event_id"))
    print(f"rsigma:  {len(theirs)} alerts in {rs_time:.2f}s (with --include-event)")
    print(f"parapet: {len(ours)} alerts in {pp_time:.2f}s (1 worker thread)")
    only_theirs, only_ours = sorted(theirs - ours), sorted(ours - theirs)
    for rule, event in only_theirs[:20]:
        print(f"only rsigma:  rule {rule} event {event[:160]}")
    for rule, event in only_ours[:20]:
        print(f"only parapet: rule {rule} event {event[:160]}")
    sys.exit(1 if only_theirs or only_ours else 0)


if __name__ == "__main__":
    main()
