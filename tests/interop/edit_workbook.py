#!/usr/bin/python3
"""Opens an .xlsx file with openpyxl (Debian's python3-openpyxl 3.0.9), edits it as a person
would in a spreadsheet, and saves it: the round trips of plm's interoperability test
(tests/integration/exchange_interop_test.cpp, issue 14 §4).

    /usr/bin/python3 edit_workbook.py IN.xlsx OUT.xlsx [OPERATIONS-JSON]

Without operations it only loads and saves (openpyxl rewrites every part: its own styles, inline
strings, absolute relationship targets). OPERATIONS-JSON is a list, applied in order; rows are
1-based as a spreadsheet shows them, sheets named:
  {"op": "move_row", "sheet": S, "from": R, "to": R2}   cut row R and insert it at R2 (values
                                                        and cell styles move, as a drag does)
  {"op": "delete_row", "sheet": S, "row": R}            delete the row (the rows below move up)
  {"op": "insert_row", "sheet": S, "row": R, "values": [...]}  a new row R (values from A on)
  {"op": "append", "sheet": S, "values": [...]}         a new row after the last one
  {"op": "set", "sheet": S, "cell": "B2", "value": V}   type into one cell (null empties it)
  {"op": "rename_sheet", "sheet": S, "to": T}
  {"op": "move_sheet", "sheet": S, "offset": N}         move the tab N places (negative: left)
  {"op": "delete_sheet", "sheet": S}
"""

import copy
import json
import os
import shutil
import sys
import tempfile

import openpyxl


def row_cells(sheet, row):
    """(value, style, hyperlink) of each cell of `row`, from A to the sheet's last column."""
    cells = []
    for column in range(1, sheet.max_column + 1):
        cell = sheet.cell(row=row, column=column)
        cells.append((cell.value, copy.copy(cell._style),
                      copy.copy(cell.hyperlink) if cell.hyperlink else None))
    return cells


def put_row(sheet, row, cells):
    for column, (value, style, link) in enumerate(cells, start=1):
        cell = sheet.cell(row=row, column=column)
        cell.value = value
        cell._style = style
        cell.hyperlink = link


def move_row(sheet, source, target):
    low, high = min(source, target), max(source, target)
    rows = [row_cells(sheet, row) for row in range(low, high + 1)]
    moved = rows.pop(source - low)
    rows.insert(target - low, moved)
    for offset, cells in enumerate(rows):
        put_row(sheet, low + offset, cells)


def apply(book, operation):
    kind = operation["op"]
    sheet = book[operation["sheet"]]
    if kind == "move_row":
        move_row(sheet, operation["from"], operation["to"])
    elif kind == "delete_row":
        sheet.delete_rows(operation["row"])
    elif kind == "insert_row":
        sheet.insert_rows(operation["row"])
        for column, value in enumerate(operation["values"], start=1):
            sheet.cell(row=operation["row"], column=column, value=value)
    elif kind == "append":
        sheet.append(operation["values"])
    elif kind == "set":
        sheet[operation["cell"]] = operation["value"]
    elif kind == "rename_sheet":
        sheet.title = operation["to"]
    elif kind == "move_sheet":
        book.move_sheet(sheet, offset=operation["offset"])
    elif kind == "delete_sheet":
        book.remove(sheet)
    else:
        raise SystemExit("edit_workbook.py: unknown operation %r" % kind)


def main(argv):
    if len(argv) not in (3, 4):
        sys.stderr.write("usage: edit_workbook.py IN.xlsx OUT.xlsx [OPERATIONS-JSON]\n")
        return 2
    book = openpyxl.load_workbook(argv[1])
    for operation in json.loads(argv[3]) if len(argv) == 4 else []:
        apply(book, operation)
    directory = os.path.dirname(os.path.abspath(argv[2]))
    with tempfile.NamedTemporaryFile(dir=directory, suffix=".xlsx", delete=False) as temporary:
        temporary_path = temporary.name
    book.save(temporary_path)
    shutil.move(temporary_path, argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
