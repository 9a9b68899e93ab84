"""Entry point of the `doppel` console script.

Each command group lives in its own module and registers itself on proxy.cli_app.app when
imported; add a module to COMMAND_MODULES to add commands.
"""
import importlib

from proxy.cli_app import app

COMMAND_MODULES = (
    "proxy.cli_start", "proxy.cli_ca", "proxy.cli_demo",
    "proxy.cli_eval",
    "proxy.cli_vault",
    "proxy.cli_pair",
    "proxy.cli_check",
    "proxy.cli_models",
)


def main() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()


if __name__ == "__main__":
    main()
