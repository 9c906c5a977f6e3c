#!/usr/bin/python3
"""Prints an .xlsx file as openpyxl (Debian's python3-openpyxl 3.0.9) reads it, as JSON, so plm's
interoperability test (tests/integration/exchange_interop_test.cpp) can compare what another
program sees in plm's export with what plm meant to write (issue 14 §4).

    /usr/bin/python3 dump_workbook.py FILE.xlsx

Output:
  {"date1904": bool,
   "sheets": [{"name", "state" ("visible", "hidden", "veryHidden"), "freeze_panes" ("A6" or
               null), "auto_filter" ("A5:J130" or null), "merged": ["C2:C4", …],
               "column_widths": {"A": 12.5, …} (only columns given a width),
               "rows": [[cell, …], …]}]}   rows from A1, trailing empty cells and rows dropped
  cell: null for an empty cell, else {"type", "value", "format", "bold", "link"?} where type is
  "text", "number", "bool", "datetime" (value ISO 8601 without zone), "date", "time" (ISO,
  "HH:MM:SS[.ffffff]": a duration shown as a time), "timedelta" (value in seconds), "formula" (value:
  the formula text) or "error"; format is the cell's number format.
"""

import datetime
import json
import sys

import openpyxl


def cell_json(cell):
    value = cell.value
    if value is None:
        return None
    result = {"format": cell.number_format, "bold": bool(cell.font and cell.font.b)}
    if cell.hyperlink is not None:
        result["link"] = cell.hyperlink.target
    if cell.data_type == "f":
        result.update(type="formula", value=value)
    elif cell.data_type == "e":
        result.update(type="error", value=value)
    elif isinstance(value, bool):
        result.update(type="bool", value=value)
    elif isinstance(value, (int, float)):
        result.update(type="number", value=value)
    elif isinstance(value, datetime.datetime):
        result.update(type="datetime", value=value.isoformat())
    elif isinstance(value, datetime.date):
        result.update(type="date", value=value.isoformat())
    elif isinstance(value, datetime.time):
        result.update(type="time", value=value.isoformat())
    elif isinstance(value, datetime.timedelta):
        result.update(type="timedelta", value=value.total_seconds())
    else:
        result.update(type="text", value=str(value))
    return result


def sheet_json(sheet):
    rows = []
    for row in sheet.iter_rows():
        cells = [cell_json(cell) for cell in row]
        while cells and cells[-1] is None:
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    widths = {}
    for letter, dimension in sheet.column_dimensions.items():
        if dimension.customWidth and dimension.width:
            widths[letter] = dimension.width
    return {
        "name": sheet.title,
        "state": sheet.sheet_state,
        "freeze_panes": sheet.freeze_panes,
        "auto_filter": sheet.auto_filter.ref,
        "merged": [str(merged) for merged in sheet.merged_cells.ranges],
        "column_widths": widths,
        "rows": rows,
    }


def main(argv):
    if len(argv) != 2:
        sys.stderr.write("usage: dump_workbook.py FILE.xlsx\n")
        return 2
    book = openpyxl.load_workbook(argv[1])
    json.dump({"date1904": book.epoch == openpyxl.utils.datetime.CALENDAR_MAC_1904,
               "sheets": [sheet_json(sheet) for sheet in book.worksheets]},
              sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
