#!/usr/bin/python3
"""Converts or re-saves files with LibreOffice Calc, headless (Debian's libreoffice-calc-nogui),
for plm's interoperability test (tests/integration/exchange_interop_test.cpp, issue 14 §4).

    /usr/bin/python3 libreoffice.py xlsx OUTDIR FILE...          each FILE (.xlsx, .csv) re-saved
                                                                 as OUTDIR/<stem>.xlsx
    /usr/bin/python3 libreoffice.py xls|ods OUTDIR FILE...       the same as Excel 97-2003 (.xls)
                                                                 or OpenDocument (.ods)
    /usr/bin/python3 libreoffice.py csv OUTDIR FILE.xlsx...      every sheet of each file as
                                                                 OUTDIR/<stem>-<sheet>.csv (UTF-8)

Options (before the command): --profile DIR (LibreOffice's user profile; default a fresh
temporary one, removed after: two instances must never share one).

One soffice process converts all the files given (about 1 s to start, then little per file), so
callers batch. CSV input is read as UTF-8, comma-separated, with LibreOffice's own type detection
("3:45" becomes a time, "2024-03-01" a date), as a person opening a CSV file gets. Output: the
written files' paths, one a line. Exits non-zero with soffice's output when a file is missing
afterwards (soffice itself exits 0 even when it converted nothing).
"""

import glob
import os
import shutil
import subprocess
import sys
import tempfile

# The spreadsheet formats a file can be saved as, and their file extensions.
SPREADSHEET_FILTERS = {
    "xlsx": ("xlsx:Calc MS Excel 2007 XML", ".xlsx"),
    "xls": ("xls:MS Excel 97", ".xls"),  # what people still upload: Excel 97-2003
    "ods": ("ods:calc8", ".ods"),  # LibreOffice's own format
}
# LibreOffice's CSV filter options, by position: separator 44 (,), text delimiter 34 ("),
# character set 76 (UTF-8), first line 1, column formats (none), language 0, quoted fields as text
# false, detect special numbers true, save cell contents as shown true (LibreOffice's default: a
# duration is written "5:55", as a person saving a CSV gets), export formulas false, remove spaces
# false, sheet -1: every sheet to its own file <stem>-<sheet name>.csv (LibreOffice 7.2 and later).
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1"
CSV_INPUT_FILTER = "CSV:44,34,76,1"


def soffice(profile, arguments):
    command = ["soffice", "--headless", "--norestore", "--nolockcheck",
               "-env:UserInstallation=file://" + os.path.abspath(profile)] + arguments
    return subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120,
                          check=False, text=True)


def convert(profile, command, outdir, files):
    os.makedirs(outdir, exist_ok=True)
    outputs = []
    if command in SPREADSHEET_FILTERS:
        output_filter, extension = SPREADSHEET_FILTERS[command]
        csvs = [path for path in files if path.lower().endswith(".csv")]
        others = [path for path in files if not path.lower().endswith(".csv")]
        runs = []
        if others:
            runs.append(["--convert-to", output_filter, "--outdir", outdir] + others)
        if csvs:  # the input filter applies to every file of a run
            runs.append(["--infilter=" + CSV_INPUT_FILTER, "--convert-to", output_filter,
                         "--outdir", outdir] + csvs)
        for path in files:
            stem = os.path.splitext(os.path.basename(path))[0]
            outputs.append([os.path.join(outdir, stem + extension)])
    elif command == "csv":
        runs = [["--convert-to", CSV_FILTER, "--outdir", outdir] + files]
        outputs = None
    else:
        raise SystemExit("libreoffice.py: unknown command %r (xlsx, xls, ods or csv)" % command)
    for path in files:
        if os.path.abspath(os.path.dirname(path)) == os.path.abspath(outdir):
            raise SystemExit("libreoffice.py: %s is in OUTDIR: it would be overwritten" % path)
    log = ""
    for arguments in runs:
        result = soffice(profile, arguments)
        log += result.stdout
        if result.returncode != 0:
            sys.stderr.write(log)
            raise SystemExit("libreoffice.py: soffice exited with %d" % result.returncode)
    if outputs is None:
        outputs = []
        for path in files:
            stem = os.path.splitext(os.path.basename(path))[0]
            outputs.append(sorted(glob.glob(os.path.join(glob.escape(outdir),
                                                         glob.escape(stem) + "-*.csv"))))
    written = []
    for path, produced in zip(files, outputs):
        if not produced or not all(os.path.exists(output) for output in produced):
            sys.stderr.write(log)
            raise SystemExit("libreoffice.py: soffice wrote nothing for %s" % path)
        written.extend(produced)
    return written


def main(argv):
    arguments = argv[1:]
    profile = None
    if len(arguments) >= 2 and arguments[0] == "--profile":
        profile = arguments[1]
        arguments = arguments[2:]
    if len(arguments) < 3:
        sys.stderr.write(__doc__)
        return 2
    if shutil.which("soffice") is None:
        sys.stderr.write("libreoffice.py: soffice is not installed (scripts/setup.sh installs "
                         "libreoffice-calc-nogui)\n")
        return 1
    command, outdir, files = arguments[0], arguments[1], arguments[2:]
    temporary = None
    if profile is None:
        temporary = tempfile.mkdtemp(prefix="plm-soffice-")
        profile = temporary
    try:
        for output in convert(profile, command, outdir, files):
            print(output)
    finally:
        if temporary is not None:
            shutil.rmtree(temporary, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
