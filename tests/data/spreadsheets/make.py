#!/usr/bin/env python3
# make.py - write the spreadsheet exports under tests/data/spreadsheets/
# and, independently of precedent, what `history --format csv` must give
# after importing each (expected*.csv).  Run from this directory:
#   python3 make.py
# One release manager's 30-row history, as Excel, LibreOffice and Google
# Sheets export it in ISO, European and US settings.
import csv, datetime, io

D = datetime.date
# Client, Release, Stage, Started, Finished (None: running), Tier, Budget,
# Notes
ROWS = [
    ("Hale, Moss & Partners", "R1 2025", "Design", D(2025, 1, 6), D(2025, 1, 24), "Gold", "12500.50", 'kick-off slipped a week, "as usual"'),
    ("Hale, Moss & Partners", "R1 2025", "Build", D(2025, 1, 27), D(2025, 3, 14), "Gold", "12500.50", ""),
    ("Hale, Moss & Partners", "R1 2025", "Test", D(2025, 3, 17), D(2025, 4, 4), "Gold", "12500.50", ""),
    ("Hale, Moss & Partners", "R2 2025", "Design", D(2025, 6, 2), D(2025, 6, 13), "Gold", "9800.00", ""),
    ("Hale, Moss & Partners", "R2 2025", "Build", D(2025, 6, 16), D(2025, 8, 1), "Gold", "9800.00", "summer holidays"),
    ("Hale, Moss & Partners", "R2 2025", "Test", D(2025, 8, 4), D(2025, 8, 29), "Gold", "9800.00", ""),
    ("Zürich Rück AG", "Core 2.0", "Design", D(2025, 2, 3), D(2025, 2, 28), "Silver", "20000.00", "Übergabe an Team Süd"),
    ("Zürich Rück AG", "Core 2.0", "Build", D(2025, 3, 3), D(2025, 5, 9), "Silver", "20000.00", ""),
    ("Zürich Rück AG", "Core 2.0", "Test", D(2025, 5, 12), D(2025, 6, 6), "Silver", "20000.00", ""),
    ("Zürich Rück AG", "Core 2.1", "Design", D(2025, 9, 1), D(2025, 9, 19), "Silver", "7500.25", ""),
    ("Zürich Rück AG", "Core 2.1", "Build", D(2025, 9, 22), D(2025, 11, 28), "Silver", "7500.25", ""),
    ("Zürich Rück AG", "Core 2.1", "Test", D(2025, 12, 1), D(2026, 1, 16), "Silver", "7500.25", "year-end freeze"),
    ("Northwind", "Web 3", "Design", D(2026, 7, 6), D(2026, 7, 31), "Bronze", "4000.00", ""),
    ("Northwind", "Web 3", "Build", D(2026, 8, 3), D(2026, 10, 2), "Bronze", "4000.00", ""),
    ("Northwind", "Web 3", "Test", D(2026, 10, 5), None, "Bronze", "4000.00", "still testing"),
]
HEAD = ["Client", "Release", "Stage", "Started", "Finished", "State", "Tier", "Budget", "Notes"]


def table(date, budget=lambda b: b, state=("Completed", "In progress")):
    out = [HEAD]
    for c, r, s, a, b, t, m, n in ROWS:
        out.append([c, r, s, date(a), date(b) if b else "",
                    state[0] if b else state[1], t, budget(m), n])
    return out


def write(rows, delim=",", eol="\r\n"):
    f = io.StringIO()
    w = csv.writer(f, delimiter=delim, lineterminator=eol)
    w.writerows(rows)
    return f.getvalue()


iso = lambda d: d.isoformat()
# Excel, ISO dates: UTF-8 with a byte order mark, CRLF.
open("excel-iso.csv", "wb").write(("\ufeff" + write(table(iso))).encode())
# Excel, German settings: ';', DD.MM.YYYY would also do; DD/MM/YYYY here
# as LibreOffice writes it for en-GB, decimal commas.
eu = table(lambda d: d.strftime("%d/%m/%Y"), budget=lambda b: b.replace(".", ","))
open("european.csv", "wb").write(("\ufeff" + write(eu, delim=";")).encode())
# Google Sheets, US: M/D/YYYY without leading zeros, LF.
us = table(lambda d: "%d/%d/%d" % (d.month, d.day, d.year))
open("us.csv", "wb").write(write(us, eol="\n").encode())
# Excel "CSV" on Windows: the ANSI code page, windows-1252.
open("windows-1252.csv", "wb").write(write(table(iso)).encode("cp1252"))
# Excel "Unicode text": UTF-16 little-endian with a byte order mark, tabs.
open("utf16.txt", "wb").write(("\ufeff" + write(table(iso), delim="\t")).encode("utf-16-le"))
# LibreOffice with date-time cells and the State column as typed.
dt = table(lambda d: d.isoformat() + " 00:00:00")
open("state-datetime.csv", "wb").write(write(dt, eol="\n").encode())
# Trailing empty rows, as a spreadsheet with formatted empty cells writes.
open("trailing-empty.csv", "wb").write((write(table(iso)) + ",,,,,,,,\r\n" * 3 + "\r\n").encode())


def canon(rows):
    """What `history --format csv` writes: sorted by customer, project,
    start, phase (byte order), attributes in key order, quoted only where
    reading back would change the field."""
    def q(s):
        if s and not any(c in s for c in ',"\r\n') and s[0] not in " \t" and s[-1] not in " \t":
            return s
        if not s:
            return s
        return '"' + s.replace('"', '""') + '"'
    body = []
    for row in rows[1:]:
        c, r, s, a, b, st, t, m, n = row
        body.append((c, r, a, s, [c, r, s, a, b, "done" if b else "ongoing", m, n, t]))
    body.sort(key=lambda x: (x[0].encode(), x[1].encode(), x[2], x[3].encode()))
    lines = ["customer,project,phase,start,end,status,budget,notes,tier"]
    lines += [",".join(q(f) for f in x[4]) for x in body]
    return "\n".join(lines) + "\n"


open("expected.csv", "w").write(canon(table(iso)))
open("expected-european.csv", "w").write(
    canon(table(iso, budget=lambda b: b.replace(".", ","))))

# fitdist input as a European spreadsheet writes it: decimal commas, and
# so values that a comma-separated reader would cut in two.
open("durations-eu.csv", "w").write("days\n12,5\n7\n30,25\n18,75\n")
