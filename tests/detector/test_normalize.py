"""detector/normalize.py: the view the layers read, and its exact map back to the original."""
import pytest
from hypothesis import given, settings, strategies as st

from detector.categories import Category
from detector.normalize import read, read_names, reads_as, written_like
from detector.span import Layer, Span

FORMAT_CHARS = ["\u200b", "\u200c", "\u200d", "\u00ad", "\u200e", "\u200f", "\u2060", "\ufeff", "\u202e",
                "\u2066", "\ufe0f"]


def test_ascii_text_is_its_own_view():
    view = read("Call me on +1 415 555 2671.")
    assert view.identity and view.text == view.rules == view.original


def test_non_ascii_text_that_reads_as_written_keeps_no_map():
    view = read("Zoë’s café — “naïve” 👍")
    assert view.identity and view.text == view.original


def test_digits_of_every_script_read_as_ascii():
    assert reads_as("４１１１ １１１１") == "4111 1111"          # full width
    assert reads_as("٤١١١ ١١١١") == "4111 1111"                  # Arabic-Indic
    assert reads_as("۴۱۱۱") == "4111"                            # Eastern Arabic-Indic (Persian)
    assert reads_as("४१११") == "4111"                            # Devanagari
    assert reads_as("𝟒𝟏𝟏𝟏") == "4111"                            # mathematical bold


def test_signs_read_as_ascii():
    assert reads_as("smith＠example．com") == "smith@example.com"
    assert reads_as("smith﹫example.com") == "smith@example.com"  # small form
    assert reads_as("＋44 20‑7946–0958") == "+44 20-7946-0958"     # non-breaking hyphen, en dash
    assert reads_as("415\u00a0555\u202f2671") == "415 555 2671"    # no-break and narrow spaces


def test_other_numbers_are_not_digits():
    # NFKC would turn these into digits nobody wrote as a number ("150 m2", "1").
    assert reads_as("150 m² ①") == "150 m² ①"


def test_format_characters_are_removed_and_the_map_covers_them():
    text = "call +1 41\u200b5 5\u00ad55 26\u200f71 now"
    view = read(text)
    assert view.text == "call +1 415 555 2671 now"
    start = view.text.index("+1")
    end = start + len("+1 415 555 2671")
    o_start, o_end = view.original_range(start, end)
    assert text[o_start:o_end] == "+1 41\u200b5 5\u00ad55 26\u200f71"
    [span] = view.to_original([Span(start, end, view.text[start:end], Category.PHONE, Layer.RULES)])
    assert span.text == text[span.start:span.end] == text[o_start:o_end]


def test_look_alikes_are_folded_only_in_mixed_words_and_only_for_the_rules():
    text = "пишите на jоhn.smith@gmаil.com, Привет"  # Cyrillic о and а in the address
    view = read(text)
    assert view.text == text and read_names(text).text == text  # NER and names read it as written
    assert "john.smith@gmail.com" in view.rules
    assert view.rules.startswith("пишите на ") and view.rules.endswith("Привет")  # Russian stays
    assert len(view.rules) == len(view.text)


def test_a_span_inside_a_ligature_maps_to_the_whole_character():
    text = "x ﬁ y"  # "ﬁ" reads as "fi": two view characters from one original one
    view = read(text)
    assert view.text == "x fi y"
    spans = [Span(2, 3, "f", Category.PERSON, Layer.NER), Span(3, 4, "i", Category.PERSON, Layer.NER)]
    assert [(s.start, s.end, s.text) for s in view.to_original(spans)] == [(2, 3, "ﬁ"), (2, 3, "ﬁ")]


def test_the_names_view_removes_only_what_splits_a_word_and_folds_digits():
    text = "Ma\u200bria ٣ مارس 👨\u200d👩 ❤\ufe0f smith＠x.com Zoë – “hi”"
    view = read_names(text)
    assert view.text == "Maria 3 مارس 👨\u200d👩 ❤\ufe0f smith＠x.com Zoë – “hi”"
    assert view.rules == view.text
    assert read_names("plain").identity and read_names("Zoë’s café").identity


def test_written_like_keeps_the_digit_scripts_and_full_width():
    assert written_like("4532 7781 0045 1236", "４１１１ １１１１ １１１１ １１１１") == "４５３２ ７７８１ ００４５ １２３６"
    assert written_like("+1 628 412 9087", "+1 ４１５ ５５５ ０１３４") == "+1 ６２８ ４１２ ９０８７"
    assert written_like("4532 7781", "٤١١١ 1111") == "٤٥٣٢ 7781"
    assert written_like("elena@mail.com", "ｊｏｈｎ＠ｍａｉｌ．ｃｏｍ") == "ｅｌｅｎａ＠ｍａｉｌ．ｃｏｍ"
    assert written_like("4532", "4111") == "4532"


TEXTS = st.text(alphabet=st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cs",)),
    st.sampled_from(FORMAT_CHARS + list("４٤४＠．ﬁ²а") + [" "])), max_size=40)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_map_is_exact(text):
    view = read(text)
    assert len(view.rules) == len(view.text)
    assert view.text == "".join(read(c).text for c in text)  # character by character
    if view.identity:
        assert view.text == text
        return
    assert len(view.starts) == len(view.ends) == len(view.text)
    for i, c in enumerate(view.text):
        source = text[view.starts[i]:view.ends[i]]
        assert c in read(source).text
    for start in range(len(view.text)):
        for end in range(start + 1, min(len(view.text), start + 8) + 1):
            o_start, o_end = view.original_range(start, end)
            # The original range reads as the view range, plus at most the rest of a character
            # that reads as several (a ligature) at its edges; what it removed inside is in it.
            assert view.text[start:end] in read(text[o_start:o_end]).text
            span = view.to_original([Span(start, end, view.text[start:end], Category.PHONE, Layer.RULES)])[0]
            assert span.text == text[span.start:span.end]


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_the_names_view_map_is_exact(text):
    view = read_names(text)
    if view.identity:
        assert view.text == text
        return
    covered = set()
    for i, c in enumerate(view.text):
        source = text[view.starts[i]:view.ends[i]]
        assert len(source) == 1 and c in (source, read(source).text)
        covered.add(view.starts[i])
    assert all(read(text[j]).text == "" for j in range(len(text)) if j not in covered)
    span = view.to_original([Span(0, len(view.text), view.text, Category.PERSON, Layer.NER)])[0] if view.text else None
    assert span is None or span.text == text[span.start:span.end]


def test_a_letter_spaced_address_reads_without_its_spaces_and_maps_back():
    text = "mail j o h n @ a c m e . c o m now"
    view = read(text)
    assert view.rules == "mail john@acme.com now"
    start = view.rules.index("john")
    end = start + len("john@acme.com")
    assert text[slice(*view.original_range(start, end))] == "j o h n @ a c m e . c o m"


@pytest.mark.parametrize("text", [
    "the letters a b c d e f g h i j k are in order",  # no "@": a list stays as written
    "rate it 1 2 3 4 5 6 7 8 9 10 stars",
    "a @ b",  # too short to be letter spacing
])
def test_spaced_runs_without_an_address_read_as_written(text):
    assert read(text).rules == text
