"""detector/text.py: the word-edge and phrase helpers that protect, the stand-in engine, the
collision checks, the LLM alignment and the rules share."""
import re

from hypothesis import given
from hypothesis import strategies as st

from detector import text

TEXTS = st.text(alphabet=st.sampled_from("ab_9 .-\u0301é"), min_size=1, max_size=30)


@given(data=st.data(), value=TEXTS)
def test_word_edges_never_leave_a_word_cut_and_only_grow(data, value):
    start = data.draw(st.integers(0, len(value) - 1))
    end = data.draw(st.integers(start + 1, len(value)))
    lo, hi = text.word_edges(value, start, end)
    assert lo <= start and end <= hi
    assert not text.cuts_word(value, lo, hi)
    assert text.word_edges(value, lo, hi) == (lo, hi)
    wide = text.word_edges(value, start, end, take_neighbours=True)
    assert wide[0] <= lo and hi <= wide[1]
    assert (wide[0] == 0 or not text.is_word(value[wide[0] - 1])) and \
        (wide[1] == len(value) or not text.is_word(value[wide[1]]))


def test_a_combining_mark_is_part_of_its_word():
    decomposed = "e\u0301lena"
    assert text.word_edges(decomposed, 2, 6) == (0, 6)
    # \w leaves the mark out, so the regex finds "lena" inside the word; cuts_word tells.
    found = text.phrase_regex("lena").search(decomposed)
    assert found is not None and text.cuts_word(decomposed, *found.span())


def test_phrase_regex_ignores_case_and_spacing_and_keeps_word_boundaries():
    pattern = text.phrase_regex("Ann  Lee")
    assert pattern.search("met ANN\n lee today")
    assert not pattern.search("Annual Leeds")
    assert text.phrase_regex("d.").search("d.y")  # no boundary where the edge is not a word character


def test_words_regex_takes_the_longest_phrase_and_any_or_one_space():
    loose = text.words_regex(["card", "card number"])
    assert loose.search("my CARD\tnumber is").group() == "CARD\tnumber"
    strict = text.words_regex(["card number"], any_space=False)
    assert strict.search("card number") and not strict.search("card  number")
    assert not loose.search("cardholder")


WORDS = st.lists(st.text(alphabet=st.sampled_from("aAb. #-"), min_size=1, max_size=6).filter(lambda w: w.strip() == w),
                 min_size=1, max_size=8)


@given(words=WORDS, haystack=st.text(alphabet=st.sampled_from("aAbB. #-\n"), max_size=40),
       any_space=st.booleans())
def test_words_regex_finds_what_a_longest_first_alternation_finds(words, haystack, any_space):
    # words_regex factors shared prefixes (a trie) for speed; it must match exactly where and
    # what the plain alternation, longest word first, matched.
    escaped = sorted((re.escape(w).replace(r"\ ", r"\s+") if any_space else re.escape(w) for w in words),
                     key=len, reverse=True)
    plain = re.compile(r"(?<!\w)(?:" + "|".join(escaped) + r")(?!\w)", re.IGNORECASE)
    factored = text.words_regex(words, any_space=any_space)
    for sample in (haystack, " ".join(words), "x".join(words).upper()):
        assert [m.span() for m in factored.finditer(sample)] == [m.span() for m in plain.finditer(sample)]


def test_typo_variants_swap_neighbours_drop_a_letter_and_shorten_number():
    variants = set(text.typo_variants("account number"))
    assert {"acount number", "accoutn number", "account nmbr", "account no"} <= variants
    assert "ccount number" not in variants  # the first letter stays
    assert text.typo_variants("ssn") == [] and text.typo_variants("phone") == [
        "hpone", "phnoe", "phoen", "pohne"]  # 5 letters: swaps only


def test_words_regex_with_typos_reads_a_hurried_context_word_and_keeps_the_words_edges():
    context = text.words_regex(["social security number", "passport"], typos=True)
    assert context.search("my socail security number is").group() == "socail security number"
    assert context.search("pasport no").group() == "pasport"
    assert not context.search("passports") and not context.search("xpasport")
