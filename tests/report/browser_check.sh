#!/usr/bin/env bash
# Opens a report in headless Chromium and checks that the page shows with no console or
# script errors and every image loaded; also saves a screenshot. A probe script is added
# to a copy of the page (the report itself has no scripts).
#   browser_check.sh NNLAB_BINARY WORK_DIR
# Exit 0 pass, 1 fail, 77 skip (no chromium).
set -euo pipefail
nnlab="$1"
work="$2"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$chromium" ]]; then echo "chromium not installed: skipped"; exit 77; fi
rm -rf "$work" && mkdir -p "$work"
cd "$work"
cat > tiny.yaml <<'YAML'
name: browser-check
seed: 1
replicates: 8
data: {train: {source: mirror, bits: 6}}
model:
  layers: [{type: dense, units: 2, activation: sigmoid}, {type: dense, units: 1, activation: sigmoid}]
  init: {weight: {uniform: 0.3}, bias: {uniform: 0.3}}
loss: sse
optimizer: {type: sgd, lr: 0.1, momentum: 0.9}
train: {epochs: 300, batch: full, order: fixed}
success: {train_accuracy: 1.0}
YAML
"$nnlab" run tiny.yaml --store runs.db --report report --quiet

probe='<script>
window.__errors = [];
const original = console.error;
console.error = (...a) => { window.__errors.push(a.join(" ")); original(...a); };
window.addEventListener("error", e => window.__errors.push("error: " + (e.message || (e.target && e.target.src))), true);
window.addEventListener("load", () => {
  const images = [...document.images];
  const broken = images.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.getAttribute("src"));
  const out = document.createElement("pre");
  out.id = "probe";
  out.textContent = "IMAGES " + images.length + " BROKEN " + broken.length + " [" + broken.join(",") + "] ERRORS " + window.__errors.length + " [" + window.__errors.join(" | ") + "]";
  document.body.appendChild(out);
});
</script>'
check() {  # $1: a report directory; prints the probe line
  python3 - "$1" "$probe" <<'PY'
import sys, pathlib
page = pathlib.Path(sys.argv[1]) / "index.html"
html = page.read_text()
(pathlib.Path(sys.argv[1]) / "probe.html").write_text(html.replace("<head>", "<head>" + sys.argv[2], 1))
PY
  "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$work/profile" --virtual-time-budget=10000 \
    --dump-dom "file://$1/probe.html" 2>/dev/null | grep -o 'id="probe">IMAGES [^<]*' | sed 's/^id="probe">//' || echo "NO PROBE OUTPUT"
}

status=0
result=$(check "$work/report")
echo "report: $result"
[[ "$result" =~ ^IMAGES\ ([0-9]+)\ BROKEN\ 0\ \[\]\ ERRORS\ 0 ]] && (( BASH_REMATCH[1] >= 5 )) || { echo "FAIL: the report has broken images or errors"; status=1; }

# The check must be able to fail: the same page with one image removed.
cp -r report broken
rm "$(ls broken/*.png | head -1)"
result=$(check "$work/broken")
echo "broken copy: $result"
[[ "$result" =~ BROKEN\ 1 ]] || { echo "FAIL: a missing image went unnoticed"; status=1; }

"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$work/profile" --window-size=1200,2400 \
  --screenshot="$work/screenshot.png" "file://$work/report/index.html" 2>/dev/null
[[ -s "$work/screenshot.png" ]] || { echo "FAIL: no screenshot"; status=1; }
(( status == 0 )) && echo "1 passed, 0 failed" || echo "0 passed, 1 failed"
exit $status
