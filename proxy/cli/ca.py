"""`doppel ca path` and `doppel ca install`: Doppel's CA for intercepting chatbot hosts."""
from __future__ import annotations

import typer

from proxy.mitm.ca import ensure_ca, plan_install, run_steps
from proxy.cli.app import app
from proxy.cli.options import DataDir
from proxy.datadir import ensure_data_dir

ca_app = typer.Typer(help="Doppel's certificate authority (needed to read chatbot traffic).",
                     no_args_is_help=True)
app.add_typer(ca_app, name="ca")



@ca_app.command("path")
def ca_path(data_dir: DataDir = None) -> None:
    """Print the path of the CA certificate (PEM), creating the CA if needed."""
    typer.echo(str(ensure_ca(ensure_data_dir(data_dir))))


@ca_app.command("install")
def ca_install(data_dir: DataDir = None,
               dry_run: bool = typer.Option(False, "--dry-run", help="Only print the steps.")) -> None:
    """Trust the CA in Chromium/Firefox (NSS) and the system store; print macOS/Windows steps."""
    pem = ensure_ca(ensure_data_dir(data_dir))
    typer.echo(f"CA certificate: {pem}")
    if not run_steps(plan_install(pem), dry_run=dry_run, echo=typer.echo):
        raise typer.Exit(1)
