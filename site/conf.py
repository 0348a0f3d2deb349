"""Sphinx configuration of the course site (built by `python3 course.py site`, see site/build.py).

MyST-NB executes every notebook with the kernel of the environment running the build (the course's
.venv) and renders it with its outputs. The build fails on any cell error except in cells tagged
`raises-exception` (those show a unit error on purpose). sphinx-book-theme puts a launch
button on every notebook page, opening the same notebook on Binder (in JupyterLab) or on Colab.
"""

project = "brian-labs"
author = "brian-labs contributors"
copyright = "brian-labs contributors, MIT licence"

# The Binder repository: the same one as the README badge (tests/test_binder.py checks that).
REPOSITORY_URL = "https://github.com/brian-labs/brian-labs"
REPOSITORY_BRANCH = "main"

extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "jupyter_execute", "_mathjax"]

# MathJax from the site itself (site/build.py copies the npm package's bundle into
# _static/mathjax), so a page opened without a network still renders its equations.
from pathlib import Path  # noqa: E402

html_static_path = [str(Path(__file__).resolve().parents[1] / "_build" / "site-src" / "_mathjax")]
mathjax_path = "mathjax/tex-chtml.js"  # relative to _static

# Execution: always run every notebook, in the build's own Python environment, fail on errors.
nb_execution_mode = "force"
nb_execution_raise_on_error = True  # an unexpected exception fails the build
nb_execution_allow_errors = False  # ... except in cells tagged raises-exception
nb_execution_timeout = 300  # per cell, seconds; notebooks take seconds in total
nb_execution_show_tb = True  # print the traceback of a failing cell in the build log
nb_kernel_rgx_aliases = {".*": "python3"}  # always the python3 kernel of the building environment
nb_merge_streams = True
nb_ipywidgets_js = {}  # no widget scripts from a CDN: explorers are stills here
# An explorer's output holds its widget view and a PNG still; without a kernel the still is what
# works.
nb_mime_priority_overrides = [("html", "application/vnd.jupyter.widget-view+json", None)]
myst_enable_extensions = ["dollarmath", "amsmath"]
suppress_warnings = ["myst.header"]  # notebooks start at "#" and may skip a level in exercises

html_theme = "sphinx_book_theme"
html_title = "brian-labs"
html_copy_source = False
html_theme_options = {
    "repository_url": REPOSITORY_URL,
    "repository_branch": REPOSITORY_BRANCH,
    "path_to_docs": "",
    "use_repository_button": True,
    "launch_buttons": {
        "binderhub_url": "https://mybinder.org",
        "colab_url": "https://colab.research.google.com",  # the page's notebook on Colab
        "notebook_interface": "jupyterlab",
    },
}
