"""Span resolution: priority, length, partial overlaps, joined names, propagated mentions."""
from hypothesis import given, strategies as st

from detector.categories import Category
from detector.resolve import _without_sums_inside_phrases, merge_adjacent, propagate, rank, resolve, settle
from detector.span import Layer, Span

TEXT = "Maria Gonzalez lives at 12 Baker Street, London and mails maria@example.org daily."


def span(start, end, category, layer, validated=False, text=TEXT, score=0.5):
    return Span(start, end, text[start:end], category, layer, score, validated)


def at(value, category, layer, validated=False, text=TEXT):
    start = text.index(value)
    return span(start, start + len(value), category, layer, validated, text)


def test_rank_order_is_validated_rule_rule_ner_llm():
    ranks = [rank(at("Maria", Category.PERSON, layer, validated))
             for layer, validated in ((Layer.RULES, True), (Layer.RULES, False), (Layer.NER, False), (Layer.LLM, False))]
    assert ranks == sorted(ranks, reverse=True) and len(set(ranks)) == 4
    assert rank(at("Maria", Category.PERSON, Layer.NAMES)) == rank(at("Maria", Category.PERSON, Layer.NER))


def test_a_rule_beats_a_longer_ner_span():
    email = at("maria@example.org", Category.EMAIL, Layer.RULES, True)
    ner = at("mails maria@example.org daily", Category.ORG, Layer.NER)
    out = resolve([ner, email])
    assert email in out
    assert all(s.layer != Layer.NER or "@" not in s.text for s in out)


def test_validated_rule_beats_unvalidated_rule():
    card = at("12 Baker", Category.CREDIT_CARD, Layer.RULES, True)
    address = at("12 Baker Street", Category.ADDRESS, Layer.RULES, False)
    assert resolve([address, card]) == [card]  # rule spans are all or nothing


def test_longest_wins_within_a_layer():
    short = at("Maria", Category.PERSON, Layer.NER)
    long = at("Maria Gonzalez", Category.PERSON, Layer.NER)
    assert resolve([short, long]) == [long]


def test_lower_ranked_span_keeps_the_words_the_winner_does_not_cover():
    address = at("12 Baker Street", Category.ADDRESS, Layer.RULES)
    location = at("Baker Street, London", Category.LOCATION, Layer.NER)
    out = resolve([location, address])
    assert [(s.text, s.category, s.layer) for s in out] == [
        ("12 Baker Street", Category.ADDRESS, Layer.RULES), ("London", Category.LOCATION, Layer.NER)]


def test_a_piece_cut_inside_a_word_is_dropped():
    rule = at("Gonz", Category.USERNAME, Layer.RULES)  # ends inside "Gonzalez"
    ner = at("Maria Gonzalez", Category.PERSON, Layer.NER)
    out = resolve([ner, rule])
    assert [s.text for s in out] == ["Maria", "Gonz"]


def test_empty():
    assert resolve([]) == [] and settle("", []) == []


def test_merge_split_names_and_titles():
    text = "Dr. Oberman met Therese Belivet in Warsaw, Poland."
    spans = [at("Oberman", Category.PERSON, Layer.NAMES, text=text),
             at("Therese", Category.PERSON, Layer.NER, text=text),
             at("Belivet", Category.PERSON, Layer.NAMES, text=text),
             at("Warsaw", Category.LOCATION, Layer.NER, text=text),
             at("Poland", Category.LOCATION, Layer.NER, text=text)]
    out = merge_adjacent(text, spans)
    assert [(s.text, s.category) for s in out] == [
        ("Dr. Oberman", Category.PERSON), ("Therese Belivet", Category.PERSON), ("Warsaw, Poland", Category.LOCATION)]
    assert out[1].layer == Layer.NER  # the merged span keeps the stronger layer
    assert all(text[s.start:s.end] == s.text for s in out)


def test_no_merge_across_categories_or_rules():
    text = "Paris Hilton"
    spans = [at("Paris", Category.LOCATION, Layer.NER, text=text), at("Hilton", Category.ORG, Layer.NER, text=text)]
    assert merge_adjacent(text, spans) == spans


def is_word(lower):
    return lower in {"will", "bill"}


def test_propagate_marks_every_mention_of_a_name():
    text = "Sara called. Later SARA and sara met Will, but will they? Sarah too."
    found = [at("Sara", Category.PERSON, Layer.NER, text=text), at("Will", Category.PERSON, Layer.NER, text=text)]
    out = propagate(text, found, is_word)
    assert [s.text for s in out] == ["Sara", "SARA", "sara", "Will"]  # not "will", not "Sarah"
    assert all(text[s.start:s.end] == s.text for s in out)


def test_propagate_leaves_rules_and_other_spans_alone():
    text = "maria@example.org and maria@example.org"
    found = [at("maria@example.org", Category.EMAIL, Layer.RULES, True, text=text)]
    assert propagate(text, found, is_word) == found


