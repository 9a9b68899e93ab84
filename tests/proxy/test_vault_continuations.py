"""Responses continuations in the vault (proxy/vault/continuations.py): which conversation a
response id belongs to survives a restart and a key rotation, only for the client that owns it,
never in clear on disk, and goes with the conversation when it is forgotten."""
from __future__ import annotations

import logging
import time

from proxy.control.events import EventLog
from proxy.mitm.hosts import HostPolicy
from proxy.mitm.runtime import Runtime
from proxy.settings import SettingsStore
from proxy.sites.openai.responses import ResponseScopes
from proxy.vault import Vault
from tests.proxy.test_vault_support import all_bytes, hermetic_vault_env, raw  # noqa: F401

# An "api:" scope as the proxy names it: a plain hash of the first prompt, guessable for a
# short prompt, so it must never lie on disk as is (the stored form is re-keyed).
SCOPE = "api:" + "5e1f" * 8
CLIENT = "api.openai.com|key:0123456789abcdef"
RESPONSE = "resp_68af0c1d2e3f4a5b6c7d8e9f00112233"


def test_survives_a_restart_for_its_client_only(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        vault.remember_continuation(RESPONSE, CLIENT, "api:" + "0" * 32)  # first row stays
    with Vault.open(tmp_path) as vault:
        assert vault.continued_scope(RESPONSE, CLIENT) == SCOPE
        assert vault.continued_scope(RESPONSE, "api.openai.com|key:ffffffffffffffff") is None
        assert vault.continued_scope("resp_never_seen", CLIENT) is None


def test_nothing_in_clear_on_disk(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        for name, blob in all_bytes(tmp_path).items():  # while open (WAL present)
            for value in (SCOPE, SCOPE[4:], RESPONSE, CLIENT, "0123456789abcdef"):
                assert value.encode() not in blob, name
    for name, blob in all_bytes(tmp_path).items():
        assert SCOPE[4:].encode() not in blob and RESPONSE.encode() not in blob, name


def test_key_rotation_keeps_continuations(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        vault.rotate_key()
    with Vault.open(tmp_path) as vault:
        assert vault.continued_scope(RESPONSE, CLIENT) == SCOPE


def test_forgetting_the_conversation_forgets_its_continuations(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        vault.remember_continuation("resp_other", CLIENT, "chatgpt:conv-1")
        vault.forget(conversation=SCOPE)  # named as the proxy names it
        assert vault.continued_scope(RESPONSE, CLIENT) is None
        assert vault.continued_scope("resp_other", CLIENT) == "chatgpt:conv-1"
        vault.forget(everything=True)
        assert vault.continued_scope("resp_other", CLIENT) is None
    assert raw(tmp_path).execute("SELECT count(*) FROM continuations").fetchone() == (0,)


def test_retention_drops_continuations_unused_that_long(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        vault.remember_continuation("resp_recent", CLIENT, SCOPE)
    old = time.time() - 40 * 86400
    raw(tmp_path).execute("UPDATE continuations SET last_used = ?, created = ? WHERE id_mac = ("
                          "SELECT id_mac FROM continuations ORDER BY created LIMIT 1)", (old, old))
    with Vault.open(tmp_path, retention_days=30) as vault:
        assert vault.continued_scope(RESPONSE, CLIENT) is None
        assert vault.continued_scope("resp_recent", CLIENT) == SCOPE


def test_a_changed_row_gives_no_scope_rather_than_a_wrong_one(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        vault.remember_continuation("resp_b", CLIENT, "api:" + "b" * 32)
    db = raw(tmp_path)
    rows = db.execute("SELECT id_mac, nonce, sealed FROM continuations").fetchall()
    # Swap the two sealed scopes: each now sits under the other response id.
    for (id_mac, _, _), (_, nonce, sealed) in zip(rows, reversed(rows)):
        db.execute("UPDATE continuations SET nonce = ?, sealed = ? WHERE id_mac = ?",
                   (nonce, sealed, id_mac))
    with Vault.open(tmp_path) as vault:
        assert vault.continued_scope(RESPONSE, CLIENT) is None
        assert vault.continued_scope("resp_b", CLIENT) is None


def test_a_vault_from_before_continuations_gets_the_table(tmp_path):
    with Vault.open(tmp_path) as vault:
        vault.add("c1", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz")
    db = raw(tmp_path)
    db.execute("DROP TABLE continuations")
    db.close()
    with Vault.open(tmp_path) as vault:
        vault.remember_continuation(RESPONSE, CLIENT, SCOPE)
        assert vault.continued_scope(RESPONSE, CLIENT) == SCOPE
        assert vault.find("c1", "maria") == "Elena Ruiz"


def test_response_scopes_read_back_what_another_process_wrote(tmp_path):
    """Two ResponseScopes over two Vault objects on one file: a proxy and its restart."""
    with Vault.open(tmp_path) as before:
        first = ResponseScopes(store=before)
        first.own(SCOPE, CLIENT)
        first.remember(RESPONSE, SCOPE)
        first.remember(RESPONSE, SCOPE)  # streams name the id in several events
    with Vault.open(tmp_path) as after:
        second = ResponseScopes(store=after)
        assert second.scope_of(RESPONSE, CLIENT) == SCOPE
        assert second.scope_of(RESPONSE, "someone else") is None
        second.remember("resp_next", SCOPE)  # the continued conversation goes on being kept
    with Vault.open(tmp_path) as later:
        assert ResponseScopes(store=later).scope_of("resp_next", CLIENT) == SCOPE


def test_a_failing_vault_leaves_memory_working(tmp_path, caplog):
    """The Runtime (the store the proxy gives the adapter) absorbs the vault's failure: the
    adapter, which knows no storage errors, keeps its conversations in memory."""
    vault = Vault.open(tmp_path)
    vault.close()  # every vault call now raises VaultError
    runtime = Runtime(SettingsStore.load(tmp_path), hosts=HostPolicy(), events=EventLog(),
                      vault=vault)
    scopes = ResponseScopes(store=runtime)
    scopes.own(SCOPE, CLIENT)
    with caplog.at_level(logging.WARNING, logger="doppel.runtime"):
        scopes.remember(RESPONSE, SCOPE)
        assert scopes.scope_of(RESPONSE, CLIENT) == SCOPE
        assert scopes.scope_of("resp_unknown", CLIENT) is None
    assert "could not keep a Responses continuation" in caplog.text
    assert RESPONSE not in caplog.text and SCOPE not in caplog.text


def test_response_scopes_keep_the_most_recently_used_when_full():
    scopes = ResponseScopes(max_entries=2)
    for n in (1, 2):
        scopes.own(f"api:{n}", CLIENT)
        scopes.remember(f"resp_{n}", f"api:{n}")
    assert scopes.scope_of("resp_1", CLIENT) == "api:1"  # used: resp_2 is now the oldest
    scopes.own("api:3", CLIENT)
    scopes.remember("resp_3", "api:3")
    assert scopes.scope_of("resp_2", CLIENT) is None  # no store: forgotten
    assert scopes.scope_of("resp_1", CLIENT) == "api:1"
    assert scopes.scope_of("resp_3", CLIENT) == "api:3"
