#!/usr/bin/env python3
"""Compacts ../shared/reference/attack/enterprise-attack-techniques.json into the
TSV Parapet embeds (crates/parapet-core/data/attack-enterprise.tsv):
id <TAB> name <TAB> tactic short names joined by ','. Run from the repo root."""
import json

SOURCE = "../shared/reference/attack/enterprise-attack-techniques.json"
TARGET = "crates/parapet-core/data/attack-enterprise.tsv"

data = json.load(open(SOURCE))
with open(TARGET, "w") as out:
    out.write(f"# {data['source']}\n")
    out.write("# \u00a9 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.\n")
    for t in sorted(data["techniques"], key=lambda t: t["id"]):
        out.write(f"{t['id']}\t{t['name']}\t{','.join(t['tactics'])}\n")
