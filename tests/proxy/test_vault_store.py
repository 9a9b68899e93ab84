"""The vault as a MappingStore: same behaviour as InMemoryStore, plus scopes and persistence."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.store import InMemoryStore, Mapping, MappingStore
from proxy.vault import GLOBAL_SCOPE, Vault, VaultError
from tests.proxy.test_vault_support import SEED, hermetic_vault_env, seed  # noqa: F401


@pytest.fixture
def vault(tmp_path):
    with Vault.open(tmp_path / "data") as v:
        yield v


def test_is_a_mapping_store(vault):
    assert isinstance(vault, MappingStore)


def test_first_writer_wins_per_key(vault):
    assert vault.add("c1", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz") == "Elena Ruiz"
    assert vault.add("c1", "PERSON", "maria", "Maria Gonzalez", "Ana Lopez") == "Elena Ruiz"
    assert vault.find("c1", "maria") == "Elena Ruiz"
    assert vault.mappings("c1") == [Mapping("Maria Gonzalez", "Elena Ruiz", "PERSON")]


@pytest.mark.parametrize("scope, key, expected", [
    ("c1", "maria", "Elena Ruiz"),
    ("c2", "maria", None),        # scopes are separate conversations
    ("c1", "Maria", None),        # keys are exact: the stand-in layer canonicalises them
    ("c1", "maria ", None),
    ("global", "maria", None),
])
def test_find_is_exact_and_scoped(vault, scope, key, expected):
    vault.add("c1", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz")
    assert vault.find(scope, key) == expected


def test_mappings_keep_insertion_order_and_scope(vault):
    seed(vault)
    for scope in ("conv-a", "conv-b", "conv-c"):
        expected = [Mapping(real, standin, cat) for s, cat, _, real, standin in SEED if s == scope]
        assert vault.mappings(scope) == expected
    assert vault.mappings("conv-unknown") == []


@pytest.mark.parametrize("value, expected", [
    ("Qzorvath Brimbleton", True),
    ("qzorvath brimbleton", True),      # case-insensitive
    ("QZORVATH BRIMBLETON", True),
    ("jörg ümlautsstrasse", True),      # casefold: ß == ss
    ("Elena Ruiz", False),              # a stand-in is not a real value
    ("Qzorvath", False),                # only whole values
    ("", False),
])
def test_is_real_value_spans_all_scopes(vault, value, expected):
    seed(vault)
    assert vault.is_real_value(value) is expected


@pytest.mark.parametrize("scope, standin, expected", [
    ("conv-a", "Elena Ruiz", True),
    ("conv-a", "elena ruiz", True),
    ("conv-b", "Elena Ruiz", False),     # issued in another conversation only
    ("conv-a", "Qzorvath Brimbleton", False),
])
def test_standin_in_use_is_per_scope(vault, scope, standin, expected):
    seed(vault)
    assert vault.standin_in_use(scope, standin) is expected


def test_global_scope_gives_one_persona_everywhere(tmp_path):
    with Vault.open(tmp_path / "d", global_scope=True) as v:
        v.add("chat-1", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz")
        assert v.add("chat-2", "PERSON", "maria", "Maria Gonzalez", "Ana Lopez") == "Elena Ruiz"
        assert v.find("any-other-chat", "maria") == "Elena Ruiz"
        assert v.mappings("chat-3") == [Mapping("Maria Gonzalez", "Elena Ruiz", "PERSON")]
        assert v.standin_in_use("chat-9", "Elena Ruiz")
        assert v.stats()["per_scope"] == {GLOBAL_SCOPE: 1}
    with Vault.open(tmp_path / "d") as v:  # the same file without the option: scope "global"
        assert v.find(GLOBAL_SCOPE, "maria") == "Elena Ruiz"
        assert v.find("chat-1", "maria") is None


def test_rebind_moves_first_turn_to_conversation_id(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        v.add("chatgpt:pending-1", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz")
        v.add("chatgpt:pending-1", "EMAIL", "m@x.org", "m@x.org", "e@y.org")
        v.add("chatgpt:pending-2", "PERSON", "tom", "Tom Becker", "Paul Roth")
        v.rebind_scope("chatgpt:pending-1", "chatgpt:6a1f")
        assert v.mappings("chatgpt:pending-1") == []
        assert v.find("chatgpt:pending-1", "maria") is None
        assert v.find("chatgpt:6a1f", "maria") == "Elena Ruiz"
        assert [m.standin for m in v.mappings("chatgpt:6a1f")] == ["Elena Ruiz", "e@y.org"]
        assert v.find("chatgpt:pending-2", "tom") == "Paul Roth"  # other scopes untouched
    with Vault.open(tmp_path / "d") as v:  # re-sealed under the new scope: decrypts after restart
        assert [m.real for m in v.mappings("chatgpt:6a1f")] == ["Maria Gonzalez", "m@x.org"]


def test_rebind_keeps_existing_mapping_on_conflict(vault):
    vault.add("new", "PERSON", "maria", "Maria Gonzalez", "Elena Ruiz")
    vault.add("old", "PERSON", "maria", "Maria Gonzalez", "Ana Lopez")
    vault.add("old", "PERSON", "tom", "Tom Becker", "Paul Roth")
    vault.rebind_scope("old", "new")
    assert vault.find("new", "maria") == "Elena Ruiz"
    assert vault.find("new", "tom") == "Paul Roth"
    assert [m.standin for m in vault.mappings("new")] == ["Elena Ruiz", "Paul Roth"]
    assert vault.stats()["mappings"] == 2


def test_mappings_cache_sees_own_and_other_writers(tmp_path):
    with Vault.open(tmp_path / "d") as a, Vault.open(tmp_path / "d") as b:
        a.add("c", "PERSON", "k1", "Real One", "Fake One")
        assert [m.standin for m in a.mappings("c")] == ["Fake One"]   # now cached in a
        a.add("c", "PERSON", "k2", "Real Two", "Fake Two")
        assert [m.standin for m in a.mappings("c")] == ["Fake One", "Fake Two"]
        b.add("c", "PERSON", "k3", "Real Three", "Fake Three")          # another connection
        assert [m.standin for m in a.mappings("c")] == ["Fake One", "Fake Two", "Fake Three"]
        b.forget(conversation="c")
        assert a.mappings("c") == []


def test_mappings_returns_a_copy(vault):
    vault.add("c", "PERSON", "k", "Real", "Fake")
    vault.mappings("c").clear()
    assert len(vault.mappings("c")) == 1


def test_restart_keeps_everything(tmp_path):
    with Vault.open(tmp_path / "d") as v:
        seed(v)
        before = {s: v.mappings(s) for s in ("conv-a", "conv-b", "conv-c")}
    with Vault.open(tmp_path / "d") as v:
        assert {s: v.mappings(s) for s in before} == before
        for scope, _, key, real, standin in SEED:
            assert v.find(scope, key) == standin
            assert v.add(scope, "PERSON", key, real, "Something Else") == standin
            assert v.is_real_value(real)


def test_api_scopes_are_stored_keyed_not_as_the_prompt_hash(tmp_path):
    # The proxy names API conversations "api:" + SHA-256(client, first prompt); a short prompt
    # could be found again by hashing guesses, so the vault stores a keyed form instead.
    import hashlib
    prompt_hash = "api:" + hashlib.sha256(b"openai|my name is Maria").hexdigest()[:32]
    with Vault.open(tmp_path / "a") as a:
        a.add(prompt_hash, "PERSON", "maria", "Maria", "Elena")
        stored = list(a.stats()["per_scope"])
        assert len(stored) == 1 and stored[0].startswith("api:") and stored[0] != prompt_hash
        assert a.find(prompt_hash, "maria") == "Elena"
        assert a.standin_in_use(prompt_hash, "elena")
        a.rotate_key()
        assert list(a.stats()["per_scope"]) == stored       # stable across key rotation
    with Vault.open(tmp_path / "a") as a:
        assert a.mappings(prompt_hash) == [Mapping("Maria", "Elena", "PERSON")]  # and restarts
        a.rebind_scope(prompt_hash, "api:other")
        assert a.find("api:other", "maria") == "Elena"
        assert a.forget(conversation="api:other") == 1      # forget takes the proxy's name
    with Vault.open(tmp_path / "b") as b:                   # another vault's key: another id
        b.add(prompt_hash, "PERSON", "maria", "Maria", "Elena")
        assert list(b.stats()["per_scope"]) != stored
        assert b.forget(conversation=list(b.stats()["per_scope"])[0]) == 1  # and the stored one


@pytest.mark.parametrize("scope", ["chatgpt:6a1f", "claude:conv-1", "apix", "API:upper"])
def test_other_scopes_are_stored_as_given(vault, scope):
    vault.add(scope, "PERSON", "k", "Real", "Fake")
    assert list(vault.stats()["per_scope"]) == [scope]


def test_closed_vault_refuses_work(tmp_path):
    v = Vault.open(tmp_path / "d")
    v.close()
    v.close()  # idempotent
    with pytest.raises(VaultError, match="closed"):
        v.find("c", "k")


def test_create_false_does_not_make_a_vault(tmp_path):
    with pytest.raises(VaultError, match="no vault"):
        Vault.open(tmp_path / "nothing", create=False)
    assert not (tmp_path / "nothing").exists()


# --- property test: the vault behaves exactly like the in-memory reference store ----------

_scopes = st.sampled_from(["s1", "s2", "chatgpt:x", "api:0f3c"])
_keys = st.sampled_from(["maria", "tom", "Maria", "ünïcode", "a@b.c", ""])
_text = st.text(min_size=1, max_size=12)
_ops = st.lists(st.one_of(
    st.tuples(st.just("add"), _scopes, st.sampled_from(["PERSON", "EMAIL"]), _keys, _text, _text),
    st.tuples(st.just("find"), _scopes, _keys),
    st.tuples(st.just("mappings"), _scopes),
    st.tuples(st.just("is_real_value"), _text),
    st.tuples(st.just("standin_in_use"), _scopes, _text),
), max_size=25)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=_ops)
def test_vault_matches_in_memory_store(ops):
    reference = InMemoryStore()
    with tempfile.TemporaryDirectory() as d, Vault.open(Path(d) / "v") as vault:
        for op, *args in ops:
            assert getattr(vault, op)(*args) == getattr(reference, op)(*args), (op, args)
