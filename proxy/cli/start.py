"""`doppel start`: run the privacy proxy and its control server until Ctrl-C / SIGTERM."""
from __future__ import annotations

import asyncio
import logging
import os
import sys
from typing import Optional

import typer

from proxy.cli.app import app
from proxy.cli.options import DataDir
from proxy.mitm.addon import OnError, OnUnknown
from proxy.start import StartError, StartOptions, serve

SWITCH_INTERVAL_S = 0.0001  # GIL hand-over deadline between threads, see start()


@app.command()
def start(
    listen_host: str = typer.Option("127.0.0.1", help="Address the proxy listens on."),
    listen_port: int = typer.Option(8080, help="Port the proxy listens on."),
    mode: str = typer.Option("regular", help="regular (system/browser proxy), "
                             "reverse:URL (API clients that take a base URL), or local "
                             "(mitmproxy 11.0.2: Windows/macOS only)."),
    data_dir: DataDir = None,
    detector: Optional[str] = typer.Option(None, help="fast (rules + NER) or thorough (+ local "
                                           "LLM); default: the saved setting (fast)."),
    control_port: int = typer.Option(8765, help="Port of the local control server (/health)."),
    on_error: OnError = typer.Option("block", help="If detection fails: block the request, "
                                     "or pass it on unprotected."),
    on_unknown: OnUnknown = typer.Option("protect", help="A request on a chat host that no "
                                         "site adapter reads: protect every text in it (and "
                                         "block it if it cannot be read), or pass it on "
                                         "unprotected."),
    extra_host: list[str] = typer.Option([], "--extra-host", help="Another OpenAI-compatible "
                                         "host to intercept (e.g. a local Ollama); repeatable."),
    count_headers: bool = typer.Option(False, "--count-headers", help="Tell API clients how "
                                       "many values of each kind were replaced, in x-doppel-* "
                                       "response headers (never sent to chat web pages)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Log every protected request "
                                 "(counts and categories only)."),
    shadow: Optional[bool] = typer.Option(None, "--shadow/--no-shadow", help="Shadow mode: "
                                          "detect and record as usual but send every request "
                                          "UNCHANGED (nothing is protected); remembered until "
                                          "turned off (--no-shadow or the settings page)."),
    llm_strict: bool = typer.Option(False, "--strict", "--llm-strict", help="Thorough mode: a request waits "
                                    "while the model loads and is blocked if the LLM runs past "
                                    "its timeout, instead of going on with the fast layers."),
) -> None:
    """Start Doppel: intercept chatbot traffic, replace private values, restore the replies."""
    # Thorough mode's model loads in a thread (with a progress bar on a terminal): the proxy
    # serves at once with the fast layers, and the LLM joins when loaded (detector/llm/layer.py).
    os.environ.setdefault("DOPPEL_LLM_BACKGROUND", "1")
    # spaCy's NER loop gives up and retakes the GIL as it goes; with the event loop busy each
    # retake waited up to CPython's 5-ms switch interval. `python -m bench.gil_contention`
    # (spaCy 3.8.7): beside a busy thread, 200-word detection took 577 ms median / 1.1 s p95 at
    # 5 ms and 47 / 61 ms at 0.1 ms (12 ms alone either way).
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    if llm_strict:
        os.environ["DOPPEL_LLM_STRICT"] = "1"
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    opts = StartOptions(listen_host=listen_host, listen_port=listen_port, mode=mode,
                        data_dir=data_dir, detector=detector, control_port=control_port,
                        on_error=on_error, on_unknown=on_unknown,
                        extra_hosts=tuple(extra_host), count_headers=count_headers, shadow=shadow)
    try:
        asyncio.run(serve(opts, announce=lambda line: typer.echo(line)))
    except StartError as e:
        typer.echo(f"Doppel could not start: {e}", err=True)
        raise typer.Exit(2)
    except KeyboardInterrupt:
        pass
