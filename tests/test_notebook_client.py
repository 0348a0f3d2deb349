"""tools/notebook_client.py: a kernel that dies before its first reply is started again.

The kernels here really die as in CI's Colab stage: the first kernel manager writes a port that
this test holds for the kernel's shell socket, and the kernel exits with "Address already in use".
"""

import logging
import socket
import sys

import nbformat
import pytest
from jupyter_client.manager import KernelManager

from tools.notebook_client import DIED_AT_START, NotebookClient


@pytest.fixture
def held_port():
    """A TCP port on 127.0.0.1 that this test listens on, so no kernel can bind it."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen()
        yield held.getsockname()[1]


def managers_whose_first(blocked, port):
    """A kernel manager class whose first ``blocked`` instances give the kernel ``port``.

    Returns the class and the list of its instances, filled as they are made.
    """
    made = []

    class Manager(KernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            made.append(self)
            if len(made) <= blocked:
                self.cache_ports = False  # else jupyter_client 8 chooses the ports itself
                self.shell_port = port

    return Manager, made


def client_of(manager):
    """A client for a one-cell notebook (it prints 42) whose kernels ``manager`` starts."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(6 * 7)")])
    return NotebookClient(nb, kernel_name="python3", kernel_manager_class=manager)


def test_a_kernel_that_dies_at_start_is_started_again_on_new_ports(held_port, caplog):
    manager, made = managers_whose_first(1, held_port)
    client = client_of(manager)
    with caplog.at_level(logging.WARNING):
        client.execute()
    assert [o["text"] for o in client.nb.cells[0].outputs] == ["42\n"]
    assert len(made) == 2 and made[0].shell_port == held_port != made[1].shell_port
    assert f"{DIED_AT_START} (attempt 1 of 3); starting it again on new ports" in caplog.text


def test_a_kernel_that_dies_on_every_attempt_fails_the_run(held_port):
    manager, made = managers_whose_first(99, held_port)
    client = client_of(manager)
    client.attempts = 2
    with pytest.raises(RuntimeError, match=DIED_AT_START):
        client.execute()
    assert len(made) == 2


def test_a_kernel_that_does_not_answer_in_time_is_not_started_again():
    made = []

    class Silent(KernelManager):  # a "kernel" that lives and never answers
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            made.append(self)

        def format_kernel_cmd(self, extra_arguments=None):
            return [sys.executable, "-c", "import time; time.sleep(60)"]

    client = client_of(Silent)
    client.startup_timeout = 2  # s
    with pytest.raises(RuntimeError, match="didn't respond"):
        client.execute()
    assert len(made) == 1
