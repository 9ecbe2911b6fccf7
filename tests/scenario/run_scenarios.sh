#!/usr/bin/env bash
# ctest entry point: run_scenarios.sh RELIEF_BINARY CASES_DIR
set -euo pipefail
exec python3 "$(dirname "$0")/run_scenarios.py" "$@"
