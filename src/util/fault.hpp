#pragma once
// Fault injection for the crash tests: when the environment variable
// RELIEF_FAULT names a point (e.g. "run.after_commit"), the process kills
// itself with SIGKILL on reaching it. RELIEF_FAULT_SKIP=N lets N passes go by
// first. Unset in production: the check is one getenv per call site.
namespace relief {
void fault_point(const char* name);
}
