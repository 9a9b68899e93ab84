"""The encrypted mapping vault (docs/architecture.md#vault).

    from proxy.vault import Vault
    with Vault.open(ensure_data_dir(None)) as vault:
        Protector(detector, vault)
"""
from proxy.vault.errors import (VaultCorrupt, VaultError, VaultKeyMismatch, VaultLocked,
                                VaultMissing)
from proxy.vault.interactive import open_vault
from proxy.vault.store import GLOBAL_SCOPE, Vault

__all__ = ["Vault", "open_vault", "GLOBAL_SCOPE", "VaultError", "VaultLocked",
           "VaultKeyMismatch", "VaultCorrupt", "VaultMissing"]
