"""Running the web app: :func:`serve` (``bilat serve``), :class:`ServerThread` (tests, benchmarks).

The server is uvicorn on a socket bound here first, so a port in use is one clear line (E707)
rather than a log. By default it listens on loopback (127.0.0.1) only and accepts only
requests whose Host header names that address (no DNS rebinding from a web page); binding any
other address is allowed but said aloud, since everyone who can reach it can read the store.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from pathlib import Path
from typing import Any

from bilat.errors import error
from bilat.store import Store

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """Whether ``host`` is a loopback address (``127.0.0.0/8``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def allowed_hosts(host: str, port: int) -> list[str] | None:
    """Host header values to accept for a server on ``host:port`` (None: any, when bound to
    all interfaces)."""
    if host in ("0.0.0.0", "::", ""):
        return None
    names = {host}
    if is_loopback(host):
        names |= {"localhost", "127.0.0.1", "[::1]"}
    if ":" in host and not host.startswith("["):
        names.add(f"[{host}]")
    return sorted(names | {f"{n}:{port}" for n in names})


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: a free one), or E707."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise error("E707", host=host, port=port, reason=exc.strerror or str(exc)) from exc
    sock.setblocking(False)
    return sock


def _server(app: Any, sock: socket.socket, log_level: str) -> Any:
    import uvicorn

    config = uvicorn.Config(app, log_level=log_level, access_log=log_level == "info",
                            lifespan="off", server_header=False, date_header=False,
                            timeout_keep_alive=5, limit_concurrency=200)
    return uvicorn.Server(config)


def serve(
    store: str | Path | Store | None = None,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    allow_add: bool = False,
    max_upload: int | None = None,
    log_level: str = "warning",
    announce: Any = None,
) -> None:
    """Serve the web app on ``host:port`` until interrupted (Ctrl-C).

    The store is opened read-only unless ``allow_add``. ``announce(url)`` is called once the
    socket listens (the CLI prints the address there). Raises E706 (no store), E006 (store
    locked or unreadable), E707 (cannot listen).
    """
    from bilat.web.app import MAX_UPLOAD, create_app

    sock = bind(host, port)
    real_port = sock.getsockname()[1]
    try:
        app = create_app(store, allow_add=allow_add, max_upload=max_upload or MAX_UPLOAD,
                         hosts=allowed_hosts(host, real_port))
    except BaseException:
        sock.close()
        raise
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{real_port}/"
    if announce is not None:
        announce(url)
    server = _server(app, sock, log_level)
    try:
        server.run(sockets=[sock])
    finally:
        app.state.ws.close()
        sock.close()


class ServerThread:
    """The app served by uvicorn in a background thread on a free loopback port.

    ``with ServerThread(store) as srv: srv.url`` — stops and joins on exit (``app``: serve
    an app made by the caller, who closes it). Used by the browser tests and the benchmark.
    """

    def __init__(self, store: str | Path | Store | None = None, *, allow_add: bool = False,
                 max_upload: int | None = None, host: str = DEFAULT_HOST,
                 app: Any = None) -> None:
        from bilat.web.app import MAX_UPLOAD, create_app

        self.sock = bind(host, 0)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://{host}:{self.port}"
        self._own = app is None
        self.app = app if app is not None else create_app(
            store, allow_add=allow_add, max_upload=max_upload or MAX_UPLOAD,
            hosts=allowed_hosts(host, self.port))
        self.server = _server(self.app, self.sock, "warning")
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       name="bilat-web", daemon=True)

    def __enter__(self) -> ServerThread:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        if self._own:
            self.app.state.ws.close()
        self.sock.close()


def warn_exposed(host: str) -> str | None:
    """The warning to print when ``host`` is not loopback (None when it is)."""
    if is_loopback(host):
        return None
    return (f"warning: listening on {host}: anyone who can reach this address can read the "
            "store; use --host 127.0.0.1 to keep it on this machine")


__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "ServerThread", "allowed_hosts", "bind",
           "is_loopback", "serve", "warn_exposed"]
