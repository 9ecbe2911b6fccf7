#!/usr/bin/env python3
"""Scenario runner: executes each steps.txt of a cases folder against the real
relief binary (fresh database per scenario) and compares every batch's
results.jsonl and rejections.csv with expected/ exactly.

usage: run_scenarios.py RELIEF_BINARY CASES_DIR [SCENARIO...]
"""
import csv, io, json, os, shlex, subprocess, sys, tempfile

def run_scenario(relief, folder, work):
    db = os.path.join(work, "relief.db")
    out = os.path.join(work, "out")
    steps = [l.strip() for l in open(os.path.join(folder, "steps.txt"), encoding="utf-8") if l.strip()]
    batches = []  # batch folder per run step (None: no batch)
    for step in steps:
        words = shlex.split(step)
        cmd = [relief, "--db", db] + words
        if words[0] == "run":
            cmd += ["--out", out]
        p = subprocess.run(cmd, cwd=folder, capture_output=True, text=True, timeout=600)
        ok_codes = (0, 2) if words[0] in ("ingest", "run") else (0,)
        if p.returncode not in ok_codes:
            return [f"step '{step}' exited {p.returncode}: {p.stderr.strip()}"]
        if words[0] == "run":
            bid = None
            for line in p.stdout.splitlines():
                if line.startswith("batch "):
                    bid = line.split()[1].rstrip(":")
            batches.append(bid)
    got_results = ["batch,hospital_code,claim_id,government,children,charity,lottery"]
    got_rejections = ["batch,hospital_code,feed_id,claim_id,reason"]
    for n, bid in enumerate(batches, start=1):
        if bid is None:
            continue
        bdir = os.path.join(out, bid)
        for line in open(os.path.join(bdir, "results.jsonl"), encoding="utf-8"):
            r = json.loads(line)
            paid = r["paid"]
            got_results.append(",".join([str(n), r["hospital_code"], r["claim_id"], paid["government"],
                                         paid["children"], paid["charity"], paid["lottery"]]))
        with open(os.path.join(bdir, "rejections.csv"), encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                got_rejections.append(",".join([str(n), row["hospital_code"], row["feed_id"], row["claim_id"],
                                                row["reason"]]))
    problems = []
    for name, got in (("results.csv", got_results), ("rejections.csv", got_rejections)):
        exp = [l.rstrip("\r\n") for l in open(os.path.join(folder, "expected", name), encoding="utf-8") if l.strip()]
        if exp != got:
            problems.append(f"{name} differs:")
            import difflib
            problems.extend("  " + d for d in difflib.unified_diff(exp, got, "expected", "got", lineterm="", n=1))
    return problems

def main():
    relief, cases = os.path.abspath(sys.argv[1]), sys.argv[2]
    names = sys.argv[3:] or sorted(d for d in os.listdir(cases) if os.path.isfile(os.path.join(cases, d, "steps.txt")))
    passed = failed = 0
    for name in names:
        with tempfile.TemporaryDirectory(prefix="relief-scenario-") as work:
            problems = run_scenario(relief, os.path.join(cases, name), work)
        if problems:
            failed += 1
            print(f"FAIL {name}")
            print("\n".join(problems[:200]))
        else:
            passed += 1
            print(f"ok   {name}")
    print(f"scenarios: {passed} passed, {failed} failed")
    return 1 if failed or not passed else 0

if __name__ == "__main__":
    sys.exit(main())
