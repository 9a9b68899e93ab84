"""Doppel's proxy side: mitmproxy addon, site adapters, vault, control server, CLI."""
