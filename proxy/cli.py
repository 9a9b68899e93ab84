"""Entry point of the `doppel` console script.

Each command group lives in its own module and registers itself on proxy.cli_app.app when
imported; add a module to COMMAND_MODULES to add commands.
"""
import importlib

from proxy.cli_app import app

COMMAND_MODULES = (
)


def main() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()


if __name__ == "__main__":
    main()
