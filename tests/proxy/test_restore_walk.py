"""The one JSON restore walker (proxy/sites/restore_walk.py) with the real Restorer: copy and in
place agree, JSON-text keys stay valid JSON, skip and switch reach exactly their sub-trees, and a
conversation list restores each entry in its own scope."""
from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.restore import Restorer
from detector.store import Mapping
from proxy.sites.restore_walk import (NO_JSON_KEYS, JsonBodyRewriter, restore_json,
                                      restore_listed)

REAL, STANDIN = 'María "Mia" G\\onzález', "Elena Ruiz"
RESTORER = Restorer([Mapping(real=REAL, standin=STANDIN, category="PERSON")])
OTHER = Restorer([Mapping(real="Jonas Weber", standin=STANDIN, category="PERSON")])
SCOPES = {"conv-a": RESTORER, "conv-b": OTHER}

texts = st.one_of(st.sampled_from([STANDIN, f"to {STANDIN}.", "id_123", ""]), st.text(max_size=12))
documents = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), texts),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.sampled_from(["text", "arguments", "id", "v"]),
                                            inner, max_size=4)),
    max_leaves=25)


def whole(value, restorer=RESTORER):
    """What a whole restore must give: every string value restored, keys and the rest as they are."""
    if isinstance(value, str):
        return restorer.restore(value)
    if isinstance(value, dict):
        return {k: whole(v, restorer) for k, v in value.items()}
    if isinstance(value, list):
        return [whole(v, restorer) for v in value]
    return value


@settings(max_examples=200, deadline=None)
@given(documents)
def test_copy_and_in_place_restore_every_string_alike(doc):
    original = copy.deepcopy(doc)
    copied, changed = restore_json(doc, RESTORER, json_keys=NO_JSON_KEYS)
    assert doc == original  # a copy leaves the document alone
    assert copied == whole(original)
    assert changed == (copied != original)
    in_place, changed_in_place = restore_json(doc, RESTORER, in_place=True, json_keys=NO_JSON_KEYS)
    assert in_place == copied and changed_in_place == changed
    if isinstance(original, (dict, list)):
        assert in_place is doc


def test_json_text_keys_stay_valid_json_with_a_real_value_that_needs_escaping():
    doc = {"arguments": json.dumps({"who": STANDIN}), "text": STANDIN}
    out, changed = restore_json(doc, RESTORER)
    assert changed and json.loads(out["arguments"]) == {"who": REAL} and out["text"] == REAL
    plain, _ = restore_json(doc, RESTORER, json_keys=NO_JSON_KEYS)
    assert plain["arguments"] == json.dumps({"who": STANDIN}).replace(STANDIN, REAL)


def test_skip_leaves_its_sub_tree_and_switch_changes_only_its_own():
    doc = {"text": STANDIN,
           "signed": {"type": "thinking", "text": STANDIN},
           "listed": [["conv-b", STANDIN, {"t": STANDIN}], STANDIN]}

    def switch(node, restorer):
        head = node[0] if isinstance(node, list) and node else None
        return SCOPES[head] if isinstance(head, str) and head in SCOPES else restorer

    out, _ = restore_json(doc, RESTORER, skip=lambda d: d.get("type") == "thinking",
                          switch=switch)
    assert out == {"text": REAL, "signed": {"type": "thinking", "text": STANDIN},
                   "listed": [["conv-b", "Jonas Weber", {"t": "Jonas Weber"}], REAL]}


def test_a_conversation_list_restores_each_entry_in_its_own_scope():
    items = [{"id": "conv-a", "title": STANDIN}, {"id": "conv-b", "title": STANDIN},
             {"title": STANDIN}, "not an entry"]
    out, changed = restore_listed(items, "id", SCOPES.__getitem__, lambda cid: cid)
    assert changed
    assert out == [{"id": "conv-a", "title": REAL}, {"id": "conv-b", "title": "Jonas Weber"},
                   {"title": STANDIN}, "not an entry"]


def test_the_whole_body_rewriter_keeps_bytes_it_does_not_change():
    def run(body: bytes, **kw) -> bytes:
        rw = JsonBodyRewriter(RESTORER, **kw)
        return rw.feed(body) + rw.finish()

    unchanged = b'{ "a" : "no stand-in here",  "n": 1 }'
    assert run(unchanged) == unchanged
    assert run(b"<html>Elena Ruiz</html>") == b"<html>Elena Ruiz</html>"  # not JSON: as it came
    out = json.loads(run(json.dumps({"a": STANDIN, "sig": {"type": "thinking", "t": STANDIN}})
                         .encode(), skip=lambda d: d.get("type") == "thinking"))
    assert out == {"a": REAL, "sig": {"type": "thinking", "t": STANDIN}}
