#!/usr/bin/env bash
# The main job: install, build the store from the data mirror, and write the partnership report.
#
#   BILAT_MIRROR  folder laid out like the upstream servers (default: ../shared/data)
#   BILAT_STORE   the store to build (default: out/bilat.duckdb)
#   OUT           where the report goes (default: out/)
#
# `bilat fetch all` loads every source the mirror holds (idempotent: a second run adds nothing);
# `bilat status` says what the store holds; `bilat report` weighs the evidence.
set -euo pipefail
export BILAT_MIRROR="${BILAT_MIRROR:-../shared/data}"
OUT="${OUT:-out}"
export BILAT_STORE="${BILAT_STORE:-$OUT/bilat.duckdb}"
mkdir -p "$OUT"
if ! command -v bilat >/dev/null 2>&1; then
  python3 -m venv .venv && .venv/bin/pip install -q -e . && export PATH="$PWD/.venv/bin:$PATH"
fi
bilat fetch all || echo "some sources failed to load (listed above); the report says what is missing" >&2
bilat status
bilat report RUS CHN --out "$OUT/"
echo "open $OUT/index.html" >&2
