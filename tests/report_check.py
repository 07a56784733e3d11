#!/usr/bin/python3
"""report_check.py - checks of what `precedent report` and --format svg|ics
write, for tests/cli/report.sh.  Standard library only, except the ics
check, which parses with Debian's python3-icalendar (exit 77 without it).

  report_check.py html FILE        page structure, every SVG, no fetches;
                                   prints the report-data JSON
  report_check.py svg FILE...      each a well-formed SVG with title/desc
  report_check.py ics FILE         RFC 5545 lines, then icalendar's parse;
                                   prints "UID|DTSTART|SUMMARY" per event
  report_check.py data FILE KEY..  prints the report-data value at a path
  report_check.py same-plan REPORT.json PLAN.json   dates agree

Exit 0 when every check holds, 1 with the reasons on stderr.
"""
import html.parser
import json
import re
import sys
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "source", "track", "wbr"}
errors = []


def fail(msg):
    errors.append(msg)


class Page(html.parser.HTMLParser):
    """Balanced tags, unique ids, no script but the JSON data, nothing
    that would fetch (src, external href, url(), @import)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.ids, self.data, self.in_data = [], set(), "", False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            if a.get("type") != "application/json":
                fail("a script that is not data: %r" % (attrs,))
            self.in_data = True
        for k, v in attrs:
            if k.startswith("on"):
                fail("an event handler attribute %s" % k)
            if k in ("src", "srcset", "poster", "data"):
                fail("a fetching attribute %s=%r" % (k, v))
            if k in ("href", "xlink:href") and v and not v.startswith("#"):
                fail("a link out: %s=%r" % (k, v))
            if k == "style" and v and "url(" in v:
                fail("url() in a style attribute")
        if "id" in a:
            if a["id"] in self.ids:
                fail("duplicate id %r" % a["id"])
            self.ids.add(a["id"])
        if tag in ("link", "img", "iframe", "object", "embed", "image", "use"):
            fail("an element that fetches: <%s>" % tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            fail("</%s> closes <%s>" % (tag, self.stack[-1] if self.stack else "nothing"))
            return
        self.stack.pop()
        if tag == "script":
            self.in_data = False

    def handle_data(self, d):
        if self.in_data:
            self.data += d


def check_svg_element(el, name):
    if el.tag != SVG + "svg":
        fail("%s: the root is %s, not svg" % (name, el.tag))
        return
    vb = el.get("viewBox", "").split()
    if len(vb) != 4 or float(vb[2]) < 300 or float(vb[3]) < 100:
        fail("%s: viewBox %r is too small" % (name, el.get("viewBox")))
    if el.find(SVG + "title") is None or not (el.find(SVG + "title").text or "").strip():
        fail("%s: no title (text alternative)" % name)
    if el.find(SVG + "desc") is None or not (el.find(SVG + "desc").text or "").strip():
        fail("%s: no desc (text alternative)" % name)
    if len(list(el.iter(SVG + "text"))) < 3:
        fail("%s: fewer than 3 text elements (axes, labels)" % name)


def page(path):
    raw = open(path, "rb").read()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    if re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text):
        fail("a control character in the page")
    if not text.startswith("<!DOCTYPE html>"):
        fail("no doctype")
    for bad in ("@import", "url(", "<script>", "javascript:"):
        if bad in text.lower():
            fail("%r in the page" % bad)
    p = Page()
    p.feed(text)
    p.close()
    if p.stack:
        fail("unclosed tags: %s" % p.stack)
    svgs = re.findall(r"<svg\b.*?</svg>", text, re.S)
    if len(svgs) < 3:
        fail("only %d charts" % len(svgs))
    for i, s in enumerate(svgs):
        try:
            check_svg_element(ET.fromstring(s), "chart %d" % (i + 1))
        except ET.ParseError as e:
            fail("chart %d is not well-formed XML: %s" % (i + 1, e))
    try:
        return json.loads(p.data)
    except ValueError as e:
        fail("the report-data block is not JSON: %s" % e)
        return None


def svgs(paths):
    for path in paths:
        try:
            check_svg_element(ET.parse(path).getroot(), path)
        except ET.ParseError as e:
            fail("%s is not well-formed XML: %s" % (path, e))


def ics(path):
    raw = open(path, "rb").read()
    if not raw.endswith(b"\r\n"):
        fail("the file does not end in CRLF")
    lines = raw.split(b"\r\n")[:-1]
    for n, line in enumerate(lines, 1):
        if b"\n" in line or b"\r" in line:
            fail("line %d: a bare line break" % n)
        if len(line) > 75:
            fail("line %d: %d octets (at most 75)" % (n, len(line)))
        try:
            line.decode("utf-8")  # folding never splits a character
        except UnicodeDecodeError:
            fail("line %d: not UTF-8 on its own (folded inside a character)" % n)
    unfolded = raw.replace(b"\r\n ", b"").decode("utf-8").split("\r\n")
    uids = [l for l in unfolded if l.startswith("UID:")]
    if len(uids) != len(set(uids)):
        fail("duplicate UIDs")
    nev = sum(1 for l in unfolded if l == "BEGIN:VEVENT")
    if sum(1 for l in unfolded if l.startswith("DTSTAMP:")) != nev:
        fail("an event without DTSTAMP")
    if sum(1 for l in unfolded if l.startswith("DTSTART;VALUE=DATE:")) != nev:
        fail("an event that is not all-day")
    if errors:
        return
    try:
        import icalendar
    except ImportError:
        print("# python3-icalendar is not installed", file=sys.stderr)
        sys.exit(77)
    cal = icalendar.Calendar.from_ical(raw)
    for ev in cal.walk("VEVENT"):
        start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
        if hasattr(start, "hour") or (end - start).days != 1:
            fail("%s: not a one-day all-day event" % ev["UID"])
        print("%s|%s|%s" % (ev["UID"], start.isoformat(), str(ev["SUMMARY"])))


def same_plan(rpath, ppath):
    """The page's dates equal those of plan's or whatif's JSON (whatif
    lists its phases by criticality, so they are matched by name)."""
    r = json.load(open(rpath))
    p = json.load(open(ppath))
    if r["finish"] != p["finish"]:
        fail("release finish %r != %r" % (r["finish"], p["finish"]))
    theirs = {x["phase"]: x for x in p["phases"]}
    if sorted(x["phase"] for x in r["phases"]) != sorted(theirs):
        fail("phases differ")
    for a in r["phases"]:
        b = theirs.get(a["phase"], {})
        for k in ("start", "finish"):
            if a[k] != b.get(k):
                fail("%s %s: %r != %r" % (a["phase"], k, a[k], b.get(k)))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "html":
        d = page(args[0])
        if d is not None and not errors:
            print(json.dumps(d, sort_keys=True))
    elif cmd == "svg":
        svgs(args)
    elif cmd == "ics":
        ics(args[0])
    elif cmd == "data":
        d = json.load(open(args[0]))
        for k in args[1:]:
            d = d[int(k)] if isinstance(d, list) else d[k]
        print(d if not isinstance(d, (dict, list)) else json.dumps(d, sort_keys=True))
    elif cmd == "same-plan":
        same_plan(args[0], args[1])
    else:
        fail("unknown check %s" % cmd)
    for e in errors:
        print("report_check: %s" % e, file=sys.stderr)
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
