"""A raw TCP server for tests of HTTP clients: each connection gets a behaviour of the test's."""

from __future__ import annotations

import socket
import threading


class RawReceiver:
    """A TCP server answering each connection with `behave(receiver, conn)` on its own thread,
    after one read of the request."""

    def __init__(self, behave, path: str = "/hooks") -> None:
        self.behave = behave
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}{path}"
        self.connections = 0
        self.release = threading.Event()
        self.sent = 0
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                conn.recv(65536)
                self.behave(self, conn)
            except OSError:
                pass  # the sender hung up, as it should

    def close(self) -> None:
        self.release.set()
        self.sock.close()
