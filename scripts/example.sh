#!/usr/bin/env bash
# Install perfeval-xl into .venv (with the extras the tests and the charts use) and run the main
# job on the bundled example district: validate every workbook in examples/报送/, roll the folder
# up into example-output/区汇总.xlsx with its JSON report, 退回意见 and PNG charts.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -e '.[test,cluster,charts]'
.venv/bin/perfeval-xl demo -o example-output