@st.composite
def random_spans(draw):
    text = draw(st.text(alphabet="ab cd.é😀", min_size=1, max_size=60))
    spans = []
    for _ in range(draw(st.integers(0, 12))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append(Span(start, end, text[start:end], draw(st.sampled_from(list(Category))),
                          draw(st.sampled_from([Layer.RULES, Layer.NER, Layer.NAMES, Layer.LLM])),
                          draw(st.floats(0, 1)), draw(st.booleans())))
    return text, spans


@given(random_spans())
def test_resolution_is_sorted_non_overlapping_and_faithful(case):
    text, spans = case
    out = resolve(spans)
    assert all(a.end <= b.start for a, b in zip(out, out[1:]))
    for s in out:
        assert text[s.start:s.end] == s.text
        assert any(o.start <= s.start and s.end <= o.end and o.layer == s.layer and o.category == s.category
                   for o in spans)
    # A rule's contextual value inside a learned phrase of its kind yields to the phrase (its
    # stand-in swaps the value and keeps the words): the top rank is judged without those.
    spans = _without_sums_inside_phrases(spans)
    best = max((rank(s) for s in spans), default=None)
    if best is not None:
        top = [s for s in spans if rank(s) == best]
        longest = max(top, key=lambda s: (s.end - s.start, -s.start))
        assert longest in out or any(o.start == longest.start and o.end == longest.end for o in out)


def test_a_postcode_beside_a_town_joins_the_protected_values():
    cases = {"I moved to Wrocław 53-320 last year": ("Wrocław", "53-320"),
             "Mill Village NS B0J 2H0": ("Mill Village", "B0J 2H0"),
             "She lives in Arendal 4844, near the sea": ("Arendal", "4844"),
             "We met in Paris 2024 at the games": ("Paris", None),  # a year
             "Paris 12 is a district": ("Paris", None)}  # two digits
    for text, (town, code) in cases.items():
        out = settle(text, [at(town, Category.LOCATION, Layer.MODEL, text=text)])
        codes = [s.text for s in out if s.category is Category.ADDRESS]
        assert codes == ([code] if code else []), text
    # only beside a place: "the Boeing 747" is no postcode
    text = "the Boeing 747 crashed"
    assert [s.text for s in settle(text, [at("Boeing", Category.ORG, Layer.MODEL, text=text)])] == ["Boeing"]


def test_a_postcode_closing_a_street_address_joins_it():
    """The rest of an address block after the street: town, region, postcode, on one line or
    one part per line as forms are pasted; a unit number the street left reads on to the code."""
    cases = {"Ship to 12 Main St, Springfield, IL 62704.": ("12 Main St", ["62704"]),
             "Billing:\n  Puruntie 82 Apt. 595\n  LAPPEENRANTA\n  SK\n  53650": ("Puruntie 82 Apt. 595", ["53650"]),
             "Billing:\n  Via Franscini 71 Suite 838\n  Tujetsch\n  nan\n  7188": ("Via Franscini 71 Suite", ["838", "7188"]),
             "Send it to 2437 Main St Suite 442    Mill Village     NS     B0J 2H0": ("2437 Main St Suite 442", ["B0J 2H0"]),
             # no town: the words between are not capitalised, or not one part per line
             "I live at 12 Main St and it costs 500 a month": ("12 Main St", []),
             "12 Main St, springfield il 62704": ("12 Main St", []),
             # a year is no postcode
             "12 Main St, Springfield\nSince 2015 we rent": ("12 Main St", []),
             # only a unit number right after the street reads on to a second code
             "12 Main St, Springfield, IL 62704\nOrder 5531 shipped": ("12 Main St", ["62704"])}
    for text, (street, codes) in cases.items():
        out = settle(text, [at(street, Category.ADDRESS, Layer.RULES, text=text)])
        assert [s.text for s in out if s.category is Category.ADDRESS][1:] == codes, text
    # something found there already keeps its place
    text = "12 Main St, Springfield, IL 62704"
    out = settle(text, [at("12 Main St", Category.ADDRESS, Layer.RULES, text=text),
                        at("62704", Category.ID_NUMBER, Layer.RULES, text=text)])
    assert [(s.text, s.category) for s in out] == [("12 Main St", Category.ADDRESS), ("62704", Category.ID_NUMBER)]


def test_a_phrase_a_rule_named_a_fact_inside_leaves_no_pieces():
    text = "I'm recovering from a heroin addiction since May"
    fact = at("a heroin addiction", Category.HEALTH, Layer.RULES, text=text)
    phrase = at("recovering from a heroin addiction since", Category.RELATIONSHIP, Layer.MODEL, text=text)
    assert resolve([phrase, fact]) == [fact]
    # a rule's value of another family still leaves the phrase its words ("London" beside an address)
    place = at("May", Category.DATE, Layer.RULES, text=text)
    assert [s.text for s in resolve([at("a heroin addiction since May", Category.HEALTH, Layer.MODEL, text=text), place])] \
        == ["a heroin addiction since", "May"]
    # a longer piece may hold a fact of its own: it stays ("I owe" is too short to)
    text = "I owe $40k in medical bills after my cancer treatment last spring"
    debt = at("$40k", Category.FINANCE, Layer.RULES, text=text)
    phrase = at("I owe $40k in medical bills after my cancer treatment", Category.HEALTH, Layer.MODEL, text=text)
    assert [s.text for s in resolve([phrase, debt])] == ["$40k", "in medical bills after my cancer treatment"]


def test_a_short_phrase_right_beside_a_rules_fact_is_no_fact_of_its_own():
    text = "I'm going through a nasty divorce"
    fact = at("a nasty divorce", Category.RELATIONSHIP, Layer.RULES, text=text)
    beside = at("going through", Category.RELATIONSHIP, Layer.MODEL, text=text)
    assert resolve([beside, fact]) == [fact]  # not "I'm girlfriend a nasty affair"
    apart = at("I'm", Category.RELATIONSHIP, Layer.MODEL, text=text)  # a word away: not beside it
    assert resolve([apart, fact]) == [apart, fact]
