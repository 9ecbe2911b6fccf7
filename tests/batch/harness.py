"""Shared helpers for the batch tests (crash_test.py, batch_checks.py).

A *workspace* is one folder holding everything a sequence of `relief`
commands touches: relief.db, out/, inbox/ and a `feeds` link to the input
feeds. Commands run with the workspace as working directory and relative
paths, so two workspaces that saw the same commands hold the same bytes.

state(ws) captures what must be identical between a crashed-and-rerun
sequence and one clean run: every file under out/ (bytes), where every inbox
file ended up, and a dump of the database tables that carry money and
results (wall-clock columns left out).
"""
import hashlib
import os
import shutil
import sqlite3
import subprocess

# The fault points the code has (src/util/fault.hpp); which step reaches which.
INGEST_POINTS = ["ingest.before_commit", "ingest.after_commit"]
RUN_POINTS = ["run.after_ledger", "run.before_commit", "run.after_commit", "file.before_rename",
              "file.after_rename", "run.mid_publish", "run.before_mark_published"]
INBOX_POINTS = INGEST_POINTS + ["inbox.after_sync", "inbox.before_move", "inbox.after_move"]

# Table -> columns left out of the comparison (wall clock, arrival paths).
DB_TABLES = {
    "batches": {"created_at"},
    "results": set(),
    "result_traces": set(),
    "payments": set(),
    "ledger": set(),
    "batch_channels": set(),
    "claims": set(),
    "rejections": set(),
    "feeds": {"received_at"},
    "feed_results": set(),
}
# Tables compared through a query instead (row ids are not part of the result).
DB_QUERIES = {
    "claim_results": "SELECT c.hospital_code, c.claim_id, r.batch_id, r.result_position FROM claim_results r"
                     " LEFT JOIN claims c ON c.rowid = r.claim_row ORDER BY 1, 2, 3, 4",
}


def relief_cmd(relief, words):
    return [relief, "--db", "relief.db"] + list(words)


def run(relief, ws, words, env_extra=None, timeout=300):
    """Runs one relief command in workspace ws; returns (returncode, stdout, stderr)."""
    env = dict(os.environ)
    env.pop("RELIEF_FAULT", None)
    env.pop("RELIEF_FAULT_SKIP", None)
    if env_extra:
        env.update(env_extra)
    p = subprocess.run(relief_cmd(relief, words), cwd=ws, env=env, capture_output=True, text=True,
                       timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def must(relief, ws, words, ok=(0,)):
    rc, out, err = run(relief, ws, words)
    if rc not in ok:
        raise AssertionError(f"relief {' '.join(words)} exited {rc} in {ws}:\n{out}\n{err}")
    return out


def make_workspace(path, feeds_dir, case_dir):
    """A fresh workspace with the case's registries imported."""
    os.makedirs(path)
    os.symlink(os.path.abspath(feeds_dir), os.path.join(path, "feeds"))
    shutil.copy(os.path.join(case_dir, "hospitals.csv"), os.path.join(path, "hospitals.csv"))
    shutil.copy(os.path.join(case_dir, "registry.csv"), os.path.join(path, "registry.csv"))
    return path


def copy_workspace(src, dst):
    shutil.copytree(src, dst, symlinks=True)
    return dst


def sha(data):
    return hashlib.sha256(data).hexdigest()


def out_files(ws, sub="out"):
    """relative path -> bytes of every file under ws/sub."""
    root = os.path.join(ws, sub)
    files = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            with open(p, "rb") as f:
                files[os.path.relpath(p, root)] = f.read()
    return files


def inbox_state(ws):
    """(files left in the inbox, {name: (folder, sha)} of done/ and refused/)."""
    root = os.path.join(ws, "inbox")
    if not os.path.isdir(root):
        return [], {}
    left = sorted(n for n in os.listdir(root) if os.path.isfile(os.path.join(root, n)))
    placed = {}
    for folder in ("done", "refused"):
        d = os.path.join(root, folder)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            with open(os.path.join(d, n), "rb") as f:
                placed[f"{folder}/{n}"] = sha(f.read())
    return left, placed


def db_dump(ws):
    con = sqlite3.connect(os.path.join(ws, "relief.db"))
    try:
        dump = {}
        for table, skip in DB_TABLES.items():
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] not in skip]
            rows = con.execute(f"SELECT {', '.join(cols)} FROM {table} ORDER BY {', '.join(cols)}").fetchall()
            dump[table] = (cols, rows)
        for table, sql in DB_QUERIES.items():
            dump[table] = ([], con.execute(sql).fetchall())
        return dump
    finally:
        con.close()


def state(ws):
    return {"out": out_files(ws), "inbox": inbox_state(ws), "db": db_dump(ws)}


def diff_states(want, got, limit=20):
    """Human-readable differences between two state() values (empty: equal)."""
    problems = []
    wo, go = want["out"], got["out"]
    for name in sorted(set(wo) | set(go)):
        if name not in go:
            problems.append(f"out/{name}: missing")
        elif name not in wo:
            problems.append(f"out/{name}: not in the clean run")
        elif wo[name] != go[name]:
            problems.append(f"out/{name}: bytes differ ({len(wo[name])} vs {len(go[name])} bytes)")
    if want["inbox"] != got["inbox"]:
        problems.append(f"inbox differs: clean {want['inbox']} vs {got['inbox']}")
    for table in list(DB_TABLES) + list(DB_QUERIES):
        wc, wr = want["db"][table]
        gc, gr = got["db"][table]
        if wc != gc or wr != gr:
            extra = sorted(set(gr) - set(wr))[:3]
            lost = sorted(set(wr) - set(gr))[:3]
            problems.append(f"table {table}: {len(wr)} rows clean, {len(gr)} after crash; "
                            f"extra {extra}; lost {lost}")
    return problems[:limit]


def check_inbox_exactly_once(ws, inputs):
    """Every input file (name -> sha) sits in done/ or refused/ exactly once; nothing left behind."""
    left, placed = inbox_state(ws)
    problems = []
    if left:
        problems.append(f"files left in the inbox: {left}")
    names = {}
    for key, digest in placed.items():
        names.setdefault(key.split("/", 1)[1], []).append((key, digest))
    for name, digest in inputs.items():
        where = names.get(name, [])
        if len(where) != 1:
            problems.append(f"{name}: in {len(where)} places {where}")
        elif where[0][1] != digest:
            problems.append(f"{name}: bytes changed")
    for name in names:
        if name not in inputs:
            problems.append(f"{name}: unexpected file (taken twice?) {names[name]}")
    return problems
