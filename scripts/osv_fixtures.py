#!/usr/bin/env python3
"""Builds lockfiles from real OSV advisories and the matches they must give.

The expectation is computed here, independently of Parapet: each affected
range becomes intervals [introduced, fixed) / [introduced, last_affected]
(the OSV spec's evaluation restated), compared with PyPA's `packaging` for
PyPI and a SemVer 2.0 precedence written here for crates.io and Go.

    osv_fixtures.py --osv DIR --out DIR [--per-ecosystem N] [--seed S]

writes OUT/project/{Cargo.lock,go.mod,requirements.txt} and
OUT/expected.json: [[ecosystem, name, version, advisory id], ...].
"""
import argparse
import json
import os
import re
import sys

try:
    from packaging.version import InvalidVersion, Version
except ImportError:  # Debian's pip carries its own copy
    from pip._vendor.packaging.version import InvalidVersion, Version

import yaml

SEMVER = re.compile(r"^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def semver_key(text):
    m = SEMVER.match(text)
    if not m:
        return None
    major, minor, patch, pre = int(m[1]), int(m[2]), int(m[3]), m[4]
    if pre is None:
        return (major, minor, patch, 1, ())
    ids = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split("."))
    return (major, minor, patch, 0, ids)


def pypi_key(text):
    try:
        return Version(text)
    except InvalidVersion:
        return None


KEYS = {"crates.io": semver_key, "Go": semver_key, "PyPI": pypi_key}


def norm(ecosystem, name):
    if ecosystem == "PyPI":
        return re.sub(r"[-_.]+", "-", name).lower()
    return name


def load(osv):
    out = []
    for root, _, files in os.walk(osv):
        for f in sorted(files):
            path = os.path.join(root, f)
            if f.endswith(".json"):
                doc = json.load(open(path))
            elif f.endswith(".yaml"):
                doc = yaml.safe_load(open(path))
            else:
                continue
            if doc.get("withdrawn"):
                continue
            out.append(doc)
    return out


def intervals(events, key):
    """Sorted events paired into (low, high, high_inclusive); None if a
    version does not parse under the reference."""
    parsed = []
    for e in events:
        (kind, value), = e.items()
        value = str(value)
        if kind == "introduced" and value == "0":
            parsed.append((None, 0, kind, value))
            continue
        k = key(value)
        if k is None:
            return None
        parsed.append((k, 1, kind, value))
    parsed.sort(key=lambda p: (p[1], p[0]) if p[0] is not None else (0,))
    out, low, open_ = [], None, False
    for k, _, kind, _ in parsed:
        if kind == "introduced":
            if not open_:
                low, open_ = k, True
        elif open_:
            out.append((low, k, kind == "last_affected"))
            open_ = False
    if open_:
        out.append((low, None, False))
    return out


def inside(v, spans):
    for low, high, inclusive in spans:
        if low is not None and v < low:
            continue
        if high is None or v < high or (inclusive and v == high):
            return True
    return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--osv", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--per-ecosystem", type=int, default=400)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    advisories = load(args.osv)

    # (ecosystem, normalized name) -> [(id, spans list, listed versions)]
    index, candidates, unusable = {}, {}, set()
    for adv in advisories:
        for aff in adv.get("affected") or []:
            pkg = aff.get("package") or {}
            eco, name = pkg.get("ecosystem"), pkg.get("name")
            if eco not in KEYS or not name:
                continue
            key = KEYS[eco]
            spans = []
            for r in aff.get("ranges") or []:
                if r.get("type") == "GIT":
                    continue
                s = intervals(r.get("events") or [], key)
                if s is None:
                    unusable.add((eco, norm(eco, name)))
                    break
                spans.extend(s)
            listed = [str(v) for v in aff.get("versions") or []]
            index.setdefault((eco, norm(eco, name)), []).append((adv["id"], spans, listed))
            c = candidates.setdefault((eco, name), set())
            for r in aff.get("ranges") or []:
                if r.get("type") == "GIT":
                    continue
                for e in r.get("events") or []:
                    for v in e.values():
                        if str(v) != "0":
                            c.add(str(v))
            c.update(listed[:3])
            c.update(["0.0.1", "999.0.0"])

    state = args.seed * 2654435761 % 2**64 or 1

    def rand():
        nonlocal state
        state ^= (state << 13) % 2**64
        state ^= state >> 7
        state ^= (state << 17) % 2**64
        return state

    chosen = {eco: [] for eco in KEYS}
    pool = sorted(k for k in candidates if (k[0], norm(k[0], k[1])) not in unusable)
    for eco in KEYS:
        names = [k for k in pool if k[0] == eco]
        picked = set()
        while len(chosen[eco]) < args.per_ecosystem and len(picked) < len(names):
            i = rand() % len(names)
            if i in picked:
                continue
            picked.add(i)
            versions = sorted(v for v in candidates[names[i]] if KEYS[eco](v) is not None)
            for _ in range(1 + rand() % 3):
                if versions:
                    chosen[eco].append((names[i][1], versions.pop(rand() % len(versions))))

    expected = []
    for eco, pairs in chosen.items():
        key = KEYS[eco]
        for name, version in pairs:
            v = key(version)
            for adv_id, spans, listed in index.get((eco, norm(eco, name)), []):
                hit = inside(v, spans) or version in listed or any(key(x) == v for x in listed if key(x) is not None)
                if hit:
                    expected.append([eco, name, version, adv_id])
    expected = sorted(set(map(tuple, expected)))

    project = os.path.join(args.out, "project")
    os.makedirs(project, exist_ok=True)
    with open(os.path.join(project, "Cargo.lock"), "w") as f:
        f.write("version = 4\n")
        for name, v in chosen["crates.io"]:
            f.write(f'\n[[package]]\nname = "{name}"\nversion = "{v}"\n'
                    'source = "registry+https://github.com/rust-lang/crates.io-index"\n')
    with open(os.path.join(project, "go.mod"), "w") as f:
        f.write("module example.com/fixture\n\ngo 1.22\n\nrequire (\n")
        for name, v in chosen["Go"]:
            f.write(f"\t{name} v{v}\n")
        f.write(")\n")
    with open(os.path.join(project, "requirements.txt"), "w") as f:
        for name, v in chosen["PyPI"]:
            f.write(f"{name}=={v}\n")
    with open(os.path.join(args.out, "expected.json"), "w") as f:
        json.dump({"packages": {e: len(p) for e, p in chosen.items()}, "matches": expected}, f)
    print(f"{sum(len(p) for p in chosen.values())} packages, {len(expected)} expected matches", file=sys.stderr)


if __name__ == "__main__":
    main()
