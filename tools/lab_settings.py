#!/usr/bin/env python3
"""Install the course's Jupyter settings into an environment.

    python3 course.py lab-settings [PREFIX]     # default: the course environment's prefix

JupyterLab reads `<PREFIX>/share/jupyter/lab/settings/overrides.json` as its default settings. The
course's file (jupyterlab/overrides.json) turns off the "notified about official Jupyter news?"
prompt and the update check, so no pop-up appears during a demo. Keys already in an existing
overrides.json are kept unless the course sets them. Jupyter Server reads
`<PREFIX>/etc/jupyter/jupyter_server_config.d/`: jupyterlab/brian-labs.json there enables the
course's server extension (labserver: kernel messages without Nagle's delay), which `pip install
.` also installs, but an editable install (`pip install -e .`, environment.yml) does not. Run it
once after creating the environment (Binder's postBuild does; course.py installs the same files).
"""

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE_OVERRIDES = ROOT / "jupyterlab" / "overrides.json"
SERVER_CONFIG = ROOT / "jupyterlab" / "brian-labs.json"


def install(prefix):
    """Merge the course's overrides into PREFIX's overrides.json; returns its path."""
    target = Path(prefix) / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    merged = json.loads(target.read_text()) if target.exists() else {}
    for plugin, values in json.loads(COURSE_OVERRIDES.read_text()).items():
        merged.setdefault(plugin, {}).update(values)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(merged, indent=2) + "\n")
    return target


def install_server_config(prefix):
    """Copy the file enabling labserver into PREFIX's Jupyter Server config; returns its path."""
    target = Path(prefix) / "etc" / "jupyter" / "jupyter_server_config.d" / SERVER_CONFIG.name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(SERVER_CONFIG.read_bytes())
    return target


def main(argv=None):
    """Install the course's JupyterLab settings into a prefix (default: this one)."""
    parser = argparse.ArgumentParser(
        prog="python3 course.py lab-settings", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "prefix", nargs="?", default=sys.prefix, help="environment prefix (default: %(default)s)"
    )
    prefix = parser.parse_args(argv).prefix
    print(f"JupyterLab settings: {install(prefix)}")
    print(f"Jupyter Server config: {install_server_config(prefix)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
