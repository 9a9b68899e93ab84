"""Entry point of the `doppel` console script.

Each command group lives in its own module and registers itself on proxy.cli.app.app when
imported; add a module to COMMAND_MODULES to add commands.
"""
import importlib

from proxy.cli.app import app

COMMAND_MODULES = (
    "proxy.cli.start", "proxy.cli.ca", "proxy.cli.demo",
    "proxy.cli.eval",
    "proxy.cli.vault",
    "proxy.cli.terms",
    "proxy.cli.pair",
    "proxy.cli.check",
    "proxy.cli.models",
)


def main() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()


if __name__ == "__main__":
    main()
