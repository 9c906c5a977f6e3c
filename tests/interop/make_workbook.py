#!/usr/bin/python3
"""Workbooks made the way people make them in other programs, for plm's interoperability tests
(issue 14 §4; tests/integration/exchange_interop_test.cpp runs this).

    /usr/bin/python3 make_workbook.py CASE OUT.xlsx
    /usr/bin/python3 make_workbook.py --all DIR       every case as DIR/<case>.xlsx; prints
                                                      {case: what a reader should find, …}
    /usr/bin/python3 make_workbook.py --list

Each CASE writes one .xlsx with openpyxl (Debian's python3-openpyxl 3.0.9) and prints, as JSON on
standard output, what a reader should find in it (the sheets and, per track sheet, the rows as
{"uri": …} or {"title": …, "artist": …}; "date1904"; words of the "warnings" the import gives, and
of those it gives only once a program that calculates saved the file; the "hidden" sheets), so the C++ test compares plm's reading with the intent
and never with a second copy of these values. Run it with /usr/bin/python3: the pyenv `python3`
on PATH has no openpyxl.

The cases (openpyxl 3.0.9 writes every string inline, absolute "/xl/…" relationship targets and no cached
value for a formula: all things plm's reader must follow):
  plain_title_artist  a sheet "Road Trip" with "Artist | Album | Title" headers (any order), a
                      note above the header, an empty row between the tracks
  uri_column          a sheet "Chill" with one "Spotify URI" column
  links               a sheet "Links" of open.spotify.com track links (with ?si=, intl-de/)
  typed               title, artist, a Duration as a time cell (m:ss), an "Added" datetime and an
                      album column with one album as a Number (Taylor Swift's "1989")
  date1904            the typed case in a workbook of the 1904 date system
  merged              a title/artist sheet whose album cells are merged over three track rows
  formulas            a title built by a formula (="Bohemian "&"Rhapsody"): openpyxl stores no
                      cached value, so a reader sees only the formula
  rich_text           a title in rich text (bold and italic runs in sharedStrings.xml) and one
                      as an inline string (t="inlineStr"), written by editing openpyxl's file
  several_sheets      three track sheets in a chosen tab order plus a hidden one
"""

import datetime
import json
import os
import re
import shutil
import sys
import tempfile
import zipfile

import openpyxl
from openpyxl.styles import Font

# Real-looking tracks (URIs are the catalog's shapes: 22 base-62 characters).
TRACKS = [
    ("Queen", "A Night at the Opera", "Bohemian Rhapsody", "spotify:track:4u7EnebtmKWzUH433cf5Qv",
     354947),
    ("Daft Punk", "Discovery", "One More Time", "spotify:track:0DiWol3AO6WpXZgp0goxAV", 320357),
    ("宇多田ヒカル", "First Love", "First Love", "spotify:track:3ZyPZhRwDC4CFL0bSKWvsO", 259000),
    ("Sigur Rós", "Ágætis byrjun", "Svefn-g-englar", "spotify:track:6eTGxxQxiTFE6LfZHC33Wm",
     604000),
    ("Beyoncé", "Lemonade", "Formation", "spotify:track:6g0Orsxv6glTJCt4cHsRsQ", 206000),
    # An album named by a number: a spreadsheet keeps it as a Number cell.
    ("Taylor Swift", 1989, "Blank Space", "spotify:track:1u8c2t2Cy7UBoG4ArRcF5g", 231827),
]


def header(sheet, row, names):
    for column, name in enumerate(names, start=1):
        cell = sheet.cell(row=row, column=column, value=name)
        cell.font = Font(bold=True)


def plain_title_artist(book):
    sheet = book.active
    sheet.title = "Road Trip"
    sheet["A1"] = "Planned for the summer tour"
    header(sheet, 3, ["Artist", "Album", "Title"])
    rows = []
    row = 4
    for index, (artist, album, title, _uri, _ms) in enumerate(TRACKS):
        if index == 2:
            row += 1  # an empty row between tracks: skipped
        sheet.cell(row=row, column=1, value=artist)
        sheet.cell(row=row, column=2, value=album)
        sheet.cell(row=row, column=3, value=title)
        rows.append({"row": row, "title": title, "artist": artist, "album": str(album)})
        row += 1
    return {"sheets": [{"name": "Road Trip", "rows": rows}]}


