#!/usr/bin/env python3
"""Crash test (issue 4, items 2 and 6).

Kills `relief ingest`, `relief run` and `relief run --inbox` with SIGKILL at
every pass of every fault point (RELIEF_FAULT / RELIEF_FAULT_SKIP) and at
seeded random moments (one to three kills in a row, some landing in the
repair of the previous kill), reruns the command, finishes the sequence and
checks that the final state equals one clean run:

- every file under out/ byte for byte (results.jsonl, rejections.csv,
  payments-*.csv/xml, summary.json, report.html; no stray temporary file);
- the database tables batches (created_at aside), results, payments, ledger,
  batch_channels, claims, rejections and feeds (received_at aside);
- every inbox file in done/ or refused/ exactly once, none left, none taken twice.

The sequence, on the feeds of a shared case (default ../shared/cases/generated-1001):
  A  ingest batch-1/*.xml
  B  run --date 2017-01-02
  C  run --date 2017-01-03 --inbox inbox      (batch-2 feeds, one re-sent feed,
                                              one malformed and one of an unknown
                                              hospital: exit 2)

usage: crash_test.py RELIEF CASE_DIR [--min-kills N] [--seed S]
"""
import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness as h  # noqa: E402


def prepare_inputs(case, root):
    """feeds/ (read-only inputs) and the inbox files of step C: name -> bytes."""
    feeds = os.path.join(root, "feeds")
    shutil.copytree(os.path.join(case, "batch-1"), os.path.join(feeds, "batch-1"))
    b1 = sorted(os.listdir(os.path.join(feeds, "batch-1")))
    inbox = {}
    for n in sorted(os.listdir(os.path.join(case, "batch-2"))):
        with open(os.path.join(case, "batch-2", n), "rb") as f:
            inbox[n] = f.read()
    with open(os.path.join(feeds, "batch-1", b1[0]), "rb") as f:
        inbox["resent-" + b1[0]] = f.read()  # same bytes as an accepted feed: a no-op, goes to done/
    inbox["malformed.xml"] = b'<?xml version="1.0"?><ClaimFeed xmlns="urn:relief:claim-feed:1"><Header>'
    first = inbox[sorted(os.listdir(os.path.join(case, "batch-2")))[0]]
    start = first.index(b"<HospitalCode>") + len(b"<HospitalCode>")
    end = first.index(b"</HospitalCode>")
    inbox["unknown-hospital.xml"] = first[:start] + b"H9999" + first[end:]
    return feeds, ["feeds/batch-1/" + n for n in b1], inbox


