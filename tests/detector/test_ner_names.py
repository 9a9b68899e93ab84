"""The names layer: lower-case chat names (cues and the Faker lexicon) and unknown proper nouns."""
import pytest

from detector.categories import Category
from detector.names.layer import NamesLayer
from detector.names.lexicon import common_words, first_names
from detector.names.proper import ProperNounFinder
from detector.span import Layer

NAMES = NamesLayer()


def names(text: str) -> list[str]:
    spans = NAMES.lower_case_names(text)
    for span in spans:
        assert text[span.start:span.end] == span.text
        assert span.layer == Layer.NAMES and span.category is Category.PERSON
    return [span.text for span in spans]


def test_lexicon_comes_from_faker_and_knows_ambiguous_names():
    assert {"sara", "jessica", "priya", "amir", "chloé"} <= first_names()
    assert {"may", "mark", "grace", "bill", "rose", "hope"} <= common_words()
    assert not {"sara", "jessica", "priya"} & common_words()


@pytest.mark.parametrize("text, expected", [
    ("my name is amer", ["amer"]),  # not in any lexicon: the cue is enough
    ("my name is amer khan and i live here", ["amer khan"]),
    ("my friend sara said hi", ["sara"]),
    ("can you help priya with her essay", ["priya"]),  # a known name needs no cue
    ("tell jessica to call me", ["jessica"]),
    ("hi mark, thanks for the help", ["mark"]),  # a common word, but addressed
    ("my wife grace is a nurse", []),  # 'grace' after a relation cue but written as a word
    ("my wife Grace is a nurse", ["Grace"]),
    ("mr smith is here", ["smith"]),
    ("call me mark", ["mark"]),  # strong cue: a known name even where it is a common word
    ("i'm chloé", ["chloé"]),
    # someone else's name, said as one
    ("the kid's name is lily-mae and she is in year 2", ["lily-mae"]),
    ("my landlord’s name is okonkwo", ["okonkwo"]),
    ("his name's tomasz, he's my neighbour", ["tomasz"]),
    ("my therapist dr. nguyen says it is normal", ["nguyen"]),  # a relation, then a title
])
def test_lower_case_names(text, expected):
    assert names(text) == expected


@pytest.mark.parametrize("text", [
    "i will go to the mall in may",
    "my son will be five",
    "grace and bill are words",
    "my name is irrelevant here",
    "this is great",
    "call me tomorrow",
    "my boss said no",
    "import os\nos.path.join(sara_dir)",
])
def test_common_words_and_code_are_not_names(text):
    assert names(text) == []


def test_no_cue_names_only_in_english_text():
    assert names("ayer vi a rosario en la playa con mis amigos de la escuela") == []


PROPER = ProperNounFinder()


@pytest.mark.parametrize("text, expected", [
    ("I worked at Napco National Company as an officer", [("Napco National Company", Category.ORG)]),
    ("we met Therese Belivet yesterday", [("Therese Belivet", Category.PERSON)]),
    ("a friend told Ravikrishnan about it", [("Ravikrishnan", Category.ORG)]),
    ("she went to the University of North Florida", [("University of North Florida", Category.ORG)]),
    ("ask D'Amico about it", [("D'Amico", Category.ORG)]),
    ("submit it to IPAEP today", [("IPAEP", Category.ORG)]),  # long acronyms count
    # a relation of the writer's or a title before the words: a person
    ("my boss Kenji Watanabe-Smith keeps emailing me", [("Kenji Watanabe-Smith", Category.PERSON)]),
    ("my landlord Abernathy-Quist texted", [("Abernathy-Quist", Category.PERSON)]),
    ("we met Ravi Ortega-Smith", [("Ravi Ortega-Smith", Category.PERSON)]),  # a double surname with a known one
    ("my client Napco Holdings called", [("Napco Holdings", Category.ORG)]),  # an organisation's word wins
])
def test_unknown_capitalised_words(text, expected):
    assert [(s.text, s.category) for s in PROPER.find(text)] == expected


@pytest.mark.parametrize("text", [
    "The weather is nice and I'm happy.",  # dictionary words and contractions
    "Ravikrishnan called.",  # sentence-initial: could be any word
    "call ShowDialog() and os.Getenv",  # code
    "My SSN and IBAN are below",  # labels
    "Ms and Dr are titles",
    "treatment options for Crohn's disease in adults",  # eponyms name diseases and tests
    "a positive Chaddock sign and a high Gleason score",
    "screening for DVT and GERD in adults",  # short acronyms
])
def test_proper_noun_negatives(text):
    assert PROPER.find(text) == []


# Words of the language the text is in are no names, however capitalised; a name in that text,
# a run of title-case words, and every English word Webster lacks are as before.
@pytest.mark.parametrize("text, expected", [
    ("Écrivez un programme pour lire les données. Votre sortie doit spécifier le nombre total.", []),
    ("Niveau avancé d’anglais requis. Le poste est à pourvoir. Suivi des dossiers et des clients.", []),
    ("Napisz list do szefa. Zgłoś problem do działu, który się tym zajmuje.", []),
    ("Мне нужна помощь. Метод расчёта не работает, это для моей работы.", []),
    # names in the same texts stay names
    ("Écrivez une lettre pour Ravikrishnan et pour la société, merci de la relire.",
     [("Ravikrishnan", Category.ORG)]),
    ("Le stage est chez Airbus Protect à Toulouse, merci pour votre aide.",
     [("Airbus Protect", Category.ORG)]),
    # countries as the language writes them stay places to judge (the precision stage does)
    ("Nous sommes basés notamment en France et en Allemagne, nous gérons des contrats.",
     [("France", Category.ORG), ("Allemagne", Category.ORG)]),
    # English keeps Webster alone: a frequent surname is no everyday word there
    ("Among the defensive hedge funds, Zweig outperformed the rest.", [("Zweig", Category.ORG)]),
    ("the verses from the book by Goldberg were read aloud", [("Goldberg", Category.ORG)]),
])
def test_frequent_words_of_the_texts_language(text, expected):
    assert [(s.text, s.category) for s in PROPER.find(text)] == expected


@pytest.mark.parametrize("tokens, language", [
    ("the cat sat on the mat and it was fine".split(), "en"),
    ("je ne sais pas ce que vous voulez dire".split(), "fr"),
    ("eu não sei o que é uma boa ideia".split(), "pt"),
    ([], "en"),  # nothing to go by: English
])
def test_text_language(tokens, language):
    from detector.names.lexicon import text_language
    assert text_language(tokens) == language
