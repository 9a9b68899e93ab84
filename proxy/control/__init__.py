"""The local control server: settings page, extension API, pairing (127.0.0.1 only)."""
