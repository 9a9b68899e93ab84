"""The NER gate: spaCy reads only the windows that can hold an entity the NER layer keeps."""
import time

import pytest
from hypothesis import given, settings, strategies as st

from detector.categories import Category
from detector.ner.layer import FULL_DATE, NerLayer
from detector.ner.gate import WORD, entity_windows

GATED, WHOLE = NerLayer(), NerLayer(gate=False)
FILLER = "and then we talked about the weather for a while because it was raining all day long "  # lower case
PROSE = "We talked about the weather for a while. It was raining all day, so we stayed home. "


def spans(layer, text):
    found = layer.find(text)
    assert all(text[s.start:s.end] == s.text for s in found)
    return [(s.start, s.end, s.text, s.category) for s in found]


def windowed(text):
    return [text[start:end] for start, end in entity_windows(text, FULL_DATE)]


@pytest.mark.parametrize("text, value, category", [
    (PROSE * 3 + "Then Maria Gonzalez called me. " + PROSE * 3, "Maria Gonzalez", Category.PERSON),
    (PROSE * 2 + "So I applied at Microsoft in Seattle last week. " + PROSE, "Seattle", Category.LOCATION),
    (PROSE + "My appointment is on 12 june. " + PROSE * 2, "12 june", Category.DATE),  # lower-case date
    (PROSE + "Then i moved to doha in qatar. " + PROSE, "doha", Category.LOCATION),  # words no dictionary knows
    (PROSE + "Mark called from the office. " + PROSE, "Mark", Category.PERSON),  # sentence-initial name
    ("Japan unit with full filming crew. " + PROSE, "Japan", Category.LOCATION),
])
def test_gated_windows_find_the_entities_at_exact_offsets(text, value, category):
    assert sum(len(window) for window in windowed(text)) < len(text) / 2  # the gate, not the whole text
    gated = spans(GATED, text)
    start = text.index(value)
    assert (start, start + len(value), value, category) in gated, gated
    assert gated == spans(WHOLE, text)  # same spans as spaCy on the whole text


@pytest.mark.parametrize("text", [
    PROSE * 4,
    "Write a short poem about the sea. Please keep it under ten lines.",  # sentence-initial words
    "I think it is fine. The answer was 42, and we are 45 years old.",  # stop words, bare numbers
])
def test_text_without_candidates_skips_spacy(text):
    assert entity_windows(text, FULL_DATE) == []
    assert GATED.find(text) == []


@pytest.mark.parametrize("text, values", [
    ("we moved from new york to doha in qatar " + FILLER * 2, {"new york", "doha", "qatar"}),
    (FILLER + "my friend sara and i went to paris last week", {"paris"}),
])
def test_lower_case_text_goes_to_spacy_whole(text, values):
    assert entity_windows(text, FULL_DATE) == [(0, len(text.rstrip()))]
    gated = spans(GATED, text)
    assert values <= {found for _, _, found, _ in gated}, gated
    assert gated == spans(WHOLE, text)


@pytest.mark.parametrize("text, word", [
    ("we flew to the US last year", "US"),  # an acronym spelt like a stop word
    ("the talk by Priya was great", "Priya"),
    ("then zhang said yes", "zhang"),
    ("Background: Kuba has been here", "Kuba"),  # sentence-initial, but Webster's writes it capitalised
    ("Paris was lovely", "Paris"),  # sentence-initial, but Webster's writes it capitalised
    ("see you on 3 march then", "3"),
])
def test_candidate_words_open_a_window(text, word):
    assert any(word in window.split() for window in windowed(text)), windowed(text)


def test_windows_keep_context_and_join_when_close():
    far = "w0 w1 w2 w3 w4 Alice w6 w7 w8 w9 w10 w11 w12 w13 w14 Bob x y"  # 5 words between windows
    assert windowed(far) == ["w3 w4 Alice w6 w7", "w13 w14 Bob x y"]
    close = "w0 w1 w2 Alice w4 w5 w6 w7 w8 w9 w10 Bob w12 w13 w14"  # 3 words between: one window
    assert windowed(close) == ["w1 w2 Alice w4 w5 w6 w7 w8 w9 w10 Bob w12 w13"]


@pytest.mark.parametrize("text, value", [
    ("🙂🙂 " + PROSE + "Then I met Maria Gonzalez 👩‍👩‍👧 in Paris. " + PROSE, "Maria Gonzalez"),
    ("e\u0301e\u0301 " + PROSE + "Zoe\u0301 Martin from Lyon wrote. " + PROSE, "Lyon"),
    ("مرحبا بك يا صديقي " + PROSE + "Maria Gonzalez lives in Madrid. " + PROSE, "Madrid"),
    ("שלום לכולם " + PROSE + "We met Maria Gonzalez in Berlin. " + PROSE, "Berlin"),
])
def test_offsets_are_right_with_emoji_combining_and_rtl_text(text, value):
    assert sum(len(window) for window in windowed(text)) < len(text) / 2
    gated = spans(GATED, text)
    start = text.index(value)
    assert any((found_start, found) == (start, value) for found_start, _, found, _ in gated), gated
    assert gated == spans(WHOLE, text)


def test_one_megabyte_is_linear_and_offsets_hold():
    block = PROSE * 2 + "Maria Gonzalez wrote from Leeds on 3 March. " + "Nothing else happened that day.\n"
    entity_windows(block, FULL_DATE)

    def cost(repeat):
        began = time.thread_time()
        windows = entity_windows(block * repeat, FULL_DATE)
        return time.thread_time() - began, windows

    (small, _), (large, windows) = cost(1000), cost(4000)  # ~0.26 MB and ~1 MB
    assert large < 6 * small, (small, large)  # 4x the text: about 4x the time, never quadratic
    assert len(windows) == 4000 and sum(end - start for start, end in windows) < 0.4 * len(block) * 4000
    text = block * 4000
    found = GATED.find(text)
    assert all(text[s.start:s.end] == s.text for s in found)
    assert sum(1 for s in found if s.text == "Maria Gonzalez") == 4000


WORDS = st.sampled_from(["the", "and", "Maria", "Gonzalez", "paris", "Leeds", "3", "March", "2024",
                         "🙂", "e\u0301", "مرحبا", "US", "Write", "i", "zhang", ".", "\n", "ok?"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(WORDS, st.sampled_from([" ", "  ", "\n", "\t"])), max_size=60))
def test_windows_are_ordered_disjoint_and_cut_at_whitespace(parts):
    text = "".join(word + gap for word, gap in parts)
    windows = entity_windows(text, FULL_DATE)
    for start, end in windows:
        assert 0 <= start < end <= len(text)
        assert start == 0 or text[start - 1].isspace()
        assert end == len(text) or text[end].isspace()
    assert all(a[1] < b[0] for a, b in zip(windows, windows[1:]))
    for match in WORD.finditer(text):
        if match.group() in ("Maria", "zhang", "US"):  # candidates wherever they stand
            assert any(start <= match.start() and match.end() <= end for start, end in windows)
    for s in GATED.find(text):
        assert text[s.start:s.end] == s.text
