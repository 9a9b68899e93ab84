"""Protector's cache of Protection results for resent history: used only while still right.

Real parts: the real fast Detector (rules + names + spaCy), InMemoryStore, and the real
encrypted Vault in a tmp dir for `vault forget`.
"""
import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from detector.categories import Category as C
from detector.errors import BlockedByPolicy
from detector.pipeline import Detector
from detector.protect import Protector
from detector.protect_cache import CachedProtection, ProtectionCache
from detector.restore import Restorer
from detector.store import InMemoryStore
from proxy.vault import Vault
from tests.detector.standins_doubles import PhraseDetector

TEXT = "Maria Gonzalez planted a sunflower in Boston last spring."
HISTORY = [
    TEXT,
    "Tom Becker from Denver asked about the sunflower seeds; write to tom.becker@gmail.com.",
    "Call Maria at +1 415-555-2671 before Friday, she lives in Boston.",
    "Aisha Okafor works at Acme Corp in Chicago and was born on March 3, 1985.",
]


@pytest.fixture(scope="module")
def detector():
    d = Detector("fast")
    d.warm()
    return d


def roundtrips(protector: Protector, text: str, scope: str) -> bool:
    p = protector.protect(text, scope)
    return Restorer(protector.store.mappings(scope)).restore_exact(p.protected) == text


def test_resent_text_returns_the_identical_protection(detector):
    protector = Protector(detector, InMemoryStore())
    first = [protector.protect(t, "conv") for t in HISTORY]
    again = [protector.protect(t, "conv") for t in HISTORY]
    assert all(a is b for a, b in zip(first, again))
    assert all(p.replacements for p in first)
    restorer = Restorer(protector.store.mappings("conv"))
    assert [restorer.restore_exact(p.protected) for p in again] == HISTORY


def test_without_cache_the_result_is_equal_but_fresh(detector):
    protector = Protector(detector, InMemoryStore(), cache_size=0)
    first = protector.protect(TEXT, "conv")
    again = protector.protect(TEXT, "conv")
    assert again is not first
    assert again.protected == first.protected
    assert len(protector.cache) == 0


@pytest.mark.parametrize("action", ["keep", "block"])
def test_changed_policy_is_not_served_from_cache(detector, action):
    protector = Protector(detector, InMemoryStore())
    first = protector.protect(TEXT, "conv")
    assert "Maria" not in first.protected
    protector.policy["PERSON"] = action
    if action == "block":
        with pytest.raises(BlockedByPolicy):
            protector.protect(TEXT, "conv")
        return
    kept = protector.protect(TEXT, "conv")
    assert kept is not first
    assert "Maria Gonzalez" in kept.protected and "Boston" not in kept.protected
    assert Restorer(protector.store.mappings("conv")).restore_exact(kept.protected) == TEXT


def test_other_scope_gets_its_own_protection(detector):
    store = InMemoryStore()
    protector = Protector(detector, store)
    a = protector.protect(TEXT, "conv-a")
    b = protector.protect(TEXT, "conv-b")
    assert b is not a
    assert b.protected != a.protected  # stand-ins are seeded per conversation
    assert Restorer(store.mappings("conv-b")).restore_exact(b.protected) == TEXT
    assert Restorer(store.mappings("conv-a")).restore_exact(a.protected) == TEXT


def test_other_detector_is_not_served_from_cache(detector):
    protector = Protector(detector, InMemoryStore())
    first = protector.protect(TEXT, "conv")
    protector.detector = PhraseDetector({"sunflower": C.HEALTH})
    other = protector.protect(TEXT, "conv")
    assert other is not first
    assert "sunflower" not in other.protected and "Maria Gonzalez" in other.protected
    assert Restorer(protector.store.mappings("conv")).restore_exact(other.protected) == TEXT


def test_new_mapping_that_would_misread_the_cached_text_gives_a_fresh_result(detector):
    store = InMemoryStore()
    protector = Protector(detector, store)
    first = protector.protect(TEXT, "conv")
    assert "sunflower" in first.protected
    # Later in the conversation "sunflower" becomes the stand-in of someone else: the cached
    # protected text would now come back as "... planted a Zed ...".
    store.add("conv", "PERSON", "test-key:zed", "Zed", "sunflower")
    assert Restorer(store.mappings("conv")).restore_exact(first.protected) != TEXT
    fresh = protector.protect(TEXT, "conv")
    assert fresh is not first
    assert "sunflower" not in fresh.protected  # guarded with a stand-in of its own
    assert Restorer(store.mappings("conv")).restore_exact(fresh.protected) == TEXT
    assert protector.protect(TEXT, "conv") is fresh  # and that result is cached in turn


@pytest.fixture
def hermetic(monkeypatch, tmp_path):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    monkeypatch.delenv("DOPPEL_PASSPHRASE", raising=False)
    monkeypatch.setenv("DOPPEL_RUNTIME_DIR", str(tmp_path / "runtime"))


