"""Doppel's detector: text in, privacy spans and stand-ins out. No network, no storage."""
