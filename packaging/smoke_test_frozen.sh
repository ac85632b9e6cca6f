#!/usr/bin/env bash
# Smoke test of a frozen build (packaging/build_pyinstaller.sh runs it):
#   packaging/smoke_test_frozen.sh dist/amlref
# 1. amlref --version; 2. a headless import of real-format files and an export, checked;
# 3. the window started offscreen and closed (time to first window measured);
# 4. the folder size.  Exit status 0 only when every step passed.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dir=$(cd "${1:-dist/amlref}" && pwd)
exe="$dir/amlref"
[ -x "$exe" ] || exe="$dir/amlref.exe"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export HOME="$work/home" XDG_DATA_HOME="$work/data" XDG_CONFIG_HOME="$work/config" \
       XDG_CACHE_HOME="$work/cache" QT_QPA_PLATFORM=offscreen
lib="$work/lib.sqlite"

echo "1. version"
"$exe" --version | grep -q "^amlref " || { echo "FAIL: --version"; exit 1; }

echo "2. headless import and export"
cat > "$work/in.ris" <<'RIS'
TY  - JOUR
AU  - Daver, Naval
AU  - Alotaibi, Ahmad S.
TI  - Efficacy and safety of azacitidine and nivolumab in relapsed/refractory acute myeloid leukemia
JO  - Cancer Discovery
PY  - 2019
VL  - 9
IS  - 3
SP  - 370
EP  - 383
DO  - 10.1158/2159-8290.CD-18-0774
ER  - 
RIS
cat > "$work/in.bib" <<'BIB'
@article{sallman2023,
  author  = {Sallman, David A. and Asch, Adam S. and Al Malki, Monzr M.},
  title   = {Magrolimab in Combination With Azacitidine in Patients With Higher-Risk
             Myelodysplastic Syndromes},
  journal = {Journal of Clinical Oncology},
  year    = {2023},
  volume  = {41},
  pages   = {2815--2826},
  doi     = {10.1200/JCO.22.01794},
}
BIB
"$exe" --library "$lib" import "$work/in.ris" "$work/in.bib" --json > "$work/report.json"
grep -q '"added": 2' "$work/report.json" || { echo "FAIL: import"; cat "$work/report.json"; exit 1; }
"$exe" --library "$lib" export -f bibtex -o "$work/out.bib"
grep -qi "10.1158/2159-8290.CD-18-0774" "$work/out.bib" || { echo "FAIL: export"; exit 1; }
"$exe" --library "$lib" export -f csljson | grep -q '"DOI"' || { echo "FAIL: csljson"; exit 1; }
"$exe" --library "$lib" categories > /dev/null     # the taxonomy resource is found
"$exe" --library "$lib" cite -s vancouver-nlm --all > "$work/cite.txt" 2>/dev/null || true
"$exe" --library "$lib" backup "$work/copy.sqlite" > /dev/null || { echo "FAIL: backup"; exit 1; }

echo "3. window offscreen"
# AMLREF_SMOKE_TEST: the window says "window shown" once the event loop runs, then closes itself
start=$(date +%s.%N)
AMLREF_SMOKE_TEST=1 "$exe" --library "$lib" gui > "$work/gui.log" 2>&1 &
pid=$!
shown=""
for _ in $(seq 1 1200); do
  if [ -z "$shown" ] && grep -q "window shown" "$work/gui.log" 2>/dev/null; then
    shown=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
  fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.05
done
if kill -0 "$pid" 2>/dev/null; then
  kill -TERM "$pid"; echo "FAIL: the window did not close"; cat "$work/gui.log"; exit 1
fi
code=0; wait "$pid" || code=$?
[ -z "$shown" ] && grep -q "window shown" "$work/gui.log" && \
  shown=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
if [ -z "$shown" ] || [ "$code" != 0 ]; then
  echo "FAIL: window (exit $code; log follows)"; cat "$work/gui.log"; exit 1
fi
echo "   time to first window: ${shown} s (closed cleanly)"

gui="$dir/amlref-gui"
[ -x "$gui" ] || gui="$dir/amlref-gui.exe"
if [ -x "$gui" ]; then        # the windowed program starts and closes the same way
  AMLREF_SMOKE_TEST=1 AMLREF_LIBRARY="$lib" timeout 120 "$gui" > "$work/gui2.log" 2>&1 || \
    { echo "FAIL: amlref-gui"; cat "$work/gui2.log"; exit 1; }
  grep -q "window shown" "$work/gui2.log" || { echo "FAIL: amlref-gui window"; exit 1; }
  echo "   amlref-gui: window shown and closed"
fi

# "Open with AMLRef": amlref FILE... opens the window and imports the files
AMLREF_SMOKE_TEST=1 timeout 120 "$exe" --library "$work/open.sqlite" "$work/in.ris" \
  "$work/in.bib" > "$work/gui3.log" 2>&1 || { echo "FAIL: amlref FILE..."; cat "$work/gui3.log"; exit 1; }
"$exe" --library "$work/open.sqlite" categories | head -1 | grep -q "^2 articles" || \
  { echo "FAIL: amlref FILE... did not import the files"; exit 1; }
echo "   amlref FILE...: window opened, 2 files imported"

echo "4. size: $(du -sh "$dir" | cut -f1) ($dir)"
echo "frozen build OK"
