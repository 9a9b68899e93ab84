"""Errors the benchmark and evaluation runners report instead of crashing."""


class Unavailable(RuntimeError):
    """A system (a detector mode, Presidio) cannot run here; the message says why."""


BENCH_EXTRA = ("Presidio is not installed: it is in Doppel's bench extra "
               "(`.venv/bin/pip install -c constraints.txt -e '.[bench]'`; `make test` installs it)")
