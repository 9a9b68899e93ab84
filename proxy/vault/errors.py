"""Vault errors. Messages name files, scopes and counts, never a real value."""


class VaultError(RuntimeError):
    """Any vault failure. The proxy fails closed on it: a prompt is never sent unprotected."""


class VaultMissing(VaultError):
    """No vault exists in the data directory (and the caller asked not to create one)."""


class VaultLocked(VaultError):
    """The key is not available: no key file / keyring entry, or a passphrase is needed."""

    def __init__(self, message: str, *, needs_passphrase: bool = False):
        super().__init__(message)
        self.needs_passphrase = needs_passphrase  # True: asking the user can fix it


class VaultKeyMismatch(VaultError):
    """A key was found but it is not this vault's key (wrong passphrase, wrong key file)."""


class VaultCorrupt(VaultError):
    """A row or the vault's metadata failed authentication: tampered or damaged on disk."""
