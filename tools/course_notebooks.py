"""The course's instructor notebooks: choosing them by name and writing them as Jupyter does.

Shared by the student edition and the nbgrader export (tools/student_edition.py,
tools/nbgrader_export.py), which build on each other.
"""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def notebook_text(nb):
    """A notebook as JSON text the way Jupyter (nbformat) saves it: sorted keys, indent 1."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def select(names):
    """Instructor notebooks for names like '03' or '03_poisson_excitatory' (every one if none)."""
    available = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
    if not names:
        return available
    chosen = []
    for name in names:
        stem = Path(name).stem
        match = [p for p in available if stem in (p.stem, p.stem.split("_")[0])]
        if not match:
            raise SystemExit(
                f"unknown notebook {name!r}: choose from "
                + ", ".join(p.stem.split("_")[0] for p in available)
            )
        chosen += match
    return chosen


def check_out_dir(out_dir):
    """``out_dir`` resolved; exits with a message if it is inside notebooks/."""
    out_dir = Path(out_dir).resolve()
    if out_dir == NOTEBOOKS.resolve() or NOTEBOOKS.resolve() in out_dir.parents:
        raise SystemExit(
            f"the student edition cannot go into notebooks/ ({out_dir}): "
            "choose another folder, e.g. the default student/"
        )
    return out_dir
