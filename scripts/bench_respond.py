#!/usr/bin/env python3
"""Times a five-step playbook against moto (the AWS API emulator).

    .venv/bin/python scripts/bench_respond.py [--parapet target/debug/parapet] [--rounds 5]

Each round: a fresh moto server on 127.0.0.1, seeded by
crates/parapet/tests/it/seed_respond.py; one case from an alert naming the
seeded resources; `parapet respond run --execute` of a playbook with five
contain steps (deactivate a key, deny-all a user, revoke world-open ingress,
unshare a snapshot, restart a trail), timed from process start to exit.
"""
import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = os.path.join(ROOT, "crates/parapet/tests/it/seed_respond.py")

PLAYBOOK = """id: bench-five
name: five contain steps
trigger: {rules: [bench]}
max_changes: 5
steps:
  - {id: key, action: aws.iam.deactivate_access_key, with: {access_key_id: "{{ alert.raw.key }}", user: mallory}}
  - {id: deny, action: aws.iam.attach_deny_all, with: {user: mallory}}
  - {id: ingress, action: aws.ec2.revoke_open_ingress, with: {group_id: "{{ alert.raw.group }}"}}
  - {id: snapshot, action: aws.ec2.unshare_snapshot, with: {snapshot_id: "{{ alert.raw.snapshot }}"}}
  - {id: trail, action: aws.cloudtrail.start_logging, with: {trail: main-trail}}
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--parapet", default=os.path.join(ROOT, "target/debug/parapet"))
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    venv = os.path.join(ROOT, ".venv/bin")
    env = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_REGION="us-east-1", AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE="/nonexistent", AWS_SHARED_CREDENTIALS_FILE="/nonexistent")
    times, dry_times = [], []
    for _ in range(args.rounds):
        port = free_port()
        endpoint = f"http://127.0.0.1:{port}"
        moto = subprocess.Popen([os.path.join(venv, "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            for _ in range(300):
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                except OSError:
                    time.sleep(0.1)
            ids = json.loads(subprocess.check_output([os.path.join(venv, "python"), SEED, endpoint, "seed"]))
            with tempfile.TemporaryDirectory() as work:
                db = os.path.join(work, "p.db")
                alert = {"rule_id": "bench", "rule_title": "bench", "level": "high", "event_id": "e1",
                         "event_time": "2026-11-20T10:00:00Z", "actor": "arn:aws:iam::1:user/intruder",
                         "raw": {"key": ids["keys"]["mallory"], "group": ids["group"], "snapshot": ids["snapshot"]}}
                with open(os.path.join(work, "a.jsonl"), "w") as f:
                    f.write(json.dumps(alert) + "\n")
                with open(os.path.join(work, "five.yml"), "w") as f:
                    f.write(PLAYBOOK)
                subprocess.check_call([args.parapet, "case", "import", os.path.join(work, "a.jsonl"), "--db", db], stdout=subprocess.DEVNULL)
                base = [args.parapet, "respond", "run", "--case", "1", "--no-default-playbooks",
                        "--playbooks", os.path.join(work, "five.yml"), "--db", db, "--endpoint-url", endpoint]
                start = time.perf_counter()
                subprocess.check_call(base, env=env, stdout=subprocess.DEVNULL)
                dry_times.append(time.perf_counter() - start)
                start = time.perf_counter()
                out = subprocess.check_output(base + ["--execute"], env=env, text=True)
                times.append(time.perf_counter() - start)
                if "Completed, 5 changes" not in out:
                    sys.exit(f"the playbook did not complete with 5 changes:\n{out}")
        finally:
            moto.terminate()
            moto.wait()
    print(f"five-step playbook against moto, {args.rounds} rounds: execute best {min(times):.2f} s, "
          f"median {sorted(times)[len(times) // 2]:.2f} s; dry run best {min(dry_times):.2f} s")


if __name__ == "__main__":
    main()
