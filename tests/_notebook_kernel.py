"""Running a course notebook cell by cell in one kernel, as the notebook tests do.

tests/test_notebook_runs.py (the clean run the site shows) and tests/test_modelling_exercises.py
(the exercises' catalogue) both execute every cell in order and judge each cell as nbval does.
"""

from nbclient import NotebookClient


def client_for(nb, path):
    """A client that runs ``nb`` (read from ``path``) in a python3 kernel, in its folder."""
    return NotebookClient(
        nb,
        kernel_name="python3",
        timeout=600,
        allow_errors=True,
        resources={"metadata": {"path": str(path.parent)}},
    )


def error_output(cell):
    """The first error output of an executed cell, or None."""
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def outcome_problem(cell, index):
    """``(problem, fatal)`` for an executed cell, by nbval's rule.

    A cell must not raise, unless tagged ``raises-exception``, which must. ``problem`` is None when
    the cell did as it should; ``fatal`` when it raised (the later cells cannot be judged).
    """
    error = error_output(cell)
    if "raises-exception" in cell.get("metadata", {}).get("tags", []):
        return (None if error else f"cell {index} (tag raises-exception) raised nothing"), False
    if error:
        return f"cell {index} raised {error['ename']}: {error['evalue']}", True
    return None, False
