"""The course's Jupyter server extension: kernel messages leave the server at once (TCP_NODELAY).

Jupyter Server relays a kernel's messages to the browser over a websocket whose TCP socket keeps
Nagle's algorithm on (tornado's default): a message written while an earlier one still awaits its
acknowledgement is held back until the acknowledgement comes, and the receiving side delays
acknowledgements (40 ms on Linux). Every reply of the kernel is several messages ("busy", the
output, "idle"), so each one but the first could wait up to 40 ms. Measured with a Python
websocket client (the hub load test's) through `python3 course.py lab` on a 2-core machine: a cell
of ``pass`` took 48 ms from request to "idle" (6 ms talking to the kernel directly), a slider value
to the explorer's new image 46 ms where the kernel spent 20; with TCP_NODELAY, 8 ms and 25 ms.
Chromium's figures did not change measurably (the browser test, key press to image): its
acknowledgements evidently come sooner. Clients like the load test's gain the 40 ms.

This extension sets TCP_NODELAY on each kernel websocket. Jupyter Server loads it when
``jupyter_server_config.d/brian-labs.json`` enables it (pip installs that file with the course
package; ``jupyter server extension list`` shows it). It wraps whichever websocket connection
class the server uses, so a server configured with another one keeps it.
"""

__all__ = ["without_nagle"]


def without_nagle(connection_class):
    """A subclass of a kernel websocket connection class that turns Nagle's algorithm off.

    ``connection_class``: Jupyter Server's ``BaseKernelWebsocketConnection`` or a subclass
    (the class in the server's ``kernel_websocket_connection_class`` setting). Its ``connect``
    sets TCP_NODELAY on the websocket before connecting the kernel's channels (if the socket
    refuses, it logs a warning and connects as before: the kernel works, with Nagle's delay).
    """
    from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection

    if not (
        isinstance(connection_class, type)
        and issubclass(connection_class, BaseKernelWebsocketConnection)
    ):
        raise TypeError(
            "connection_class must be a subclass of Jupyter Server's "
            f"BaseKernelWebsocketConnection, got {connection_class!r}"
        )
    if getattr(connection_class, "sends_without_nagle", False):
        return connection_class

    class WithoutNagle(connection_class):
        sends_without_nagle = True

        def connect(self):
            try:
                self.websocket_handler.set_nodelay(True)
            except (AttributeError, AssertionError, OSError) as error:  # never cost the kernel
                self.log.warning("labserver: TCP_NODELAY not set (%s); Nagle stays on", error)
            return super().connect()

    WithoutNagle.__name__ = WithoutNagle.__qualname__ = f"{connection_class.__name__}WithoutNagle"
    return WithoutNagle


def _jupyter_server_extension_points():
    return [{"module": "labserver"}]


def _load_jupyter_server_extension(serverapp):
    """Make the server's kernel websockets send without Nagle's delay (Jupyter Server hook)."""
    settings = serverapp.web_app.settings
    configured = settings.get("kernel_websocket_connection_class")
    if configured is None:
        from jupyter_server.services.kernels.connection.channels import (
            ZMQChannelsWebsocketConnection as configured,
        )
    settings["kernel_websocket_connection_class"] = without_nagle(configured)
    serverapp.log.info("labserver: kernel websockets send without Nagle's delay (TCP_NODELAY)")
