"""`bilat serve`: the local web app over the store (read-only unless --allow-add)."""

from __future__ import annotations

import typer

from bilat.cli._base import app, err, state


@app.command("serve")
def serve(
    store: str | None = typer.Option(
        None, "--store", help="Store path or URL (default: the one given before the command, "
        "BILAT_STORE, or the user data dir)."),
    host: str = typer.Option("127.0.0.1", "--host",
                             help="Address to listen on (loopback by default: this machine only)."),
    port: int = typer.Option(8765, "--port", help="TCP port (0: any free port)."),
    allow_add: bool = typer.Option(
        False, "--allow-add", help="Open the store read-write and allow adding documents "
        "through the page (default: read-only)."),
    max_upload: int = typer.Option(2_000_000, "--max-upload",
                                   help="Largest upload or form, in bytes."),
) -> None:
    """Serve the web app: pick a pair and years, read the evidence, click any figure for the
    votes, events or sentences behind it, compare two pasted readouts. Stop with Ctrl-C."""
    from bilat.web.server import serve as run_server
    from bilat.web.server import warn_exposed

    warning = warn_exposed(host)
    if warning:
        err.print(warning, markup=False)

    def announce(url: str) -> None:
        mode = "documents can be added" if allow_add else "read-only"
        err.print(f"bilat serving {store or state.store or 'the default store'} ({mode}) at "
                  f"{url}  (Ctrl-C stops)", markup=False)

    run_server(store if store is not None else state.store, host=host, port=port,
               allow_add=allow_add, max_upload=max_upload, announce=announce)
