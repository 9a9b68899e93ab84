"""Loaders for the shared evaluation data (../shared/data): one module per data set.

Every loader returns a list of Example: the text a user would send, the gold private values in
it, and gold spans with labels where the data set has them. `load(name)` picks the loader.
"""
from bench.datasets.example import Example, GoldSpan, LOADERS, load, resolve_data_dir

__all__ = ["Example", "GoldSpan", "LOADERS", "load", "resolve_data_dir"]
