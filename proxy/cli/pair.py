"""`doppel pair`: a one-time code that pairs the browser extension (or the settings page) with
the running Doppel, and `doppel pair --settings` to open the settings page already unlocked."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
import webbrowser
from pathlib import Path

import typer

from proxy.cli.app import app
from proxy.cli.options import DataDir
from proxy.control.auth import TOKEN_FILE, TOKEN_HEADER
from proxy.datadir import default_data_dir

# The control server is local: never send the token through an http_proxy from the environment.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class PairError(RuntimeError):
    pass


def read_token(data_dir: Path) -> str:
    try:
        token = (Path(data_dir) / TOKEN_FILE).read_text().strip()
    except FileNotFoundError:
        token = ""
    if not token:
        raise PairError(f"no control token in {data_dir}: start Doppel first (`doppel start`)")
    return token


def request_code(control_port: int, token: str, timeout_s: float = 5.0) -> dict:
    """Ask the running control server for a pairing code: {"code", "expires_in_s"}."""
    req = urllib.request.Request(f"http://127.0.0.1:{control_port}/api/pair/code", data=b"",
                                 method="POST", headers={TOKEN_HEADER: token})
    try:
        with _OPENER.open(req, timeout=timeout_s) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as e:
        if e.code == 401:
            raise PairError("the running Doppel uses another data dir (its token differs): "
                            "pass the same --data-dir as `doppel start`") from None
        raise PairError(f"the control server answered HTTP {e.code}") from None
    except (urllib.error.URLError, OSError):
        raise PairError(f"Doppel is not running on 127.0.0.1:{control_port}: start it with "
                        "`doppel start` (or pass its --control-port)") from None


def settings_url(control_port: int, token: str) -> str:
    # The token travels in the fragment: never sent to a server, not logged, not in Referer.
    return f"http://127.0.0.1:{control_port}/settings#token={token}"


@app.command()
def pair(
    data_dir: DataDir = None,
    control_port: int = typer.Option(8765, help="The control server's port."),
    settings: bool = typer.Option(False, "--settings", help="Open the settings page, unlocked, "
                                  "in your browser instead of printing a code."),
) -> None:
    """Pair the Doppel browser extension: prints a one-time code to paste into its popup."""
    data_dir = Path(data_dir).expanduser() if data_dir else default_data_dir()
    try:
        token = read_token(data_dir)
        if settings:
            url = settings_url(control_port, token)
            typer.echo(f"Opening the settings page: {url.split('#')[0]}")
            if not webbrowser.open(url):
                typer.echo(f"Could not open a browser; open this link yourself:\n{url}")
            return
        answer = request_code(control_port, token)
    except PairError as e:
        typer.echo(f"Could not pair: {e}", err=True)
        raise typer.Exit(1)
    minutes = max(1, answer["expires_in_s"] // 60)
    typer.echo(f"Pairing code: {answer['code']}")
    typer.echo(f"Paste it into the Doppel extension's popup (valid {minutes} min, once).")
