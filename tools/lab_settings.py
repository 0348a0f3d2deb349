#!/usr/bin/env python3
"""Install the course's JupyterLab defaults (jupyterlab/overrides.json) into an environment.

    python3 tools/lab_settings.py [PREFIX]     # default: this Python's sys.prefix

JupyterLab reads `<PREFIX>/share/jupyter/lab/settings/overrides.json` as its default settings. The
course's file turns off the "notified about official Jupyter news?" prompt and the update check, so
no pop-up appears during a demo. Keys already in an existing overrides.json are kept unless the
course sets them. Run it once after creating the environment (course.py lab, Binder's postBuild).
"""

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE_OVERRIDES = ROOT / "jupyterlab" / "overrides.json"


def install(prefix):
    """Merge the course's overrides into PREFIX's overrides.json; returns its path."""
    target = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    merged = json.loads(target.read_text()) if target.exists() else {}
    for plugin, values in json.loads(COURSE_OVERRIDES.read_text()).items():
        merged.setdefault(plugin, {}).update(values)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(merged, indent=2) + "\n")
    return target


def main(argv=None):
    """Install the course's JupyterLab settings into a prefix (default: this one)."""
    argv = sys.argv[1:] if argv is None else argv
    print(f"JupyterLab settings: {install(argv[0] if argv else sys.prefix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