class Sequence:
    def __init__(self, relief, case, root):
        self.relief = relief
        self.root = root
        self.feeds, batch1, self.inbox_files = prepare_inputs(case, root)
        self.inbox_digests = {n: h.sha(b) for n, b in self.inbox_files.items()}
        # (name, words, exit statuses a clean run of the step may give, fault points it reaches)
        self.steps = [
            ("ingest", ["ingest"] + batch1, (0,), h.INGEST_POINTS),
            ("run", ["run", "--date", "2017-01-02", "--out", "out"], (0,), h.RUN_POINTS),
            ("run --inbox", ["run", "--date", "2017-01-03", "--inbox", "inbox", "--out", "out"], (0, 2),
             h.RUN_POINTS + h.INBOX_POINTS),
        ]
        self.checkpoints = []  # workspace before step i
        self.seconds = []      # clean duration of step i

    def build_clean(self, case):
        ws = h.make_workspace(os.path.join(self.root, "clean"), self.feeds, case)
        os.makedirs(os.path.join(ws, "inbox"))
        for n, b in self.inbox_files.items():
            with open(os.path.join(ws, "inbox", n), "wb") as f:
                f.write(b)
        h.must(self.relief, ws, ["hospitals", "import", "hospitals.csv"])
        h.must(self.relief, ws, ["registry", "import", "registry.csv"])
        for i, (name, words, _, _) in enumerate(self.steps):
            self.checkpoints.append(h.copy_workspace(ws, os.path.join(self.root, f"checkpoint-{i}")))
            t0 = time.monotonic()
            rc, out, err = h.run(self.relief, ws, words)
            self.seconds.append(time.monotonic() - t0)
            want = 2 if name == "run --inbox" else 0  # the clean inbox run sees the refused feeds
            if rc != want:
                raise AssertionError(f"clean step '{name}' exited {rc}, expected {want}:\n{out}\n{err}")
        self.clean = h.state(ws)
        problems = h.check_inbox_exactly_once(ws, self.inbox_digests)
        if problems:
            raise AssertionError("clean run: " + "; ".join(problems))
        batches = sorted({p.split("/")[0] for p in self.clean["out"]})
        if batches != ["20170102-01", "20170103-01"]:
            raise AssertionError(f"clean run wrote batches {batches}")
        return ws

    def attempt(self, ws, step, kill):
        """Runs step once under a kill spec; True if the process died of SIGKILL."""
        _, words, _, _ = self.steps[step]
        env = dict(os.environ)
        env.pop("RELIEF_FAULT", None)
        env.pop("RELIEF_FAULT_SKIP", None)
        if kill[0] == "fault":
            env["RELIEF_FAULT"], env["RELIEF_FAULT_SKIP"] = kill[1], str(kill[2])
            p = subprocess.run(h.relief_cmd(self.relief, words), cwd=ws, env=env, capture_output=True, timeout=300)
            return p.returncode == -signal.SIGKILL
        p = subprocess.Popen(h.relief_cmd(self.relief, words), cwd=ws, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        time.sleep(kill[1])
        p.send_signal(signal.SIGKILL)
        return p.wait(timeout=300) == -signal.SIGKILL

    def trial(self, step, kills, n):
        """Kills step under each spec in turn, reruns it, finishes the sequence, compares.
        Returns (the specs whose kill landed, problems)."""
        ws = h.copy_workspace(self.checkpoints[step], os.path.join(self.root, f"trial-{n}"))
        try:
            landed = [k for k in kills if self.attempt(ws, step, k)]
            for i in range(step, len(self.steps)):
                name, words, ok, _ = self.steps[i]
                rc, out, err = h.run(self.relief, ws, words)
                if rc not in ok:
                    return landed, [f"rerun of '{name}' exited {rc}: {err.strip()[-500:]}"]
            problems = h.diff_states(self.clean, h.state(ws))
            problems += h.check_inbox_exactly_once(ws, self.inbox_digests)
            return landed, problems
        finally:
            shutil.rmtree(ws, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("relief")
    ap.add_argument("case")
    ap.add_argument("--min-kills", type=int, default=100, help="random trials go on until this many kills landed")
    ap.add_argument("--min-random-kills", type=int, default=40, help="kills at random moments, at least")
    ap.add_argument("--seed", type=int, default=20170102)
    a = ap.parse_args()
    relief = os.path.abspath(a.relief)
    rng = random.Random(a.seed)
    t_start = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="relief-crash-") as root:
        seq = Sequence(relief, a.case, root)
        seq.build_clean(a.case)
        kills = failures = trials = 0
        passes = {}  # (step, point) -> number of passes (the first skip that was not killed)

        def record(step, spec, landed, problems):
            nonlocal kills, failures, trials
            trials += 1
            kills += len(landed)
            if problems:
                failures += 1
                print(f"FAIL step '{seq.steps[step][0]}' killed by {landed} (of {spec}):")
                for p in problems:
                    print("   ", p)

        # 1. Every pass of every fault point, one kill each.
        for step, (name, _, _, points) in enumerate(seq.steps):
            for point in points:
                failed_before = failures
                skip = 0
                while skip < 1000:
                    spec = [("fault", point, skip)]
                    landed, problems = seq.trial(step, spec, trials)
                    record(step, spec, landed, problems)
                    if not landed:
                        break
                    skip += 1
                passes[(step, point)] = skip
                verdict = "reruns equal the clean run" if failures == failed_before else "FAILED"
                print(f"  {name:12} {point:28} killed at each of {skip} pass{'es' if skip != 1 else ''}: {verdict}")
                if skip == 0:
                    print(f"FAIL step '{name}' never reaches {point}")
                    failures += 1
        fault_kills = kills

        # 2. Random kills: 1-3 in a row on one step, each a random pass of a fault point or a
        #    random moment, until min_kills landed in all and min_random_kills at random.
        random_kills = 0
        while kills < a.min_kills or random_kills < a.min_random_kills:
            step = rng.randrange(len(seq.steps))
            specs = []
            for _ in range(rng.choice((1, 1, 2, 3))):
                reachable = [p for p in seq.steps[step][3] if passes.get((step, p), 0) > 0]
                if reachable and rng.random() < 0.3:
                    p = rng.choice(reachable)
                    specs.append(("fault", p, rng.randrange(passes[(step, p)])))
                else:
                    specs.append(("moment", round(rng.uniform(0, 1.2 * seq.seconds[step]), 4)))
            landed, problems = seq.trial(step, specs, trials)
            random_kills += sum(1 for k in landed if k[0] == "moment")
            record(step, specs, landed, problems)
            if trials > 20 * a.min_kills:
                break

    took = time.monotonic() - t_start
    print(f"crash test: {kills} SIGKILLs ({fault_kills} at each pass of each fault point, then "
          f"{kills - fault_kills - random_kills} at random passes and {random_kills} at random moments), "
          f"{trials} trials, {failures} failed, {took:.0f} s")
    return 1 if failures or kills < a.min_kills else 0


if __name__ == "__main__":
    sys.exit(main())
