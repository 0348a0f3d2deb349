"""One student's kernel websocket (jupyter_server's protocol): send, receive with deadlines."""

import json
import queue
import struct
import threading
import time
import uuid

import websocket

from benchmarks.classroom import now


def decode(frame):
    """A kernel websocket frame (jupyter_server's default protocol) -> message dict."""
    if isinstance(frame, str):
        return json.loads(frame)
    count = struct.unpack("!I", frame[:4])[0]
    offsets = [*list(struct.unpack(f"!{count}I", frame[4 : 4 * (count + 1)])), len(frame)]
    msg = json.loads(frame[offsets[0] : offsets[1]].decode())
    msg["buffers"] = [frame[offsets[i] : offsets[i + 1]] for i in range(1, count)]
    return msg


class KernelRestarted(RuntimeError):
    """The server restarted a student's kernel."""


class Channel:
    """One student's kernel websocket: send shell messages, wait for replies with deadlines."""

    def __init__(self, url, token, session):
        self.ws = websocket.create_connection(
            url, header=[f"Authorization: token {token}"], timeout=5, enable_multithread=True
        )
        self.session = session
        # Read the socket all the time, as a browser does: websocket-client answers the server's
        # pings only while reading, and an unanswered ping makes the server close the socket.
        self.inbox = queue.Queue()
        self.reader = threading.Thread(target=self.read, daemon=True)
        self.reader.start()
        self.models = {}  # comm id -> widget state from comm_open
        self.values = {}  # comm id -> the slider value this student last sent
        self.errors = []  # error outputs seen on iopub
        self.restarted = False

    def send(self, msg_type, content):
        """Send a shell message; its msg_id."""
        msg_id = uuid.uuid4().hex
        header = dict(
            msg_id=msg_id,
            msg_type=msg_type,
            session=self.session,
            username="student",
            version="5.3",
            date=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        self.ws.send(
            json.dumps(
                dict(
                    header=header,
                    parent_header={},
                    metadata={},
                    content=content,
                    channel="shell",
                    buffers=[],
                )
            )
        )
        return msg_id

    def read(self):
        """Queue every frame of the websocket until it closes or fails (in a thread)."""
        while True:
            try:
                frame = self.ws.recv()
            except websocket.WebSocketTimeoutException:
                continue
            except (OSError, websocket.WebSocketException) as error:
                self.inbox.put(error)
                return
            if frame in ("", b""):  # a close frame
                self.inbox.put(ConnectionError("the server closed the kernel websocket"))
                return
            self.inbox.put(frame)

    def receive(self, deadline):
        """The next message before ``deadline``; raises if the websocket failed."""
        while now() < deadline:
            try:
                frame = self.inbox.get(timeout=max(0.01, min(1.0, deadline - now())))
            except queue.Empty:
                continue
            if isinstance(frame, Exception):
                self.inbox.put(frame)  # every later receive sees it too
                raise ConnectionError(f"kernel websocket: {frame}")
            msg = decode(frame)
            kind, content = msg.get("msg_type"), msg.get("content", {})
            if kind == "comm_open":
                self.models[content["comm_id"]] = content.get("data", {}).get("state", {})
            elif kind == "error":
                self.errors.append(
                    dict(
                        msg_id=msg.get("parent_header", {}).get("msg_id"),
                        ename=content.get("ename"),
                        evalue=content.get("evalue"),
                    )
                )
            elif kind == "status" and content.get("execution_state") in ("restarting", "dead"):
                self.restarted = True
                raise KernelRestarted(f"kernel {content['execution_state']}")
            return msg
        raise TimeoutError("no message before the deadline")

    def close(self):
        """Close the websocket, ignoring errors."""
        try:
            self.ws.close()
        except (OSError, websocket.WebSocketException):
            pass
