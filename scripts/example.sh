#!/usr/bin/env bash
# Install perfeval-xl into .venv and run the main job on the bundled real reports (tests/data/):
# make a unit workbook from each, validate it, and roll the folder up into a district workbook.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test]'
out=example-output
rm -rf "$out" && mkdir -p "$out/报送"
for f in tests/data/seed*.json; do
  name=$(basename "$f" .json)
  .venv/bin/perfeval-xl new --from-json "$f" -o "$out/报送/$name.xlsx"
  # validate exits 1 when it finds 错误 — expected on these real reports
  .venv/bin/perfeval-xl validate "$out/报送/$name.xlsx" > "$out/$name-校验.txt" || [ $? -eq 1 ]
  head -n 2 "$out/$name-校验.txt"
done
.venv/bin/perfeval-xl rollup "$out/报送" -o "$out/区汇总.xlsx" --json "$out/区汇总.json" --feedback "$out/退回意见" || [ $? -eq 1 ]
echo "输出：$out/（单位工作簿、校验结果、区汇总.xlsx、退回意见/）"
