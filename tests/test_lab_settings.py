"""The JupyterLab defaults the course ships.

Valid against JupyterLab's own settings schema, and installed where JupyterLab reads them, without
losing an environment's other overrides.
"""

import json
import sys
from pathlib import Path

import jsonschema

from tools import lab_settings

ROOT = Path(__file__).resolve().parents[1]


def test_the_news_prompt_is_off_and_valid_for_jupyterlab():
    overrides = json.loads(lab_settings.COURSE_OVERRIDES.read_text())
    notification = overrides["@jupyterlab/apputils-extension:notification"]
    assert notification["fetchNews"] == "false"
    schema_file = (
        Path(sys.prefix)
        / "share"
        / "jupyter"
        / "lab"
        / "schemas"
        / "@jupyterlab"
        / "apputils-extension"
        / "notification.json"
    )
    jsonschema.validate(notification, json.loads(schema_file.read_text()))


def test_install_merges_into_the_prefix_that_jupyterlab_reads(tmp_path):
    from jupyterlab.commands import get_app_dir

    target = tmp_path / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    target.parent.mkdir(parents=True)
    target.write_text(
        json.dumps(
            {
                "@jupyterlab/apputils-extension:themes": {"theme": "x"},
                "@jupyterlab/apputils-extension:notification": {"a": 1},
            }
        )
    )
    assert lab_settings.install(tmp_path) == target
    merged = json.loads(target.read_text())
    assert merged["@jupyterlab/apputils-extension:themes"] == {"theme": "x"}
    assert merged["@jupyterlab/apputils-extension:notification"] == {
        "a": 1,
        "fetchNews": "false",
        "checkForUpdates": False,
    }
    # JupyterLab's app directory in this environment is <sys.prefix>/share/jupyter/lab
    lab = Path(sys.prefix) / "share" / "jupyter" / "lab"
    assert Path(get_app_dir()).resolve() == lab.resolve()


def test_the_server_config_goes_where_jupyter_server_reads_it(tmp_path, capsys):
    from jupyter_core.paths import jupyter_config_path

    assert lab_settings.main([str(tmp_path)]) == 0
    target = tmp_path / "etc" / "jupyter" / "jupyter_server_config.d" / "brian-labs.json"
    assert target.read_bytes() == lab_settings.SERVER_CONFIG.read_bytes()
    assert f"Jupyter Server config: {target}" in capsys.readouterr().out
    # the environment's own config folder (<sys.prefix>/etc/jupyter) is one Jupyter reads
    env_config = (Path(sys.prefix) / "etc" / "jupyter").resolve()
    assert env_config in [Path(p).resolve() for p in jupyter_config_path()]
