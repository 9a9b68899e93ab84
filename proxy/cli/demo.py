"""`doppel demo`: one prompt with fictional private values through Doppel, side by side."""
from __future__ import annotations

import asyncio

import typer

from proxy.cli.app import app


@app.command()
def demo(prompt: str = typer.Option(None, help="Your own prompt (it will be printed!); "
                                    "default: a fictional sample.")) -> None:
    """Show what the cloud sees and what you get back, with a local echo upstream."""
    from proxy.demo import SAMPLE_PROMPT, render, run_demo

    result = asyncio.run(run_demo(prompt or SAMPLE_PROMPT))
    render(result)
