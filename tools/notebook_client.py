"""nbclient's NotebookClient, whose kernel is started again if it dies before its first reply.

jupyter_client chooses a kernel's five ports by binding free ones and closing them, writes them to
the connection file, and the kernel binds them when it starts. In between, another process can take
one of them (another kernel starting, or any outgoing connection); the kernel then dies with
``zmq.error.ZMQError: Address already in use`` and jupyter_client says "Kernel died before replying
to kernel_info" (jupyter/jupyter_client#154, open). It happened once in CI's Colab stage, where two
processes run notebooks side by side, each starting a kernel per notebook. It says nothing about
the notebook, so the course's runners start that kernel again, on new ports, and say so; a kernel
that dies on every attempt still fails the run.
"""

import atexit

import nbclient
from nbclient.util import run_sync

DIED_AT_START = "Kernel died before replying to kernel_info"  # jupyter_client 7 and 8


class NotebookClient(nbclient.NotebookClient):
    """A NotebookClient that starts its kernel up to ``attempts`` times if it dies at start.

    Each new attempt has a new kernel manager, so new ports; every attempt after the first is
    logged as a warning on the client's log. Used like nbclient's.
    """

    attempts = 3

    async def async_start_new_kernel_client(self):
        """The kernel's client, once the kernel answered; see the class."""
        for attempt in range(1, self.attempts + 1):
            try:
                return await super().async_start_new_kernel_client()
            except RuntimeError as error:  # nbclient cleaned up the kernel and its manager
                if DIED_AT_START not in str(error) or attempt == self.attempts:
                    # nbclient's exit hook would clean up again and trip on the missing manager
                    atexit.unregister(self._cleanup_kernel)
                    raise
                self.log.warning(
                    "%s (attempt %d of %d); starting it again on new ports",
                    error,
                    attempt,
                    self.attempts,
                )
                self.km = self.create_kernel_manager()
                await self.async_start_new_kernel()

    start_new_kernel_client = run_sync(async_start_new_kernel_client)
