"""Protector.protect_group: a value cut between two texts of one run (content parts of a
message, consecutive user messages) is found over the joint, gets one stand-in, and each text
gets its piece of it. The real rules layer reads the joints."""
import pytest

from detector.categories import Category as C
from detector.normalize import reads_as
from detector.pipeline import Detector
from detector.protect import Protector
from detector.rules import RulesLayer
from detector.store import InMemoryStore


@pytest.fixture(scope="module")
def detector():
    d = Detector(layers=[RulesLayer()])
    d.warm()
    return d


VALUES = [
    ("maria.gonzalez@acme-corp.com", C.EMAIL),
    ("+44 20 7946 0958", C.PHONE),
    ("4111 1111 1111 1111", C.CREDIT_CARD),
    ("DE89 3704 0044 0532 0130 00", C.BANK_ACCOUNT),
]


def _cases():
    for value, category in VALUES:
        for cut in range(1, len(value)):
            yield pytest.param(value, category, cut, id=f"{category}-{cut}")


@pytest.mark.parametrize("value, category, cut", list(_cases()))
def test_value_cut_anywhere_between_two_texts(detector, value, category, cut):
    texts = ["please note " + value[:cut], value[cut:] + " thanks"]
    store = InMemoryStore()
    protector = Protector(detector, store)
    left, right = protector.protect_group(texts, "g")
    # Both pieces are replaced, each by its piece of the one stand-in.
    [l_rep] = [r for r in left.replacements if r.span.end == len(texts[0])]
    [r_rep] = [r for r in right.replacements if r.span.start == 0]
    assert (l_rep.span.text, r_rep.span.text) == (value[:cut], value[cut:])
    assert l_rep.span.category is r_rep.span.category is category
    standin = l_rep.replacement + r_rep.replacement
    assert [m.standin for m in store.mappings("g") if m.real == value] == [standin]
    joined = left.protected + right.protected
    assert value not in joined and "".join(c for c in value if c.isalnum()) not in "".join(c for c in joined if c.isalnum())
    assert protector.restorer("g").restore(joined) == "".join(texts)
    assert left.text == texts[0] and right.text == texts[1]


def test_a_value_over_three_texts(detector):
    texts = ["mail maria.", "gonzalez@acme", "-corp.com today"]
    protector = Protector(detector, InMemoryStore())
    protections = protector.protect_group(texts, "g3")
    assert [p.replacements[0].span.text for p in protections] == ["maria.", "gonzalez@acme", "-corp.com"]
    assert all(p.replacements[0].replacement for p in protections)
    joined = "".join(p.protected for p in protections)
    assert "gonzalez" not in joined and protector.restorer("g3").restore(joined) == "".join(texts)


def test_a_value_cut_at_a_separator_is_cut_at_the_same_separator(detector):
    protector = Protector(detector, InMemoryStore())
    left, right = protector.protect_group(["write to maria.gonzalez@", "gmail.com please"], "sep")
    assert left.protected.endswith("@") and right.protected.startswith("gmail.com ")


def test_obfuscated_pieces_are_read_over_the_joint(detector):
    texts = ["card ４１１１ １１１１ ", "１１１１ １１１１ ok"]
    protector = Protector(detector, InMemoryStore())
    left, right = protector.protect_group(texts, "fw")
    joined = reads_as(left.protected + right.protected)
    assert "1111 1111 1111" not in joined and "4111 1111" not in joined
    assert protector.restorer("fw").restore(left.protected + right.protected) == "".join(texts)


def test_without_a_value_across_a_joint_each_text_is_protected_on_its_own(detector):
    texts = ["call +44 20 7946 0958", "and write to maria.gonzalez@acme-corp.com"]
    together = Protector(detector, InMemoryStore()).protect_group(texts, "x")
    alone = [Protector(detector, InMemoryStore()).protect(t, "x") for t in texts]
    assert [p.protected for p in together] == [p.protected for p in alone]
    assert Protector(detector, InMemoryStore()).protect_group([], "x") == []


def test_keep_policy_leaves_a_cut_value_and_block_blocks_it(detector):
    from detector.errors import BlockedByPolicy

    texts = ["call +44 20 79", "46 0958 now"]
    kept = Protector(detector, InMemoryStore(), {"PHONE": "keep"}).protect_group(texts, "k")
    assert [p.protected for p in kept] == texts
    with pytest.raises(BlockedByPolicy):
        Protector(detector, InMemoryStore(), {"PHONE": "block"}).protect_group(texts, "b")
