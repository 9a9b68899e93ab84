"""`python -m proxy.cli`: the same as the `doppel` console script."""
from proxy.cli import main

main()
