"""The typer app every `doppel` sub-command registers on (one module per command group)."""
import typer

app = typer.Typer(
    name="doppel",
    help="Doppel: a local privacy layer between you and cloud chatbots.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,  # locals may hold real private values
)
