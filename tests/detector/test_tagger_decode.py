"""Reading a token classifier's output back as character spans (detector/tagger/decode.py)."""
from hypothesis import given, strategies as st

from detector.tagger.decode import bio_labels, spans_from_words, token_windows, words_of


def test_bio_labels_put_o_first_then_b_and_i_per_label():
    assert bio_labels(["PERSON", "AGE"]) == ["O", "B-PERSON", "I-PERSON", "B-AGE", "I-AGE"]


def test_spans_join_i_words_and_split_at_a_new_b_or_another_label():
    words = [(0, 4), (5, 9), (10, 12), (13, 17), (18, 20), (21, 25)]
    tags = ["B-PERSON", "I-PERSON", "O", "B-PERSON", "I-ORG", "I-ORG"]
    assert spans_from_words(tags, words, [0.9, 0.6, 1, 0.8, 0.7, 0.95]) == [
        (0, 9, "PERSON", 0.6), (13, 17, "PERSON", 0.8), (18, 25, "ORG", 0.7)]


def test_an_i_tag_without_its_b_still_opens_a_span():
    assert spans_from_words(["O", "I-AGE"], [(0, 3), (4, 6)]) == [(4, 6, "AGE", 1.0)]


def test_words_take_the_offsets_of_all_their_sub_words():
    # "kathrn wlsh" as word pieces: kat ##hr ##n / w ##ls ##h, special tokens without a word
    word_ids = [None, 0, 0, 0, 1, 1, 1, None]
    offsets = [(0, 0), (0, 3), (3, 5), (5, 6), (7, 8), (8, 10), (10, 11), (0, 0)]
    assert words_of(word_ids, offsets) == [(1, 0, 6), (4, 7, 11)]


@given(st.integers(min_value=1, max_value=2000), st.integers(min_value=4, max_value=200), st.data())
def test_windows_cover_every_token_once_by_the_window_that_keeps_it(n, size, data):
    stride = data.draw(st.integers(min_value=1, max_value=size))
    windows = token_windows(n, size, stride)
    owner = [None] * n
    for i, (start, end, keep) in enumerate(windows):
        assert 0 <= start < end <= n and end - start <= size
        nxt = windows[i + 1][2] if i + 1 < len(windows) else n
        for t in range(max(start, keep), min(end, nxt)):
            assert owner[t] is None
            owner[t] = i
    assert None not in owner
