#!/usr/bin/env bash
# Install perfeval-xl into .venv and run it on the bundled seed submissions: scores and
# 校验 findings of the real Changsha / Yueyang tables in tests/data/.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
for f in tests/data/seed*.json; do
  echo "================ $f"
  .venv/bin/perfeval-xl score "$f" | tail -n 3
  # validate exits 1 when it finds 错误 — expected on these real reports
  .venv/bin/perfeval-xl validate "$f" || [ $? -eq 1 ]
done
