"""What the local fakes of outside HTTP APIs share: serving their WSGI app on loopback."""

from __future__ import annotations

import threading

from werkzeug.serving import make_server


class LoopbackServer:
    """Mixed into a fake with a ``port`` and a WSGI ``_app``."""

    port: int

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self):
        self._server = make_server("127.0.0.1", self.port, self._app, threaded=True)
        # A short poll interval: stopping waits for the loop, once per test.
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
