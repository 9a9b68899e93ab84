"""Per-channel restorers, and JSON fragments restored when cut anywhere (mid escape too)."""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from detector.restore import Restorer
from detector.store import Mapping
from proxy.sites.channels import JsonFragmentRestorer, TextChannels
from proxy.sites.restore_walk import restore_json

# The real restorer; the real value needs JSON escaping (quote, backslash, non-BMP emoji).
RESTORER = Restorer([Mapping(real='María "Mia" G\\onzález 😀', standin="Elena Ruiz",
                             category="PERSON")])
ARGS = {"who": "Elena Ruiz", "note": "to Elena Ruiz, é ✓ 😀 \"q\" \\ /", "n": [1, "Elena Ruiz"]}


def restored(obj):
    if isinstance(obj, str):
        return RESTORER.restore(obj)
    if isinstance(obj, dict):
        return {k: restored(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [restored(v) for v in obj]
    return obj


def feed_all(text: str, cuts: list[int]) -> str:
    f = JsonFragmentRestorer(RESTORER)
    points = [0, *sorted(c for c in cuts if 0 < c < len(text)), len(text)]
    return "".join(f.feed(text[a:b]) for a, b in zip(points, points[1:])) + f.flush()


@pytest.mark.parametrize("ascii_only", [True, False])
def test_every_single_cut(ascii_only):
    src = json.dumps(ARGS, ensure_ascii=ascii_only)
    want = restored(ARGS)
    for cut in range(len(src) + 1):
        assert json.loads(feed_all(src, [cut])) == want, cut


def test_one_character_at_a_time():
    src = json.dumps(ARGS, ensure_ascii=True)
    assert json.loads(feed_all(src, list(range(len(src))))) == restored(ARGS)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.text(alphabet=st.sampled_from(list("ab Elena Ruiz\"\\é😀\n/"))),
                    lambda kids: st.lists(kids, max_size=3)
                    | st.dictionaries(st.text(max_size=3), kids, max_size=3), max_leaves=6),
       st.booleans(), st.lists(st.integers(min_value=0, max_value=400), max_size=6))
def test_property_any_json_any_cuts(value, ascii_only, cuts):
    src = json.dumps(value, ensure_ascii=ascii_only)
    assert json.loads(feed_all(src, cuts)) == restored(value)


@pytest.mark.parametrize("raw", ['{"a": "bad \\x escape"}', '{"a": "lone \\ud83d high"}',
                                 '{"a": "lone \\ude00 low"}', '{"a": "\\u12zz"}', 'not json "Elena Ruiz'])
def test_broken_escapes_pass_through_without_crashing(raw):
    out = feed_all(raw, [len(raw) // 2])
    assert isinstance(out, str)
    assert "Elena Ruiz" not in out or raw.startswith("not json")


def test_channels_are_independent():
    ch = TextChannels(RESTORER)
    a = ch.feed("A", "hi Elena") + ch.feed("A", " Ruiz")
    b = ch.feed("B", "Elena Ruiz?")
    assert "Elena" not in a + ch.flush("A")
    assert b + ch.flush("B") == 'María "Mia" G\\onzález 😀?'
    assert ch.open_keys() == []
    assert ch.flush("never-opened") == ""


def test_restore_json_treats_arguments_as_json_and_skips_subtrees():
    body = {"content": "Elena Ruiz", "arguments": json.dumps({"q": "Elena Ruiz"}),
            "thinking": {"type": "thinking", "thinking": "Elena Ruiz"}}
    out, changed = restore_json(body, RESTORER, in_place=True,
                                skip=lambda d: d.get("type") == "thinking")
    assert changed
    assert out["content"] == RESTORER.restore("Elena Ruiz")
    assert json.loads(out["arguments"]) == {"q": RESTORER.restore("Elena Ruiz")}
    assert out["thinking"]["thinking"] == "Elena Ruiz"
