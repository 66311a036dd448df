#!/usr/bin/env python3
"""Run Parapet and Checkov on the same IaC tree; compare speed, memory and verdicts.

    python3 scripts/compare_checkov.py TREE [--parapet target/release/parapet]
        [--checkov /work/checkov-venv/bin/checkov] [--map scripts/checkov_map.json]
        [--out report.md] [--json-out results.json] [--keep DIR]
        [--parapet-json FILE] [--checkov-json FILE] [--skip-parapet] [--skip-checkov]

Each tool runs under `/usr/bin/time -v` (wall time, CPU, peak RSS):

    parapet scan iac TREE --format json --status all
    CKV_SKIP_PACKAGE_UPDATE_CHECK=true \
      checkov -d TREE --framework terraform kubernetes --skip-download -o json --compact

(`--quiet` is never passed to Checkov: in JSON output it drops the passed checks;
without CKV_SKIP_PACKAGE_UPDATE_CHECK, Checkov asks pypi.org for a new version.)
`--parapet-json` / `--checkov-json` reuse earlier outputs instead of running a tool;
`--skip-parapet` / `--skip-checkov` leave a side out (timings and Checkov counts only).

Verdicts are compared on the pairs of scripts/checkov_map.json. Both tools are
brought to one unit: a resource as Parapet models it (root module folder,
Terraform address) and a mapped rule group:

* Checkov results on attachment resources (aws_s3_bucket_policy,
  aws_security_group_rule, aws_lambda_function_url, ...) are folded into the
  resource they reference (`bucket = aws_s3_bucket.logs.id`, read from the
  source lines Checkov reports), as Parapet folds them.
* A group of several checks is FAIL when any member fails, PASS when one passes
  and none fails (Parapet: FAIL > UNKNOWN > PASS).
* Terraform units are matched on (root module folder, address with instance
  keys); if that finds nothing, on the address without instance keys (all
  instances aggregated). Resources declared in a local module are matched on
  (module folder, address) when Parapet's uid names the module file: if several
  root modules call the module under the same name, the verdicts are compared
  as multisets (how many FAIL/PASS on each side).
* Kubernetes units are matched on (file, kind, namespace, name).

Agreement = same verdict; Parapet UNKNOWN counts against agreement and is
listed separately. Units seen by only one tool are counted, not compared.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

SCRIPT_DIR = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(SCRIPT_DIR)

FAIL, PASS, UNKNOWN = "FAIL", "PASS", "UNKNOWN"

# Terraform types that only configure another resource: (target type, argument
# naming it). Mirrors Parapet's folding (crates/parapet-iac/src/terraform/links.rs).
ATTACHMENTS = {
    "aws_s3_bucket_versioning": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_logging": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_server_side_encryption_configuration": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_public_access_block": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_policy": ("aws_s3_bucket", "bucket"),
    "aws_s3_bucket_acl": ("aws_s3_bucket", "bucket"),
    "aws_security_group_rule": ("aws_security_group", "security_group_id"),
    "aws_vpc_security_group_ingress_rule": ("aws_security_group", "security_group_id"),
    "aws_vpc_security_group_egress_rule": ("aws_security_group", "security_group_id"),
    "aws_network_acl_rule": ("aws_network_acl", "network_acl_id"),
    "aws_flow_log": ("aws_vpc", "vpc_id"),
    "aws_lambda_permission": ("aws_lambda_function", "function_name"),
    "aws_lambda_function_url": ("aws_lambda_function", "function_name"),
    "aws_sns_topic_policy": ("aws_sns_topic", "arn"),
    "aws_sqs_queue_policy": ("aws_sqs_queue", "queue_url"),
    "aws_secretsmanager_secret_rotation": ("aws_secretsmanager_secret", "secret_id"),
    "aws_iam_user_policy_attachment": ("aws_iam_user", "user"),
    "aws_iam_user_policy": ("aws_iam_user", "user"),
}

INSTANCE_KEY = re.compile(r'\[(?:"(?:[^"\\]|\\.)*"|[^\]"]*)\]')
RESOURCE_TAIL = re.compile(r"(?:^|\.)([a-z][a-z0-9_]*)\.([A-Za-z0-9_-]+)((?:\[[^\]]*\])?)$")


def die(msg):
    sys.exit(f"compare_checkov: {msg}")


def strip_keys(address):
    return INSTANCE_KEY.sub("", address)


def norm_path(p):
    p = (p or "").replace("\\", "/")
    while p.startswith("./"):
        p = p[2:]
    return p.lstrip("/")


def parent_dir(p):
    d = os.path.dirname(norm_path(p))
    return d or "."


# --------------------------------------------------------------------------
# Running the tools
# --------------------------------------------------------------------------


def parse_time_v(text):
    out = {}
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("Elapsed (wall clock) time"):
            v = line.rsplit(": ", 1)[1]
            parts = [float(x) for x in v.split(":")]
            secs = 0.0
            for x in parts:
                secs = secs * 60 + x
            out["wall_s"] = secs
        elif line.startswith("Maximum resident set size (kbytes)"):
            out["max_rss_kb"] = int(line.rsplit(": ", 1)[1])
        elif line.startswith("User time (seconds)"):
            out["user_s"] = float(line.rsplit(": ", 1)[1])
        elif line.startswith("System time (seconds)"):
            out["sys_s"] = float(line.rsplit(": ", 1)[1])
        elif line.startswith("Percent of CPU this job got"):
            out["cpu_pct"] = line.rsplit(": ", 1)[1]
        elif line.startswith("Exit status"):
            out["exit"] = int(line.rsplit(": ", 1)[1])
    return out


def run_timed(name, cmd, stdout_path, stderr_path, env=None):
    """Runs cmd with stdout/stderr to files; returns timing dict."""
    gnu_time = shutil.which("time") if not os.path.exists("/usr/bin/time") else "/usr/bin/time"
    print(f"compare_checkov: running {name}: {' '.join(cmd)}", file=sys.stderr)
    with open(stdout_path, "wb") as out, open(stderr_path, "wb") as err:
        if gnu_time:
            tf = tempfile.NamedTemporaryFile(prefix="time-", suffix=".txt", delete=False)
            tf.close()
            full = [gnu_time, "-v", "-o", tf.name] + cmd
            start = time.monotonic()
            proc = subprocess.run(full, stdout=out, stderr=err, env=env)
            wall = time.monotonic() - start
            with open(tf.name) as f:
                tv = f.read()
            os.unlink(tf.name)
            timing = parse_time_v(tv)
            if "wall_s" not in timing:  # not GNU time (BusyBox, BSD): keep what we have
                timing["wall_s"] = wall
                timing["note"] = "no GNU time -v output; wall time measured by this script"
            timing.setdefault("exit", proc.returncode)
        else:
            import resource
            start = time.monotonic()
            proc = subprocess.run(cmd, stdout=out, stderr=err, env=env)
            wall = time.monotonic() - start
            ru = resource.getrusage(resource.RUSAGE_CHILDREN)
            timing = {"wall_s": wall, "max_rss_kb": ru.ru_maxrss, "exit": proc.returncode,
                      "note": "/usr/bin/time missing: RSS is the max over all children so far"}
    timing["cmd"] = cmd
    return timing


def tool_version(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        text = (p.stdout or p.stderr).strip()
        return text.splitlines()[0] if text else "?"
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"? ({e})"


def help_text(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        return p.stdout + p.stderr
    except (OSError, subprocess.TimeoutExpired):
        return ""


def resolve_exe(path, what, flag):
    cands = [path]
    if not os.path.isabs(path):
        cands.append(os.path.join(REPO_ROOT, path))
    for c in cands:
        if os.path.isfile(c) and os.access(c, os.X_OK):
            return os.path.abspath(c)
    found = shutil.which(path)
    if found:
        return found
    die(f"{what} not found at {path!r} (tried {', '.join(cands)}); pass {flag} PATH, "
        f"or --skip-{what.lower()} / --{what.lower()}-json FILE")


def checkov_cmd(checkov, tree, frameworks):
    h = help_text([checkov, "--help"])
    cmd = [checkov, "-d", tree]
    if "FRAMEWORK [FRAMEWORK ...]" in h or not h:
        cmd += ["--framework"] + frameworks
    else:
        cmd += ["--framework", ",".join(frameworks)]
    if "--skip-download" in h or not h:
        cmd.append("--skip-download")
    else:
        print("compare_checkov: warning: this checkov has no --skip-download; it may go online", file=sys.stderr)
    cmd += ["-o", "json"]
    if "--compact" in h or not h:
        cmd.append("--compact")
    return cmd


# --------------------------------------------------------------------------
# Loading results
# --------------------------------------------------------------------------


class SourceCache:
    def __init__(self, tree):
        self.tree = tree
        self.files = {}

    def lines(self, rel, abs_path=None):
        key = abs_path or rel
        if key not in self.files:
            path = abs_path if abs_path and os.path.exists(abs_path) else os.path.join(self.tree, norm_path(rel))
            try:
                with open(path, encoding="utf-8", errors="replace") as f:
                    self.files[key] = f.read().splitlines()
            except OSError:
                self.files[key] = []
        return self.files[key]


def split_address(address):
    """'module.a.aws_x.y[0]' -> ('module.a.', 'aws_x', 'y', '[0]')."""
    m = RESOURCE_TAIL.search(address)
    if not m:
        return "", "", address, ""
    prefix = address[: m.start()] + ("." if m.start() > 0 else "")
    if prefix == ".":
        prefix = ""
    return prefix, m.group(1), m.group(2), m.group(3)


def resolve_attachment(rec, src):
    """The (address, how) of the resource an attachment configures."""
    prefix, rtype, name, key = split_address(rec["resource"])
    target_type, arg = ATTACHMENTS[rtype]
    lines = src.lines(rec["file_path"], rec.get("file_abs_path"))
    lo, hi = rec.get("file_line_range") or [1, len(lines)]
    body = lines[max(lo - 1, 0):hi]
    expr = None
    for_each = None
    for line in body:
        m = re.match(rf"\s*{re.escape(arg)}\s*=\s*(.+?)\s*$", line)
        if m and expr is None:
            expr = m.group(1)
        m = re.match(r"\s*for_each\s*=\s*(.+?)\s*$", line)
        if m and for_each is None:
            for_each = m.group(1)
    if expr:
        ref = re.search(rf"\b{re.escape(target_type)}\.([A-Za-z0-9_-]+)(\[[^\]]*\])?", expr)
        if ref:
            idx = ref.group(2) or ""
            if idx in ("[count.index]", "[each.key]"):
                idx = key
            elif idx and not re.fullmatch(r'\[(\d+|"[^"]*")\]', idx):
                idx = key
            return f"{prefix}{target_type}.{ref.group(1)}{idx}", "reference"
        if expr.startswith("each.value") and for_each:
            ref = re.search(rf"\b{re.escape(target_type)}\.([A-Za-z0-9_-]+)", for_each)
            if ref:
                return f"{prefix}{target_type}.{ref.group(1)}{key}", "for_each over the target"
    # Unresolved (a variable, a literal name...): same name as the attachment.
    return f"{prefix}{target_type}.{name}{key}", "same name (reference not found)"


def load_checkov(path, tree, src):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if not text.strip():
        die(f"{path}: empty Checkov output")
    data = json.loads(text)
    reports = data if isinstance(data, list) else [data]
    records = []
    summaries = []
    for rep in reports:
        ctype = rep.get("check_type", "?")
        summaries.append((ctype, rep.get("summary", {})))
        results = rep.get("results") or {}
        for key, verdict in (("passed_checks", PASS), ("failed_checks", FAIL)):
            for c in results.get(key, []) or []:
                records.append({
                    "framework": ctype,
                    "check_id": c.get("check_id"),
                    "verdict": verdict,
                    "resource": c.get("resource") or "",
                    "file_path": norm_path(c.get("file_path")),
                    "file_abs_path": c.get("file_abs_path"),
                    "file_line_range": c.get("file_line_range"),
                    "caller_file_path": norm_path(c.get("caller_file_path")) or None,
                })
    return records, summaries


def load_parapet(path):
    with open(path, encoding="utf-8") as f:
        text = f.read().strip()
    if not text:
        return []
    if text.startswith("["):
        data = json.loads(text)
    elif text.startswith("{") and "\n{" in text:
        data = [json.loads(l) for l in text.splitlines() if l.strip()]
    else:
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("findings") or data.get("Findings") or [data]
    out = []
    for f in data:
        status = str(f.get("status", "")).upper()
        if status not in (FAIL, PASS, UNKNOWN):
            continue
        res = f.get("resource") or {}
        loc = f.get("location") or {}
        uid = res.get("uid") or ""
        if "#" in uid:
            upath, address = uid.split("#", 1)
        else:
            upath, address = loc.get("path") or "", res.get("name") or uid
        out.append({
            "rule_id": f.get("rule_id"),
            "status": status,
            "uid": uid,
            "uid_path": norm_path(upath),
            "address": address,
            "kind": res.get("kind") or "",
            "path": norm_path(loc.get("path") or upath),
            "line": loc.get("line"),
            "evidence": f.get("evidence") or "",
            "muted": f.get("muted"),
        })
    return out


# --------------------------------------------------------------------------
# Units and comparison
# --------------------------------------------------------------------------


def combine_checkov(verdicts):
    return FAIL if FAIL in verdicts else PASS


def combine_parapet(verdicts):
    if FAIL in verdicts:
        return FAIL
    if UNKNOWN in verdicts:
        return UNKNOWN
    return PASS


def rtype_of(address):
    return split_address(address)[1]


MODULE_BLOCK = re.compile(r'^module\s+"([^"]+)"\s*\{')
SOURCE_ATTR = re.compile(r'^\s*source\s*=\s*"([^"]+)"')


class ModuleCalls:
    """Which folders call which local module under which name, read from the
    tree: resolves `module.a.module.b.aws_x.y` declared in a module folder to
    the root module folders it is instantiated from."""

    def __init__(self, tree):
        self.callers = collections.defaultdict(set)  # (name, target dir) -> caller dirs
        self.called = set()
        for dirpath, dirnames, filenames in os.walk(tree):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for fn in filenames:
                if not fn.endswith(".tf"):
                    continue
                path = os.path.join(dirpath, fn)
                try:
                    with open(path, encoding="utf-8", errors="replace") as f:
                        lines = f.read().splitlines()
                except OSError:
                    continue
                name = None
                for line in lines:
                    m = MODULE_BLOCK.match(line)
                    if m:
                        name = m.group(1)
                        continue
                    if name:
                        m = SOURCE_ATTR.match(line)
                        if m:
                            src = m.group(1)
                            if src.startswith(("./", "../")):
                                target = os.path.relpath(os.path.normpath(os.path.join(dirpath, src)), tree)
                                caller = os.path.relpath(dirpath, tree)
                                self.callers[(name, norm_path(target) or ".")].add(norm_path(caller) or ".")
                                self.called.add(norm_path(target) or ".")
                            name = None
                        elif line.startswith("}"):
                            name = None

    def roots(self, address, decl_dir):
        """Root folders instantiating the resource at `address` declared in
        `decl_dir`; {decl_dir} when it is not a module address."""
        chain = re.findall(r"module\.([^.\[]+)(?:\[[^\]]*\])?\.", address)
        dirs = {decl_dir}
        for name in reversed(chain):
            nxt = set()
            for d in dirs:
                nxt |= self.callers.get((name, d), set())
            dirs = nxt
        return dirs


class Atom:
    """One verdict of one check/rule on one resource instance."""
    __slots__ = ("side", "member", "verdict", "root", "mod_dir", "address", "file", "line", "evidence")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))


def k8s_checkov(rec):
    parts = rec["resource"].split(".", 2)
    if len(parts) != 3:
        return None
    kind, ns, name = parts
    return f"{kind}/{ns or 'default'}/{name}"


def k8s_parapet(f):
    return re.sub(r"#\d+$", "", f["address"])


def checkov_atoms(records, groups_by_check, src, calls):
    atoms = collections.defaultdict(list)  # group index -> [Atom]
    folded = collections.Counter()
    for rec in records:
        gis = groups_by_check.get(rec["check_id"])
        if not gis:
            continue
        if rec["framework"] == "kubernetes":
            address = k8s_checkov(rec)
            if address is None:
                continue
            root, mod_dir = rec["file_path"], None
        else:
            address = rec["resource"]
            if rtype_of(address) in ATTACHMENTS:
                address, how = resolve_attachment(rec, src)
                folded[how] += 1
            decl = parent_dir(rec["file_path"])
            if address.startswith("module."):
                mod_dir = decl
                roots = calls.roots(address, decl)
                if len(roots) == 1:
                    root = next(iter(roots))
                elif rec["caller_file_path"] and address.count("module.") == 1:
                    root = parent_dir(rec["caller_file_path"])
                else:
                    root = None  # graph checks give no caller: which root is unknown
            else:
                root, mod_dir = decl, None
        line = (rec.get("file_line_range") or [None])[0]
        for gi in gis:
            atoms[gi].append(Atom(side="checkov", member=rec["check_id"], verdict=rec["verdict"], root=root,
                                  mod_dir=mod_dir, address=address, file=rec["file_path"], line=line,
                                  evidence=""))
    return atoms, folded


def parapet_atoms(findings, groups_by_rule, calls):
    atoms = collections.defaultdict(list)
    for f in findings:
        gis = groups_by_rule.get(f["rule_id"])
        if not gis:
            continue
        if f["rule_id"].startswith("K8S-") or f["kind"].startswith("k8s."):
            address = k8s_parapet(f)
            root, mod_dir = f["uid_path"] or f["path"], None
        else:
            address = f["address"]
            decl = parent_dir(f["uid_path"] or f["path"])
            root, mod_dir = decl, None
            if address.startswith("module.") and decl in calls.called:
                # uid names the module file: find the root(s) calling it
                mod_dir = decl
                roots = calls.roots(address, decl)
                root = next(iter(roots)) if len(roots) == 1 else None
        for gi in gis:
            atoms[gi].append(Atom(side="parapet", member=f["rule_id"], verdict=f["status"], root=root,
                                  mod_dir=mod_dir, address=address, file=f["path"], line=f["line"],
                                  evidence=f["evidence"]))
    return atoms


def compare_group(c_atoms, p_atoms, result):
    """Fills `result` for one mapping group."""
    # Resources whose root folder is unknown on either side are compared per
    # (module folder, address) as multisets; the rest per (root, address).
    multi_keys = {(a.mod_dir, a.address) for a in c_atoms + p_atoms if a.root is None}
    known_c = collections.defaultdict(list)
    known_p = collections.defaultdict(list)
    multi = collections.defaultdict(lambda: ([], []))
    for a in c_atoms:
        if a.mod_dir is not None and (a.mod_dir, a.address) in multi_keys:
            multi[(a.mod_dir, a.address)][0].append(a)
        else:
            known_c[(a.root, a.address)].append(a)
    for a in p_atoms:
        if a.mod_dir is not None and (a.mod_dir, a.address) in multi_keys:
            multi[(a.mod_dir, a.address)][1].append(a)
        elif a.mod_dir is None and a.address.startswith("module.") and any(
                k[1] == a.address for k in multi_keys):
            # Parapet gave the root, Checkov could not: pool with the others.
            mk = next(k for k in multi_keys if k[1] == a.address)
            multi[mk][1].append(a)
        else:
            known_p[(a.root, a.address)].append(a)

    def verdicts(atoms, side):
        by_member = collections.defaultdict(list)
        for a in atoms:
            by_member[a.member].append(a.verdict)
        members = {m: (combine_checkov(v) if side == "checkov" else combine_parapet(v)) for m, v in by_member.items()}
        vals = list(members.values())
        return (combine_checkov(vals) if side == "checkov" else combine_parapet(vals)), members

    def row(ca, pa, address=None):
        cv, cm = verdicts(ca, "checkov")
        pv, pm = verdicts(pa, "parapet")
        c0 = ca[0]
        return {
            "file": c0.file, "line": c0.line, "root": c0.root, "address": address or c0.address,
            "checkov": cv, "parapet": pv, "checkov_members": cm, "parapet_members": pm,
            "evidence": "; ".join(sorted({f"{a.member}: {a.evidence}" for a in pa if a.evidence})),
        }

    def tally(r):
        if r["parapet"] == UNKNOWN:
            result["unknown"].append(r)
        elif r["parapet"] == r["checkov"]:
            result["agree"][r["checkov"]] += 1
        else:
            result["disagree"].append(r)

    # 1. same root and address (instance keys included)
    matched_c, matched_p = set(), set()
    for key, pa in known_p.items():
        ca = known_c.get(key)
        if ca:
            tally(row(ca, pa))
            matched_c.add(key)
            matched_p.add(key)
    # 2. same root and address without instance keys, instances aggregated
    agg_c = collections.defaultdict(list)
    for key, ca in known_c.items():
        if key not in matched_c:
            agg_c[(key[0], strip_keys(key[1]))].append(key)
    agg_p = collections.defaultdict(list)
    for key, pa in known_p.items():
        if key not in matched_p:
            agg_p[(key[0], strip_keys(key[1]))].append(key)
    for ak, pkeys in agg_p.items():
        ckeys = agg_c.get(ak)
        if not ckeys:
            continue
        ca = [a for k in ckeys for a in known_c[k]]
        pa = [a for k in pkeys for a in known_p[k]]
        tally(row(ca, pa, ak[1] + " (instances aggregated)"))
        matched_c.update(ckeys)
        matched_p.update(pkeys)
    for key, ca in known_c.items():
        if key not in matched_c:
            result["only_checkov"] += 1
            result["only_checkov_examples"].append((ca[0].file, key[1], verdicts(ca, "checkov")[0]))
    for key, pa in known_p.items():
        if key not in matched_p:
            result["only_parapet"] += 1
            result["only_parapet_examples"].append((pa[0].file, key[1], verdicts(pa, "parapet")[0]))

    # 3. module resources whose root is ambiguous: multisets. A side's group
    # verdicts are approximated from its members: n = the most instances any
    # member reports, FAIL count = the most failures any member reports.
    for (mod_dir, address), (ca, pa) in sorted(multi.items()):
        def counts(atoms, side):
            by_member = collections.defaultdict(collections.Counter)
            for a in atoms:
                by_member[a.member][a.verdict] += 1
            if not by_member:
                return collections.Counter()
            n = max(sum(c.values()) for c in by_member.values())
            fail = max(c[FAIL] for c in by_member.values())
            unk = 0 if side == "checkov" else min(n - fail, max(c[UNKNOWN] for c in by_member.values()))
            return collections.Counter({FAIL: fail, UNKNOWN: unk, PASS: n - fail - unk})
        cc_, pc = counts(ca, "checkov"), counts(pa, "parapet")
        if not ca:
            result["only_parapet"] += sum(pc.values())
            result["only_parapet_examples"].append((pa[0].file, address, fmt_counts(pc)))
            continue
        if not pa:
            result["only_checkov"] += sum(cc_.values())
            result["only_checkov_examples"].append((ca[0].file, address, fmt_counts(cc_)))
            continue
        result["multiset_units"] += 1
        agree_fail = min(cc_[FAIL], pc[FAIL])
        agree_pass = min(cc_[PASS], pc[PASS])
        result["agree"][FAIL] += agree_fail
        result["agree"][PASS] += agree_pass
        left_c = {FAIL: cc_[FAIL] - agree_fail, PASS: cc_[PASS] - agree_pass}
        left_p = {FAIL: pc[FAIL] - agree_fail, PASS: pc[PASS] - agree_pass, UNKNOWN: pc[UNKNOWN]}
        roots = sorted({a.root for a in ca + pa if a.root})
        failed_in = sorted({a.root for a in ca if a.root and a.verdict == FAIL})
        base = {
            "file": ca[0].file, "line": ca[0].line, "root": None, "address": address, "multiset": True,
            "checkov_counts": {k: v for k, v in cc_.items() if v}, "parapet_counts": {k: v for k, v in pc.items() if v},
            "roots": roots, "checkov_failed_in": failed_in, "evidence": "",
        }
        for pv in (FAIL, PASS, UNKNOWN):
            for cv in (PASS, FAIL):
                while left_p[pv] and left_c[cv] and pv != cv:
                    left_p[pv] -= 1
                    left_c[cv] -= 1
                    r = dict(base, checkov=cv, parapet=pv)
                    (result["unknown"] if pv == UNKNOWN else result["disagree"]).append(r)
        n_c = left_c[FAIL] + left_c[PASS]
        n_p = left_p[FAIL] + left_p[PASS] + left_p[UNKNOWN]
        result["only_checkov"] += n_c
        result["only_parapet"] += n_p
        if n_c:
            result["only_checkov_examples"].append(
                (ca[0].file, address, f"{n_c} more instances than Parapet ({fmt_counts(cc_)} vs {fmt_counts(pc)})"))
        if n_p:
            result["only_parapet_examples"].append(
                (pa[0].file, address, f"{n_p} more instances than Checkov ({fmt_counts(pc)} vs {fmt_counts(cc_)})"))


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def fmt_timing(t):
    if not t:
        return "| not run | | | | |"
    rss = t.get("max_rss_kb")
    cpu = (t.get("user_s") or 0) + (t.get("sys_s") or 0)
    return (f"| {t.get('wall_s', 0):.2f} s | {cpu:.2f} s | {t.get('cpu_pct', '')} | "
            f"{rss / 1024:.0f} MiB | {t.get('exit', '')} |" if rss else
            f"| {t.get('wall_s', 0):.2f} s | {cpu:.2f} s | {t.get('cpu_pct', '')} | ? | {t.get('exit', '')} |")


def md_escape(s):
    return str(s).replace("|", "\\|").replace("\n", " ")


def write_report(out, ctx):
    w = out.write
    w("# Parapet vs Checkov\n\n")
    w(f"- Tree: `{ctx['tree']}` ({ctx['tree_stats']})\n")
    w(f"- Date: {ctx['date']}\n")
    w(f"- Parapet: {ctx['parapet_version']}\n")
    w(f"- Checkov: {ctx['checkov_version']}\n")
    w(f"- Map: `{ctx['map_path']}` ({len(ctx['groups'])} pairs)\n\n")
    w("## Commands\n\n")
    for name in ("parapet", "checkov"):
        t = ctx["timings"].get(name)
        if t and t.get("cmd"):
            pre = "CKV_SKIP_PACKAGE_UPDATE_CHECK=true " if name == "checkov" else ""
            w(f"- {name}: `{pre}{' '.join(t['cmd'])}`\n")
        elif ctx["inputs"].get(name):
            w(f"- {name}: output read from `{ctx['inputs'][name]}` (not run)\n")
        else:
            w(f"- {name}: skipped\n")
    w("\n## Time and memory (`/usr/bin/time -v`)\n\n")
    w("| Tool | Wall | CPU (user+sys) | CPU % | Peak RSS | Exit |\n|---|---|---|---|---|---|\n")
    for name in ("parapet", "checkov"):
        w(f"| {name} " + fmt_timing(ctx["timings"].get(name)) + "\n")
    if ctx["timings"].get("parapet") and ctx["timings"].get("checkov"):
        tp, tc = ctx["timings"]["parapet"], ctx["timings"]["checkov"]
        if tp.get("wall_s") and tc.get("wall_s"):
            w(f"\nCheckov / Parapet wall time: **{tc['wall_s'] / max(tp['wall_s'], 1e-9):.1f}x**")
            if tp.get("max_rss_kb") and tc.get("max_rss_kb"):
                w(f"; peak RSS: **{tc['max_rss_kb'] / tp['max_rss_kb']:.1f}x**")
            w("\n")
    for name, t in ctx["timings"].items():
        if t and t.get("note"):
            w(f"\nNote ({name}): {t['note']}\n")
    if ctx["checkov_summaries"]:
        w("\nCheckov summary: " + "; ".join(
            f"{ct}: {s.get('passed', 0)} passed, {s.get('failed', 0)} failed, {s.get('resource_count', 0)} resources, "
            f"{s.get('parsing_errors', 0)} parsing errors" for ct, s in ctx["checkov_summaries"]) + "\n")
    if ctx["parapet_count"] is not None:
        c = ctx["parapet_status_counts"]
        w(f"\nParapet: {ctx['parapet_count']} findings ({c.get(FAIL, 0)} FAIL, {c.get(PASS, 0)} PASS, "
          f"{c.get(UNKNOWN, 0)} UNKNOWN)\n")
        if not c.get(PASS):
            w("\n**Warning:** Parapet reported no PASS at all: was it run with `--status all`? "
              "(`parapet scan iac` prints failures only by default.) Every Checkov pass will show up as "
              "'Checkov only'.\n")
    if ctx.get("collisions"):
        w(f"\n**Parapet uid collisions:** {ctx['collisions']} uids are shared by several findings of one rule "
          "(resources of a local module called under the same name from several root modules: the uid is "
          "`<module file>#module.<name>...`, with no root in it).\n")
    if ctx.get("totals", {}).get("multiset_units"):
        w(f"\n{ctx['totals']['multiset_units']} module resources could not be tied to one root module on at least "
          "one side (Parapet's uid as above; Checkov gives no caller for graph checks) and are compared as "
          "multisets over the roots calling the module: how many FAIL/PASS on each side (for a group of checks: "
          "the most failures any member reports). A FAIL in one root and a FAIL in another count as agreement.\n")

    w("\n## Checkov results of the mapped checks\n\n| Check | Passed | Failed |\n|---|---|---|\n")
    for cid in ctx["mapped_checks"]:
        p, f = ctx["checkov_counts"].get(cid, (0, 0))
        w(f"| {cid} | {p} | {f} |\n")

    if not ctx["compared"]:
        w("\n(Verdicts not compared: one of the tools was skipped.)\n")
        return

    w("\n## Agreement\n\n")
    tot = ctx["totals"]
    w(f"**{tot['agree']} / {tot['compared']} units agree ({pct(tot['agree'], tot['compared'])})**; "
      f"{tot['disagree']} disagree, {tot['unknown']} Parapet UNKNOWN. "
      f"Seen by one tool only: {tot['only_parapet']} Parapet, {tot['only_checkov']} Checkov.\n\n")
    w("| Parapet | Checkov | Compared | Agree | both FAIL | both PASS | P FAIL / C PASS | P PASS / C FAIL | P UNKNOWN | Only Parapet | Only Checkov | Agreement |\n")
    w("|---|---|---|---|---|---|---|---|---|---|---|---|\n")
    for g, r in ctx["results"]:
        agree = r["agree"][FAIL] + r["agree"][PASS]
        pf = sum(1 for d in r["disagree"] if d["parapet"] == FAIL)
        pp = sum(1 for d in r["disagree"] if d["parapet"] == PASS)
        comp = agree + len(r["disagree"]) + len(r["unknown"])
        w(f"| {', '.join(g['parapet'])} | {', '.join(g['checkov'])} | {comp} | {agree} | {r['agree'][FAIL]} | "
          f"{r['agree'][PASS]} | {pf} | {pp} | {len(r['unknown'])} | {r['only_parapet']} | {r['only_checkov']} | "
          f"{pct(agree, comp)} |\n")

    w("\n## Mapping\n\n| Parapet | Checkov | Notes |\n|---|---|---|\n")
    for g in ctx["groups"]:
        w(f"| {', '.join(g['parapet'])} | {', '.join(g['checkov'])} | {md_escape(g.get('notes', ''))} |\n")

    w("\n## Disagreements\n\n")
    any_rows = False
    for g, r in ctx["results"]:
        if not r["disagree"]:
            continue
        any_rows = True
        w(f"### {', '.join(g['parapet'])} vs {', '.join(g['checkov'])} ({len(r['disagree'])})\n\n")
        w("| File | Address | Checkov | Parapet | Detail |\n|---|---|---|---|---|\n")
        for d in sorted(r["disagree"], key=lambda d: (d["file"] or "", d["line"] or 0, d["address"])):
            w(f"| {md_escape(d['file'])}:{d['line'] or ''} | {md_escape(where(d))} | {d['checkov']} | "
              f"{d['parapet']} | {md_escape(detail(d))} |\n")
        w("\n")
    if not any_rows:
        w("None.\n")

    w("\n## Parapet UNKNOWN\n\n")
    rows = [(g, d) for g, r in ctx["results"] for d in r["unknown"]]
    if rows:
        w("| Parapet | Checkov | File | Address | Checkov verdict | Detail |\n|---|---|---|---|---|---|\n")
        for g, d in sorted(rows, key=lambda x: (x[1]["file"] or "", x[1]["line"] or 0)):
            w(f"| {', '.join(g['parapet'])} | {', '.join(g['checkov'])} | {md_escape(d['file'])}:{d['line'] or ''} | "
              f"{md_escape(where(d))} | {d['checkov']} | {md_escape(detail(d))} |\n")
    else:
        w("None.\n")

    w("\n## Seen by one tool only (first 10 per pair)\n\n")
    for g, r in ctx["results"]:
        if not (r["only_parapet_examples"] or r["only_checkov_examples"]):
            continue
        w(f"- **{', '.join(g['parapet'])} / {', '.join(g['checkov'])}**: "
          f"{r['only_parapet']} Parapet only, {r['only_checkov']} Checkov only\n")
        for path, addr, v in r["only_parapet_examples"][:10]:
            w(f"  - Parapet only: `{path}` `{addr}` {v}\n")
        for path, addr, v in r["only_checkov_examples"][:10]:
            w(f"  - Checkov only: `{path}` `{addr}` {v}\n")
    if ctx["folded"]:
        w("\nCheckov attachment results folded into their resource: " +
          ", ".join(f"{n} by {how}" for how, n in ctx["folded"].most_common()) + ".\n")


def where(d):
    """The address, with the root module folder when the file does not show it."""
    root = d.get("root")
    if root and root != "." and not (d.get("file") or "").startswith(root + "/") and root != d.get("file"):
        return f"{d['address']} (root {root})"
    return d["address"]


def detail(d):
    if d.get("multiset"):
        s = (f"same module name in several roots: Checkov {fmt_counts(d['checkov_counts'])} vs Parapet "
             f"{fmt_counts(d['parapet_counts'])}")
        if d.get("checkov_failed_in"):
            s += "; Checkov failed in " + ", ".join(d["checkov_failed_in"][:8])
            if len(d["checkov_failed_in"]) > 8:
                s += ", ..."
        return s
    parts = []
    cm = d.get("checkov_members") or {}
    if len(cm) > 1 or (cm and d["checkov"] == FAIL):
        parts.append("Checkov " + ", ".join(f"{k} {v.lower()}" for k, v in sorted(cm.items())))
    pm = d.get("parapet_members") or {}
    if len(pm) > 1:
        parts.append("Parapet " + ", ".join(f"{k} {v}" for k, v in sorted(pm.items())))
    if d.get("evidence"):
        ev = d["evidence"]
        parts.append("evidence: " + (ev[:160] + "..." if len(ev) > 160 else ev))
    return "; ".join(parts)


def fmt_counts(c):
    return "/".join(f"{n} {v}" for v, n in sorted(c.items()))


def pct(a, b):
    return f"{100.0 * a / b:.1f}%" if b else "n/a"


def tree_stats(tree):
    files = lines = 0
    yaml_files = 0
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for fn in filenames:
            if fn.endswith(".tf"):
                files += 1
                try:
                    with open(os.path.join(dirpath, fn), "rb") as f:
                        lines += f.read().count(b"\n")
                except OSError:
                    pass
            elif fn.endswith((".yaml", ".yml")):
                yaml_files += 1
    return f"{files} .tf files, {lines} lines; {yaml_files} YAML files"


# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=None)
    ap.add_argument("tree")
    ap.add_argument("--parapet", default="target/release/parapet")
    ap.add_argument("--checkov", default="/work/checkov-venv/bin/checkov")
    ap.add_argument("--map", default=os.path.join(SCRIPT_DIR, "checkov_map.json"))
    ap.add_argument("--out", help="Markdown report (default: stdout)")
    ap.add_argument("--json-out", help="also write the comparison as JSON")
    ap.add_argument("--keep", help="keep the raw tool outputs in this folder")
    ap.add_argument("--frameworks", default="terraform,kubernetes",
                    help="Checkov frameworks (comma-separated; default terraform,kubernetes)")
    ap.add_argument("--parapet-json", help="use this Parapet JSON instead of running Parapet")
    ap.add_argument("--checkov-json", help="use this Checkov JSON instead of running Checkov")
    ap.add_argument("--skip-parapet", action="store_true")
    ap.add_argument("--skip-checkov", action="store_true")
    args = ap.parse_args(argv)

    tree = os.path.abspath(args.tree)
    if not os.path.isdir(tree):
        die(f"{args.tree}: not a folder")
    try:
        with open(args.map, encoding="utf-8") as f:
            mapping = json.load(f)
    except (OSError, ValueError) as e:
        die(f"cannot read the map {args.map}: {e}")
    groups = mapping["mappings"]

    workdir = os.path.abspath(args.keep) if args.keep else tempfile.mkdtemp(prefix="compare-checkov-")
    os.makedirs(workdir, exist_ok=True)
    timings = {}
    inputs = {}
    parapet_version = checkov_version = "not run"

    # Parapet
    parapet_out = None
    if args.parapet_json:
        parapet_out = args.parapet_json
        inputs["parapet"] = parapet_out
    elif not args.skip_parapet:
        exe = resolve_exe(args.parapet, "Parapet", "--parapet")
        parapet_version = tool_version([exe, "--version"])
        h = help_text([exe, "scan", "iac", "--help"])
        cmd = [exe, "scan", "iac", tree, "--format", "json"]
        if "--status" in h or not h:
            cmd += ["--status", "all"]
        parapet_out = os.path.join(workdir, "parapet.json")
        timings["parapet"] = run_timed("parapet", cmd, parapet_out, os.path.join(workdir, "parapet.stderr"))
        if timings["parapet"].get("exit") not in (0, 1):
            with open(os.path.join(workdir, "parapet.stderr"), errors="replace") as f:
                tail = f.read()[-2000:]
            print(f"compare_checkov: parapet exited {timings['parapet'].get('exit')}:\n{tail}", file=sys.stderr)

    # Checkov
    checkov_out = None
    if args.checkov_json:
        checkov_out = args.checkov_json
        inputs["checkov"] = checkov_out
    elif not args.skip_checkov:
        exe = resolve_exe(args.checkov, "Checkov", "--checkov")
        checkov_version = "checkov " + tool_version([exe, "--version"])
        cmd = checkov_cmd(exe, tree, [x for x in args.frameworks.split(",") if x])
        checkov_out = os.path.join(workdir, "checkov.json")
        # Checkov asks pypi.org for a newer version on every start (1 s timeout)
        # unless told not to: keep the run offline and the timing clean.
        env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true")
        timings["checkov"] = run_timed("checkov", cmd, checkov_out, os.path.join(workdir, "checkov.stderr"), env=env)
        if timings["checkov"].get("exit") not in (0, 1):
            with open(os.path.join(workdir, "checkov.stderr"), errors="replace") as f:
                tail = f.read()[-2000:]
            print(f"compare_checkov: checkov exited {timings['checkov'].get('exit')}:\n{tail}", file=sys.stderr)

    src = SourceCache(tree)
    groups_by_check = collections.defaultdict(list)
    groups_by_rule = collections.defaultdict(list)
    for gi, g in enumerate(groups):
        for c in g["checkov"]:
            groups_by_check[c].append(gi)
        for r in g["parapet"]:
            groups_by_rule[r].append(gi)
    mapped_checks = []
    for g in groups:
        for c in g["checkov"]:
            if c not in mapped_checks:
                mapped_checks.append(c)

    checkov_records, checkov_summaries = [], []
    if checkov_out:
        try:
            checkov_records, checkov_summaries = load_checkov(checkov_out, tree, src)
        except (OSError, ValueError) as e:
            die(f"cannot read Checkov output {checkov_out}: {e}")
        if checkov_version == "not run" and checkov_summaries:
            checkov_version = "checkov " + str(checkov_summaries[0][1].get("checkov_version", "?"))
    checkov_counts = collections.defaultdict(lambda: [0, 0])
    for rec in checkov_records:
        checkov_counts[rec["check_id"]][0 if rec["verdict"] == PASS else 1] += 1

    parapet_findings = None
    if parapet_out:
        try:
            parapet_findings = load_parapet(parapet_out)
        except (OSError, ValueError) as e:
            die(f"cannot read Parapet output {parapet_out}: {e}")

    if parapet_findings is not None and not any(f["status"] == PASS for f in parapet_findings):
        print("compare_checkov: warning: no PASS in Parapet's output; was it run with --status all?", file=sys.stderr)

    ctx = {
        "tree": tree, "tree_stats": tree_stats(tree),
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "parapet_version": parapet_version, "checkov_version": checkov_version,
        "map_path": args.map, "groups": groups, "timings": timings, "inputs": inputs,
        "checkov_summaries": checkov_summaries, "mapped_checks": mapped_checks,
        "checkov_counts": {k: tuple(v) for k, v in checkov_counts.items()},
        "parapet_count": None if parapet_findings is None else len(parapet_findings),
        "parapet_status_counts": collections.Counter(f["status"] for f in parapet_findings or []),
        "compared": bool(parapet_findings is not None and checkov_out),
        "results": [], "folded": collections.Counter(), "collisions": 0,
    }

    if ctx["compared"]:
        calls = ModuleCalls(tree)
        c_atoms, folded = checkov_atoms(checkov_records, groups_by_check, src, calls)
        p_atoms = parapet_atoms(parapet_findings, groups_by_rule, calls)
        ctx["folded"] = folded
        seen = collections.Counter((f["rule_id"], f["uid"]) for f in parapet_findings)
        ctx["collisions"] = len({uid for (rule, uid), n in seen.items() if n > 1})
        totals = collections.Counter()
        for gi, g in enumerate(groups):
            r = {"agree": collections.Counter(), "disagree": [], "unknown": [],
                 "only_checkov": 0, "only_parapet": 0, "multiset_units": 0,
                 "only_checkov_examples": [], "only_parapet_examples": []}
            compare_group(c_atoms.get(gi, []), p_atoms.get(gi, []), r)
            ctx["results"].append((g, r))
            agree = r["agree"][FAIL] + r["agree"][PASS]
            totals["agree"] += agree
            totals["disagree"] += len(r["disagree"])
            totals["unknown"] += len(r["unknown"])
            totals["compared"] += agree + len(r["disagree"]) + len(r["unknown"])
            totals["only_checkov"] += r["only_checkov"]
            totals["only_parapet"] += r["only_parapet"]
            totals["multiset_units"] += r["multiset_units"]
        ctx["totals"] = totals

    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            write_report(f, ctx)
        print(f"compare_checkov: report written to {args.out}", file=sys.stderr)
    else:
        write_report(sys.stdout, ctx)

    if args.json_out:
        dump = {
            "tree": tree, "timings": timings, "parapet_version": parapet_version,
            "checkov_version": checkov_version,
            "checkov_counts": {k: {"passed": v[0], "failed": v[1]} for k, v in ctx["checkov_counts"].items()},
            "totals": dict(ctx.get("totals", {})),
            "pairs": [
                {"parapet": g["parapet"], "checkov": g["checkov"],
                 "agree_fail": r["agree"][FAIL], "agree_pass": r["agree"][PASS],
                 "disagree": r["disagree"], "unknown": r["unknown"],
                 "only_parapet": r["only_parapet"], "only_checkov": r["only_checkov"]}
                for g, r in ctx["results"]
            ],
        }
        with open(args.json_out, "w", encoding="utf-8") as f:
            json.dump(dump, f, indent=1, default=str)
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    elif timings:
        print(f"compare_checkov: raw outputs kept in {workdir}", file=sys.stderr)


if __name__ == "__main__":
    main()
