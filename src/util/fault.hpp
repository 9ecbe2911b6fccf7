#pragma once
// Fault injection for the crash tests: when the environment variable
// RELIEF_FAULT names a point (e.g. "run.after_commit"), the process kills
// itself with SIGKILL on reaching it. RELIEF_FAULT_SKIP=N lets N passes go by
// first. Unset in production: the check is one getenv per call site.
//
// Points: ingest.before_commit, ingest.after_commit (each feed);
// inbox.before_move, inbox.after_move (each inbox file); run.after_ledger,
// run.before_commit, run.after_commit, run.mid_publish,
// run.before_mark_published (each batch); file.before_rename,
// file.after_rename (each file written atomically). tests/batch/crash_test.py
// kills at every pass of each.
namespace relief {
void fault_point(const char* name);
}
