#!/usr/bin/env python3
"""Store notebooks clean.

No outputs, no execution counts, metadata reduced to what the course needs.

    python3 course.py clean-notebooks notebooks/*.ipynb     # rewrite in place
    python3 course.py clean-notebooks --check notebooks/*.ipynb

Kept: notebook kernelspec (python3) and language_info.name; cell ids; cell tags; a cell's
`jupyter.source_hidden` (check cells are stored collapsed); a cell's `brian_labs` (exercise ids).
"""

import argparse
import json
import sys

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}


def clean(nb):
    """Return a cleaned copy of a notebook given as a dict (nbformat 4)."""
    nb = json.loads(json.dumps(nb))
    nb["metadata"] = {"kernelspec": KERNELSPEC, "language_info": {"name": "python"}}
    for cell in nb["cells"]:
        metadata = cell.get("metadata", {})
        tags = metadata.get("tags")
        cell["metadata"] = {"tags": tags} if tags else {}
        if metadata.get("jupyter", {}).get("source_hidden"):
            cell["metadata"]["jupyter"] = {"source_hidden": True}
        if metadata.get("brian_labs"):
            cell["metadata"]["brian_labs"] = metadata["brian_labs"]
        if isinstance(cell["source"], str):  # stored as Jupyter saves it: a list of lines
            cell["source"] = cell["source"].splitlines(keepends=True)
        if cell["cell_type"] == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        else:
            cell.pop("outputs", None)
            cell.pop("execution_count", None)
            cell.pop("attachments", None) if not cell.get("attachments") else None
    return nb


def dumps(nb):
    """Notebook text as Jupyter (nbformat) saves it: sorted keys, one-space indent, UTF-8."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv):
    """Clean the notebooks in ``argv``, or with ``--check`` report those that are not clean."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py clean-notebooks", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    parser.add_argument("paths", nargs="*", metavar="NOTEBOOK", help="the .ipynb files")
    args = parser.parse_args(argv)
    check = args.check
    dirty = []
    for path in args.paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        cleaned = dumps(clean(json.loads(text)))
        if cleaned != text:
            dirty.append(path)
            if not check:
                with open(path, "w", encoding="utf-8") as f:
                    f.write(cleaned)
    if check and dirty:
        print("not clean (run python3 course.py clean-notebooks on them):", *dirty, sep="\n  ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
