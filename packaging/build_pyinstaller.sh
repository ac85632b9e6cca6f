#!/usr/bin/env bash
# Build the one-folder desktop app with PyInstaller, then run its smoke test.
#   packaging/build_pyinstaller.sh [PYTHON]     (default: .venv/bin/python)
# Output: dist/amlref/ (the folder to ship; amlref/amlref is the executable).  Takes minutes:
# not part of the test suite; CI runs it as a separate job.
set -euo pipefail
cd "$(dirname "$0")/.."
py=${1:-.venv/bin/python}
"$py" -m PyInstaller --version >/dev/null 2>&1 || "$py" -m pip install -q "pyinstaller>=6"
start=$(date +%s)
"$py" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/amlref.spec
echo "built dist/amlref in $(( $(date +%s) - start )) s, $(du -sh dist/amlref | cut -f1)"
exec packaging/smoke_test_frozen.sh dist/amlref
