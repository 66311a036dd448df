#!/usr/bin/env python3
"""Prowler vs Parapet on the same emulated AWS account (moto, CIS AWS Foundations 5.0).

Starts moto on a free port, seeds it with tests/it/seed_posture.py (misconfigured profile by
default; its manifest is the ground truth), runs Prowler (`--compliance cis_5.0_aws`, once as is
and once with --scan-unused-services) and Parapet (collect aws + scan cloud --framework
cis-aws-5.0) against it, each under /usr/bin/time -v, and prints a Markdown comparison to stdout.
Prowler only reads, so one seeded server serves every run.

    python3 scripts/compare_prowler.py --prowler /tmp/prowler-venv/bin/prowler \
        --parapet target/debug/parapet [--profile clean] [--out DIR] [--skip-unused-run]
"""
import argparse
import collections
import csv
import glob
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
VENV = REPO / ".venv" / "bin"
SEED = REPO / "crates/parapet/tests/it/seed_posture.py"
FRAMEWORK = REPO / "crates/parapet-policy/frameworks/cis-aws-5.0.json"
# Automated controls moto 5.2.5 cannot represent (no root user row; no Access Analyzer API).
NOT_REPRESENTABLE = {"1.3", "1.4", "1.19"}
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_EC2_METADATA_DISABLED": "true"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_moto(out, extra_env=None, tries=100):
    """moto on a free port, logging to OUT/moto.log; its URL and process."""
    port = free_port()
    log = open(out / "moto.log", "w")
    env = {**os.environ, "MOTO_IAM_LOAD_MANAGED_POLICIES": "true", **(extra_env or {})}
    proc = subprocess.Popen([str(VENV / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=env)
    for _ in range(tries):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    stop(proc)
    sys.exit("moto did not start")


def stop(proc):
    try:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the group is exactly moto
        proc.wait(timeout=10)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def timed(name, cmd, out, env=None):
    """Runs cmd under /usr/bin/time -v; returns (exit code, wall seconds, max RSS MiB)."""
    tfile = out / f"{name}.time"
    with open(out / f"{name}.stdout", "w") as so, open(out / f"{name}.stderr", "w") as se:
        rc = subprocess.run(["/usr/bin/time", "-v", "-o", str(tfile), *map(str, cmd)],
                            stdout=so, stderr=se, env={**os.environ, **(env or {})}).returncode
    text = tfile.read_text()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    secs = sum(float(p) * 60 ** i for i, p in enumerate(reversed(wall.split(":"))))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return rc, secs, rss


def tail(resource):
    return re.split(r"[/:]", resource)[-1]


def run_prowler(prowler, endpoint, out, name, extra=()):
    outdir = out / name
    timing = timed(name, [prowler, "aws", "--region", "us-east-1", "--compliance", "cis_5.0_aws",
                          "--output-formats", "json-ocsf", "csv", "--output-directory", outdir,
                          "--no-banner", "--no-color", "--log-level", "ERROR", *extra],
                   out, {**FAKE_AWS, "AWS_ENDPOINT_URL": endpoint})
    rows = collections.defaultdict(list)
    for path in glob.glob(str(outdir / "compliance" / "*cis_5.0_aws.csv")):
        for row in csv.DictReader(open(path, newline=""), delimiter=";"):
            rows[row["REQUIREMENTS_ID"]].append(row)
    return timing, rows


def prowler_status(rows):
    """Requirement status: FAIL if any finding fails, else PASS / MANUAL; no rows: no result."""
    statuses = collections.Counter(r["STATUS"] for r in rows)
    if statuses["FAIL"]:
        return f"FAIL ({statuses['FAIL']})"
    for status in ("PASS", "MANUAL"):
        if statuses[status]:
            return status
    return "no result"


def run_parapet(parapet, endpoint, out):
    db, report = out / "parapet.db", out / "parapet-cis.json"
    collect = timed("parapet-collect", [parapet, "collect", "aws", "--regions", "us-east-1",
                                        "--endpoint-url", endpoint, "--db", db], out, FAKE_AWS)
    scan = timed("parapet-scan", [parapet, "scan", "cloud", "--db", db, "--framework", "cis-aws-5.0",
                                  "--format", "jsonl", "--status", "fail", "--report", report],
                 out, FAKE_AWS)
    controls = {c["id"]: c for c in json.loads(report.read_text())["controls"]}
    return collect, scan, controls


def parapet_status(control):
    status = control["status"].upper().replace("_", " ")
    return f"{status} ({len(control['failing'])})" if control["failing"] else status


def verdict(expected, status, matched=True):
    if expected == "n/a":
        return "n/a"
    if status.startswith(("MANUAL", "NOT EVALUATED", "UNKNOWN", "no result")):
        return "– not assessed"
    if expected.startswith("FAIL"):
        if not status.startswith("FAIL"):
            return "✘ missed"
        return "✔" if matched else "✔ (other resource)"
    return "✔" if status.startswith("PASS") else "✘ false FAIL"


def prowler_errors(out, name):
    """One line per distinct API call Prowler reported an error for."""
    seen = collections.OrderedDict()
    for line in (out / f"{name}.stderr").read_text().splitlines():
        m = (re.search(r"calling the (\w+) operation", line) or re.search(r"(KeyError\S* -- \S+)", line)
             or re.search(r'endpoint URL: "([^"]+)"', line))
        if m and "ERROR" in line:
            module = re.search(r"\[Module: (\w+)\]", line)
            seen.setdefault(m.group(1), module.group(1) if module else "")
    return seen


def moto_gaps(out):
    text = (out / "moto.log").read_text()
    return sorted(set(re.findall(r"NotImplementedError: The (\w+) action has not been implemented", text)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prowler", required=True, help="path to the prowler executable")
    ap.add_argument("--parapet", required=True, help="path to the parapet binary")
    ap.add_argument("--out", help="working directory (default: a new temporary one)")
    ap.add_argument("--profile", default="misconfigured", choices=["misconfigured", "clean"],
                    help="seed profile (clean: the manifest is empty, every control should pass)")
    ap.add_argument("--skip-unused-run", action="store_true", help="skip the --scan-unused-services run")
    args = ap.parse_args()
    out = Path(args.out or tempfile.mkdtemp(prefix="compare-prowler-")).resolve()
    out.mkdir(parents=True, exist_ok=True)

    moto, endpoint = start_moto(out)
    try:
        seeded = subprocess.run([str(VENV / "python"), str(SEED), endpoint, args.profile],
                                capture_output=True, text=True, check=True).stdout
        (out / "manifest.json").write_text(seeded)
        manifest = json.loads(seeded)["failures"]
        p_time, p_rows = run_prowler(args.prowler, endpoint, out, "prowler")
        u_time, u_rows = (None, None) if args.skip_unused_run else run_prowler(
            args.prowler, endpoint, out, "prowler-unused", ["--scan-unused-services"])
        c_time, s_time, px = run_parapet(args.parapet, endpoint, out)
    finally:
        stop(moto)

    version = subprocess.run([args.prowler, "--version"], capture_output=True, text=True).stdout.strip()
    expected = collections.defaultdict(list)  # control id -> [(source version, resource)]
    for f in manifest:
        source, cid = f["control"].split(":")
        expected[cid].append((source, f["resource"]))
    framework = json.loads(FRAMEWORK.read_text())["controls"]

    print(f"# Prowler vs Parapet, CIS AWS 5.0, moto {args.profile} profile\n\n{version}; "
          f"{len(manifest)} seeded failures over {len(expected)} controls; working directory `{out}`\n")
    print("| run | exit | wall (s) | max RSS (MiB) |\n|---|---|---|---|")
    runs = [("prowler", p_time), ("prowler --scan-unused-services", u_time),
            ("parapet collect aws", c_time), ("parapet scan cloud", s_time)]
    for name, t in runs:
        if t:
            print(f"| {name} | {t[0]} | {t[1]:.2f} | {t[2]:.0f} |")

    unused_col = "" if u_rows is None else " Prowler +unused |"
    print(f"\n| control | CIS 5.0 | seeded | Prowler |{unused_col} Parapet | Prowler right? | "
          f"Parapet right? | Prowler's failing resources |")
    print("|---" * (8 + (u_rows is not None)) + "|")
    disagreements, other_resource = [], []
    for c in framework:
        cid, automated = c["id"], c["assessment"] == "automated"
        if not automated and cid not in expected:
            continue
        seeds = expected.get(cid, [])
        want = ("FAIL" + (f" ({seeds[0][0]})" if seeds[0][0] != "5.0" else "")) if seeds else (
            "n/a" if cid in NOT_REPRESENTABLE else "PASS")
        rows = p_rows.get(cid, [])
        failing = [r for r in rows if r["STATUS"] == "FAIL"]
        p_matched = all(any(tail(res) in r["RESOURCEID"] + r["STATUSEXTENDED"] for r in failing)
                        for _, res in seeds) if seeds else True
        x_uids = {f["resource"]["uid"] for f in px[cid]["failing"]}
        x_matched = all(res in x_uids for _, res in seeds)
        p_stat, x_stat = prowler_status(rows), parapet_status(px[cid])
        p_ok, x_ok = verdict(want, p_stat, p_matched), verdict(want, x_stat, x_matched)
        unused = "" if u_rows is None else f" {prowler_status(u_rows.get(cid, []))} |"
        shown = ", ".join(sorted({tail(r["RESOURCEID"]) for r in failing})[:3])
        print(f"| {cid} | {c['assessment']} | {want} | {p_stat} |{unused} {x_stat} | {p_ok} | {x_ok} | {shown} |")
        if p_ok[0] != x_ok[0] or "✘" in p_ok + x_ok:
            said = [r["STATUSEXTENDED"] for r in rows if any(tail(res) in r["RESOURCEID"] + r["STATUSEXTENDED"]
                                                             for _, res in seeds)] or [r["STATUSEXTENDED"] for r in rows]
            disagreements.append(f"{cid} ({c['title']}): seeded {want}; Prowler {p_stat} [{p_ok}], Parapet "
                                 f"{x_stat} [{x_ok}]" + (f"; Prowler says: \"{said[0]}\"" if said else ""))
        elif p_ok == "✔ (other resource)":
            other_resource.append(f"{cid} ({shown or 'none'} vs seeded {', '.join(tail(r) for _, r in seeds)})")

    print("\n## Controls where the tools disagree or one is wrong\n")
    print("\n".join(f"- {d}" for d in disagreements) or "none")
    print("\nSame verdict, but Prowler flags another resource than the manifest: " + "; ".join(other_resource))
    extra = [f"{cid} ({prowler_status(rows)})" for cid, rows in p_rows.items()
             if cid not in expected and prowler_status(rows).startswith("FAIL")
             and any(c["id"] == cid and c["assessment"] == "manual" for c in framework)]
    print("\nManual CIS 5.0 controls outside the manifest that Prowler reports as FAIL: "
          + (", ".join(extra) or "none"))
    print("\n## Prowler API errors against moto (default run)\n")
    for call, module in prowler_errors(out, "prowler").items():
        print(f"- `{call}` ({module})")
    print("\nmoto actions not implemented (moto.log): " + ", ".join(f"`{a}`" for a in moto_gaps(out)))


if __name__ == "__main__":
    main()