def test_forgotten_scope_in_the_real_vault_gives_a_fresh_result(detector, hermetic, tmp_path):
    with Vault.open(tmp_path / "data") as vault:
        protector = Protector(detector, vault)
        scope = "api:openai:first-prompt-hash"
        first = [protector.protect(t, scope) for t in HISTORY]
        assert protector.protect(HISTORY[0], scope) is first[0]
        assert vault.forget(conversation=scope) > 0
        assert vault.mappings(scope) == []
        again = [protector.protect(t, scope) for t in HISTORY]
        assert all(a is not f for a, f in zip(again, first))
        assert vault.mappings(scope)  # the stand-ins were issued again
        restorer = protector.restorer(scope)
        assert [restorer.restore_exact(p.protected) for p in again] == HISTORY
        assert protector.protect(HISTORY[1], scope) is again[1]


def test_threads_resending_history_get_consistent_results(detector):
    store = InMemoryStore()
    protector = Protector(detector, store, cache_size=3)  # small: evictions race with hits
    results: dict[str, set[str]] = {t: set() for t in HISTORY}
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(6)

    def turns(offset: int) -> None:
        try:
            barrier.wait()
            for k in range(1, len(HISTORY) * 3):
                for t in HISTORY[offset % len(HISTORY):][:k] + HISTORY[:k]:
                    p = protector.protect(t, "shared")
                    with lock:
                        results[t].add(p.protected)
        except BaseException as e:  # noqa: BLE001 - re-raised in the main thread
            errors.append(e)

    threads = [threading.Thread(target=turns, args=(i,)) for i in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    assert not errors
    assert all(len(seen) == 1 for seen in results.values()), "one protected form per text"
    restorer = Restorer(store.mappings("shared"))
    assert [restorer.restore_exact(next(iter(results[t]))) for t in HISTORY] == HISTORY


def test_cache_is_bounded_by_entries(detector):
    protector = Protector(detector, InMemoryStore(), cache_size=2)
    ps = [protector.protect(t, "conv") for t in HISTORY]
    assert len(protector.cache) == 2
    assert protector.protect(HISTORY[-1], "conv") is ps[-1]      # recent: kept
    assert protector.protect(HISTORY[0], "conv") is not ps[0]    # oldest: evicted


def _entry(text: str) -> CachedProtection:
    from detector.protect import Protection
    return CachedProtection((), Protection(text=text, protected=text, replacements=[]))


@pytest.mark.parametrize("sizes,max_chars,kept", [
    ([10, 10, 10], 100, 3),
    ([10, 10, 10], 40, 2),     # each entry counts text + protected: 20 chars
    ([60], 100, 0),            # larger than the whole budget: not cached at all
])
def test_cache_is_bounded_by_characters(sizes, max_chars, kept):
    cache = ProtectionCache(max_entries=100, max_chars=max_chars)
    for i, n in enumerate(sizes):
        cache.put(("s", str(i)), _entry("x" * n))
    assert len(cache) == kept
    assert cache._chars == sum(2 * n for n in sizes[len(sizes) - kept:])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["protect", "forget", "add"]), st.integers(0, 3)),
                min_size=1, max_size=25))
def test_any_mix_of_resends_forgets_and_new_stand_ins_round_trips(ops):
    phrases = {"Maria Gonzalez": C.PERSON, "Boston": C.LOCATION, "Tom": C.PERSON,
               "tom@acme-corp.com": C.EMAIL}
    texts = ["Maria Gonzalez lives in Boston near the old mill.",
             "Tom wrote from tom@acme-corp.com about the mill.",
             "the mill in Boston is old",
             "Maria Gonzalez and Tom met at the mill"]
    words = ["mill", "old", "near", "about"]
    store = InMemoryStore()
    protector = Protector(PhraseDetector(phrases), store)
    for op, i in ops:
        if op == "forget":  # what `doppel vault forget` does to a scope, in memory
            store.forget("c")
        elif op == "add":
            store.add("c", "PERSON", f"test:{words[i]}", f"Real{i}", words[i])
        else:
            assert roundtrips(protector, texts[i], "c")


def test_restorer_is_reused_only_while_mappings_are_unchanged(detector, hermetic, tmp_path):
    with Vault.open(tmp_path / "data") as vault:
        for store in (InMemoryStore(), vault):
            protector = Protector(detector, store)
            protector.protect(TEXT, "conv")
            first = protector.restorer("conv")
            assert protector.restorer("conv") is first
            store.add("conv", "PERSON", "test-key:zed", "Zed", "Quillon")
            second = protector.restorer("conv")
            assert second is not first
            assert second.restore("ask Quillon") == "ask Zed" and first.restore("ask Quillon") == "ask Quillon"
            assert protector.restorer("other") is not second
