"""Sentence windows for long texts."""
import re

from hypothesis import given, settings, strategies as st

from detector.llm.windows import sentence_windows


def test_short_text_is_one_window():
    text = "I have asthma. My sister lives in Leeds."
    assert sentence_windows(text, 250) == [(0, len(text))]


def test_windows_end_at_sentences():
    text = " ".join(f"Sentence number {i} is here." for i in range(40))  # 200 words
    wins = sentence_windows(text, 50)
    assert len(wins) == 4
    assert all(text[s:e].endswith(".") for s, e in wins)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.from_regex(r"[a-z]{1,8}", fullmatch=True), st.sampled_from([".", "!", "\n\n", "?"])),
                min_size=1, max_size=400),
       st.integers(3, 60))
def test_windows_cover_every_word_within_budget(tokens, max_words):
    text = " ".join(tokens)
    wins = sentence_windows(text, max_words)
    covered = "".join(text[s:e] + " " for s, e in wins)
    assert re.findall(r"\S+", covered) == re.findall(r"\S+", text)
    assert all(len(text[s:e].split()) <= max_words for s, e in wins)
    assert all(s < e for s, e in wins) or not text.strip()
    assert all(wins[i][1] <= wins[i + 1][0] for i in range(len(wins) - 1))
