#!/bin/sh
# report-browser.sh - the sample report as a person sees it: headless
# Chromium renders it to PNG and PDF without a console message or a
# network request; each chart has a real size and its marks (a bar per
# phase, the deadline, the curve); no text leaves its chart's box.
#
# The page holds no script, so the measuring script is appended to a
# copy of it for this test only; it writes what it finds into the DOM,
# which --dump-dom prints.  SKIPs (77) without chromium; ./bootstrap
# installs it.
. "$top_srcdir/tests/setup.sh"

CHROMIUM=
for c in chromium chromium-browser google-chrome; do
	if command -v $c >/dev/null 2>&1; then
		CHROMIUM=$c
		break
	fi
done
if [ -z "$CHROMIUM" ]; then
	echo "1..0 # SKIP chromium is not installed"
	exit 77
fi
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3

# --no-sandbox: CI runs as root; a private profile keeps runs apart.
chrome() {
	timeout 120 $CHROMIUM --headless --no-sandbox --disable-gpu --no-first-run \
		--user-data-dir="$TMP/profile" --hide-scrollbars --window-size=1000,1400 \
		--disable-extensions --disable-background-networking \
		--enable-logging=stderr --v=0 "$@"
}

db=$TMP/s.db
run 0 "import the sample history" -- $PC --db "$db" -q import --as-of 2026-11-01 \
	"$top_srcdir/datasets/sample.csv"
run 0 "write the sample report" -- $PC --db "$db" report --start 2027-01-04 \
	--deadline 2027-04-30 --customer "Sample Customer" --slot load_test=best \
	--iterations 20000 --ci 20 -o "$TMP/r.html"
nphases=$($PY -c 'import re,json,sys
t=open(sys.argv[1]).read()
m=re.search(r"<script type=\"application/json\" id=\"report-data\">(.*?)</script>", t, re.S)
print(len(json.loads(m.group(1))["phases"]))' "$TMP/r.html")

# PNG and PDF, with the browser's log: a console message or a failed load
# would show there.
run 0 "render to PNG" -- chrome --screenshot="$TMP/r.png" "file://$TMP/r.html"
cp "$TMP/err" "$TMP/png.log"
head -c 8 "$TMP/r.png" | od -An -c | grep -q 'P   N   G' && r=0 || r=1
ok $r "a PNG was written"
[ "$(wc -c <"$TMP/r.png")" -gt 50000 ] && r=0 || r=1
ok $r "the PNG is not blank ($(wc -c <"$TMP/r.png") bytes)"
run 0 "print to PDF" -- chrome --print-to-pdf="$TMP/r.pdf" --no-pdf-header-footer \
	"file://$TMP/r.html"
cp "$TMP/err" "$TMP/pdf.log"
[ "$(head -c 5 "$TMP/r.pdf")" = "%PDF-" ] && r=0 || r=1
ok $r "a PDF was written"
pages=$($PY -c 'import re,sys
print(len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", open(sys.argv[1], "rb").read())))' "$TMP/r.pdf")
[ "$pages" -ge 2 ] && [ "$pages" -le 12 ] && r=0 || r=1
ok $r "the PDF has a sensible number of pages ($pages)"
cat "$TMP/png.log" "$TMP/pdf.log" >"$TMP/browser.log"
grep -i 'CONSOLE' "$TMP/browser.log" >"$TMP/console" || true
[ ! -s "$TMP/console" ] && r=0 || r=1
ok $r "no console message while loading the page"
[ $r -eq 0 ] || sed 's/^/# /' "$TMP/console" | head
grep -iE 'net::ERR|Failed to load|blocked' "$TMP/browser.log" >"$TMP/net" || true
[ ! -s "$TMP/net" ] && r=0 || r=1
ok $r "no failed load in the browser's log"

# Measure in the browser.  console.error("probe") proves that a console
# message would have been seen in the log above.
sed '/^<\/body>/,$d' "$TMP/r.html" >"$TMP/probe.html"
cat >>"$TMP/probe.html" <<'JS'
<script>
console.error("report-browser-probe");
(function () {
  var out = {resources: performance.getEntriesByType("resource").length,
             charts: [], overflow: []};
  document.querySelectorAll("svg.chart").forEach(function (s, i) {
    var r = s.getBoundingClientRect(), c = s.querySelector(".curve");
    out.charts.push({cls: s.getAttribute("class"), w: r.width, h: r.height,
      bars: s.querySelectorAll(".bar").length,
      deadline: s.querySelectorAll(".deadline").length,
      curve: c ? c.getTotalLength() : 0,
      texts: s.querySelectorAll("text").length});
    s.querySelectorAll("text").forEach(function (t) {
      var b = t.getBoundingClientRect();
      if (b.width > 0 && (b.left < r.left - 0.5 || b.right > r.right + 0.5 ||
          b.top < r.top - 0.5 || b.bottom > r.bottom + 0.5))
        out.overflow.push(i + ": " + t.textContent);
    });
  });
  var pre = document.createElement("pre");
  pre.id = "browser-check";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
</body>
</html>
JS
run 0 "measure the charts" -- chrome --virtual-time-budget=3000 --dump-dom \
	"file://$TMP/probe.html"
cp "$TMP/out" "$TMP/dom.html"
grep -q 'report-browser-probe' "$TMP/err" && r=0 || r=1
ok $r "a console message does reach the log (the check above can fail)"
$PY - "$TMP/dom.html" "$nphases" >"$TMP/verdict" 2>&1 <<'EOF' && r=0 || r=1
import html, json, re, sys
t = open(sys.argv[1]).read()
m = re.search(r'<pre id="browser-check">(.*?)</pre>', t, re.S)
if not m:
    sys.exit("the measuring script did not run")
d = json.loads(html.unescape(m.group(1)))
n = int(sys.argv[2])
bad = []
if d["resources"]:
    bad.append("%d resources fetched" % d["resources"])
kinds = {}
for c in d["charts"]:
    k = c["cls"].split()[1]
    kinds[k] = kinds.get(k, 0) + 1
    if c["w"] < 300 or c["h"] < 100:
        bad.append("%s is %.0fx%.0f px" % (k, c["w"], c["h"]))
    if c["texts"] < 3:
        bad.append("%s has %d texts" % (k, c["texts"]))
    if k == "gantt" and (c["bars"] != n or c["deadline"] != 1):
        bad.append("gantt: %d bars for %d phases, %d deadline lines" % (c["bars"], n, c["deadline"]))
    if k == "curve" and (c["curve"] < 100 or c["deadline"] != 1):
        bad.append("curve: path %.0f px long, %d deadline lines" % (c["curve"], c["deadline"]))
want = {"gantt": 1, "curve": 1, "history": n, "drivers": 1, "reliability": 1}
if kinds != want:
    bad.append("charts %r, expected %r" % (kinds, want))
for o in d["overflow"]:
    bad.append("text outside its chart: chart %s" % o)
print("%d charts measured" % len(d["charts"]))
if bad:
    sys.exit("\n".join(bad))
EOF
ok $r "every chart has its size and marks, and no text leaves its box"
sed 's/^/# /' "$TMP/verdict"

done_testing