def uri_column(book):
    sheet = book.active
    sheet.title = "Chill"
    sheet["A1"] = "Spotify URI"
    rows = []
    for index, track in enumerate(TRACKS, start=2):
        sheet.cell(row=index, column=1, value=track[3])
        rows.append({"row": index, "uri": track[3]})
    return {"sheets": [{"name": "Chill", "rows": rows}]}


def links(book):
    sheet = book.active
    sheet.title = "Links"
    header(sheet, 1, ["Link", "Note"])
    rows = []
    for index, track in enumerate(TRACKS, start=2):
        track_id = track[3].split(":")[2]
        prefix = "https://open.spotify.com/intl-de/track/" if index % 2 else \
            "https://open.spotify.com/track/"
        link = prefix + track_id + "?si=0123456789abcdef"
        cell = sheet.cell(row=index, column=1, value=link)
        if index == 2:
            cell.hyperlink = link  # a real hyperlink, as Excel makes from a pasted link
        sheet.cell(row=index, column=2, value="from " + track[0])
        rows.append({"row": index, "uri": track[3]})
    return {"sheets": [{"name": "Links", "rows": rows}]}


ADDED = datetime.datetime(2024, 2, 29, 13, 45, 30)


def typed(book, sheet_name="Typed"):
    sheet = book.active
    sheet.title = sheet_name
    header(sheet, 1, ["Title", "Artist", "Duration", "Added", "Album"])
    rows = []
    for index, (artist, album, title, _uri, ms) in enumerate(TRACKS, start=2):
        seconds = round(ms / 1000)
        sheet.cell(row=index, column=1, value=title)
        sheet.cell(row=index, column=2, value=artist)
        duration = sheet.cell(row=index, column=3,
                              value=datetime.time(0, seconds // 60, seconds % 60))
        duration.number_format = "mm:ss"
        added = sheet.cell(row=index, column=4, value=ADDED + datetime.timedelta(days=index))
        added.number_format = "yyyy-mm-dd hh:mm:ss"
        sheet.cell(row=index, column=5, value=album)
        rows.append({"row": index, "title": title, "artist": artist, "album": str(album),
                     "duration_ms": seconds * 1000,
                     "added": (ADDED + datetime.timedelta(days=index)).isoformat() + "Z"})
    return {"sheets": [{"name": sheet_name, "rows": rows}]}


def date1904(book):
    book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    expected = typed(book, "Mac")
    expected["date1904"] = True
    return expected


def merged(book):
    sheet = book.active
    sheet.title = "Merged"
    header(sheet, 1, ["Title", "Artist", "Album"])
    rows = []
    for index, (artist, _album, title, _uri, _ms) in enumerate(TRACKS, start=2):
        sheet.cell(row=index, column=1, value=title)
        sheet.cell(row=index, column=2, value=artist)
        rows.append({"row": index, "title": title, "artist": artist})
    sheet["C2"] = "Mixed"
    sheet.merge_cells("C2:C4")
    return {"sheets": [{"name": "Merged", "rows": rows}], "warnings": ["merged"]}


def two_tracks(book, name, first_title_cell, second_title_cell):
    """A "Title | Artist" sheet of Queen's and Daft Punk's tracks whose title cells hold what the
    case writes (a formula, a placeholder the case rewrites)."""
    sheet = book.active
    sheet.title = name
    header(sheet, 1, ["Title", "Artist"])
    sheet["A2"] = first_title_cell
    sheet["B2"] = "Queen"
    sheet["A3"] = second_title_cell
    sheet["B3"] = "Daft Punk"
    return {"sheets": [{"name": name, "rows": [
        {"row": 2, "title": "Bohemian Rhapsody", "artist": "Queen"},
        {"row": 3, "title": "One More Time", "artist": "Daft Punk"}]}]}


def formulas(book):
    # openpyxl writes no cached value: a reader without a calculation engine has no title for row 2
    # (LibreOffice computes it when it re-saves the file; then the import warns of the formula).
    expected = two_tracks(book, "Formulas", '="Bohemian "&"Rhapsody"', "One More Time")
    expected["sheets"][0]["rows"][0]["formula"] = True
    expected["warnings_once_calculated"] = ["formula"]
    return expected


def rich_text(book):
    return two_tracks(book, "Rich", "RICH-PLACEHOLDER", "INLINE-PLACEHOLDER")


def rich_text_rewrite(path):
    """openpyxl 3.0.9 writes every string inline and no rich text: give the file what Excel
    writes, a shared-strings part (its relationship and content type too) whose first string is
    rich text, the cell A2 pointing at it, and rich-text runs inside the inline string of A3."""
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            parts[info.filename] = archive.read(info.filename).decode()
    parts["xl/sharedStrings.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" '
        'uniqueCount="1"><si><r><rPr><b/><sz val="11"/><rFont val="Calibri"/></rPr>'
        '<t xml:space="preserve">Bohemian </t></r><r><rPr><i/><sz val="11"/></rPr><t>Rhap</t></r>'
        '<r><t>sody</t></r><rPh sb="0" eb="1"><t>ignored phonetic run</t></rPh></si></sst>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        "</Relationships>",
        '<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'sharedStrings" Target="sharedStrings.xml" Id="rIdStrings"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        "</Types>",
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet, shared = re.subn(r'<c r="A2" t="inlineStr"><is><t>RICH-PLACEHOLDER</t></is></c>',
                            '<c r="A2" t="s"><v>0</v></c>', sheet)
    sheet, inline = re.subn(r'<is><t>INLINE-PLACEHOLDER</t></is>',
                            '<is><r><t xml:space="preserve">One More </t></r><r><rPr><b/></rPr>'
                            '<t>Time</t></r></is>', sheet)
    assert shared == 1 and inline == 1, "openpyxl's sheet XML changed: update rich_text_rewrite"
    parts["xl/worksheets/sheet1.xml"] = sheet
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data.encode())


def several_sheets(book):
    names = ["Morning", "Hidden Gems", "Evening", "Night"]
    book.active.title = names[0]
    for name in names[1:]:
        book.create_sheet(name)
    sheets = []
    for offset, name in enumerate(names):
        sheet = book[name]
        header(sheet, 1, ["URI", "Title"])
        rows = []
        for index in range(3):
            track = TRACKS[(offset + index) % len(TRACKS)]
            sheet.cell(row=index + 2, column=1, value=track[3])
            sheet.cell(row=index + 2, column=2, value=track[2])
            rows.append({"row": index + 2, "uri": track[3]})
        if name == "Hidden Gems":
            sheet.sheet_state = "hidden"
        else:
            sheets.append({"name": name, "rows": rows})
    book.move_sheet("Night", offset=-3)  # tab order: Night, Morning, Hidden Gems, Evening
    book.active = 1
    order = ["Night", "Morning", "Evening"]
    sheets.sort(key=lambda sheet: order.index(sheet["name"]))
    return {"sheets": sheets, "hidden": ["Hidden Gems"]}


CASES = {
    "plain_title_artist": plain_title_artist,
    "uri_column": uri_column,
    "links": links,
    "typed": typed,
    "date1904": date1904,
    "merged": merged,
    "formulas": formulas,
    "rich_text": rich_text,
    "several_sheets": several_sheets,
}


def make(case, out):
    """Writes the case to `out` and returns what a reader should find in it."""
    book = openpyxl.Workbook()
    expected = CASES[case](book)
    # Written next to the target and renamed, so a reader never sees half a file.
    directory = os.path.dirname(os.path.abspath(out))
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".xlsx", delete=False) as temporary:
        temporary_path = temporary.name
    book.save(temporary_path)
    if case == "rich_text":
        rich_text_rewrite(temporary_path)
    shutil.move(temporary_path, out)
    expected.setdefault("date1904", False)
    expected.setdefault("warnings", [])
    expected.setdefault("warnings_once_calculated", [])
    expected.setdefault("hidden", [])
    return expected


def main(argv):
    if len(argv) == 2 and argv[1] == "--list":
        print("\n".join(CASES))
        return 0
    if len(argv) == 3 and argv[1] == "--all":
        # Every case as DIR/<case>.xlsx in one run (a Python start costs more than a case).
        expected = {case: make(case, os.path.join(argv[2], case + ".xlsx")) for case in CASES}
    elif len(argv) == 3 and argv[1] in CASES:
        expected = make(argv[1], argv[2])
    else:
        sys.stderr.write("usage: make_workbook.py CASE OUT.xlsx | --all DIR | --list (cases: %s)\n"
                         % ", ".join(CASES))
        return 2
    json.dump(expected, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
