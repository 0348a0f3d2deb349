#!/usr/bin/env python3
"""Write the student edition of the course: every cell tagged `solution` removed.

    python3 tools/student_edition.py [OUTPUT_DIR]      # default: _build/student

Exercise cells keep their `...` placeholders and the check cells stay, so students run a check
cell to find out whether their answer is right.
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def student_notebook(nb):
    """A copy of the notebook dict without solution cells."""
    out = dict(nb)
    out["cells"] = [c for c in nb["cells"] if "solution" not in c.get("metadata", {}).get("tags", [])]
    return out


def main(argv):
    out_dir = Path(argv[0]) if argv else ROOT / "_build" / "student"
    out_dir.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = json.loads(path.read_text(encoding="utf-8"))
        (out_dir / path.name).write_text(json.dumps(student_notebook(nb), indent=1, ensure_ascii=False) + "\n",
                                         encoding="utf-8")
        print(out_dir / path.name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
