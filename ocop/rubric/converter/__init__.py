"""Convert Decision 26/2026/QĐ-TTg (HTML) into the rubric's JSON data files.

Run from the repository root::

    .venv/bin/python -m ocop.rubric.converter \\
        /work/shared/reference/qd-26-2026-qd-ttg.html ocop/rubric/data/26-2026/

The converter is re-runnable and deterministic: the same HTML always gives byte-identical
files. It uses the standard library only. One module per step, in the order they run:

- ``document``: the HTML read into paragraphs and tables;
- ``classification``: Annex I and the Annex II list of scoring sets;
- ``sheets``: each scoring sheet's rows parsed as printed;
- ``corrections``: the listed departures from the print, applied and checked;
- ``build``: each parsed sheet written as its data file, its notes read into rules;
- ``marks``: the star marks counted in the raw HTML, without the parser, and checked
  against the built files;
- ``decision``: what the converter knows of the decision beyond its HTML (dates, English
  names);
- this module: :func:`convert` (all the files) and the command line.

Every place where the HTML's transcription of the decision is wrong and we use another value is
listed in ``corrections.CORRECTIONS`` (and rendered in ``docs/rubric.md``); a correction whose
"HTML says" value no longer matches the source makes the run fail, so a corrected source is
noticed instead of silently "fixed" twice.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from ocop.rubric.validation import validate_sheet

from .build import build_sheet
from .classification import parse_classification
from .corrections import CORRECTIONS, Correction, correction_dict, corrections_markdown
from .decision import DEFAULT_OUTPUT_DIR, VERSION_INFO
from .document import ConversionError, read_blocks
from .marks import check_star_marks
from .sheets import split_sheets

# --------------------------------------------------------------------------------------
# From the printed tree to the data files
# --------------------------------------------------------------------------------------


def convert(html: str, corrections: list[Correction] | None = None) -> dict[str, Any]:
    """Return every output file's content, keyed by file name.

    Raises :class:`ConversionError` when the HTML does not have the expected shape, when a
    correction no longer matches it, or when a sheet's data holds other star marks than its
    text prints (counted by ``marks.py`` independently of the parser).
    """
    corrections = CORRECTIONS if corrections is None else corrections
    blocks = read_blocks(html)
    classification = parse_classification(blocks)
    index = {entry["number"]: entry for entry in classification["sheets"]}
    files: dict[str, Any] = {
        "version.json": {**VERSION_INFO, "corrections": [correction_dict(c) for c in corrections]},
        "classification.json": classification,
    }
    for raw in split_sheets(blocks):
        files[f"sheet-{raw.number:02d}.json"] = build_sheet(raw, index[raw.number], corrections)
    check_star_marks(html, files)
    return files


def dump_json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def write_files(files: dict[str, Any], output_dir: Path) -> list[Path]:
    output_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, content in sorted(files.items()):
        path = output_dir / name
        path.write_text(dump_json(content), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ocop.rubric.converter", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("source", type=Path, nargs="?", help="the decision's HTML file")
    parser.add_argument(
        "--corrections-markdown",
        action="store_true",
        help="print the correction list as Markdown (for docs/rubric.md) and exit",
    )
    parser.add_argument(
        "output_dir",
        type=Path,
        nargs="?",
        default=DEFAULT_OUTPUT_DIR,
        help=f"where to write the JSON files (default: {DEFAULT_OUTPUT_DIR})",
    )
    args = parser.parse_args(argv)
    if args.corrections_markdown:
        print(corrections_markdown(), end="")
        return 0
    if args.source is None:
        parser.error("the decision's HTML file is required")
    try:
        files = convert(args.source.read_text(encoding="utf-8"))
    except ConversionError as error:
        print(f"conversion failed: {error}", file=sys.stderr)
        return 1
    problems = [
        problem
        for name, content in files.items()
        if name.startswith("sheet-")
        for problem in validate_sheet(content)
    ]
    if problems:
        print("the converted sheets do not validate:", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    for path in write_files(files, args.output_dir):
        print(path)
    print(f"{len(files) - 2} sheets, {len(CORRECTIONS)} corrections applied")
    return 0
