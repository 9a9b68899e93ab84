"""A legal matter names the law: "I was charged twice for my subscription" is a bill, "I was
admitted on Tuesday" a hospital stay, "I'm currently using ArtifactoryCE" nothing at all, yet the
tagger took each for LEGAL. Its contextual stand-in then put a crime where the words were ("a
felony conviction and discharged Thursday"), which changes the answer and protects no one. A
learned layer's LEGAL phrase stays only in a sentence with a word of the law, the courts, the
police or immigration. On PUPA_New, SPIA, asq-phi, synth and PrivacyAnnotation the tagger's three
LEGAL phrases had none (all three needless)."""
from __future__ import annotations

from detector.precision.cues import sentence_around
from detector.text import words_regex

LAW_WORDS = words_regex([
    # courts, police and records
    "court", "courts", "courtroom", "judge", "jury", "trial", "hearing", "lawyer", "attorney",
    "solicitor", "barrister", "legal", "illegal", "illegally", "law", "lawsuit", "litigation", "sue",
    "sued", "suing", "settlement", "summons", "subpoena", "testify", "witness", "police", "cop",
    "cops", "arrest", "arrested", "charged with", "charges", "convicted", "conviction", "sentenced",
    "sentence", "indicted", "plea", "pleaded", "guilty", "bail", "jail", "prison", "locked up",
    "probation", "parole", "warrant", "record", "criminal", "crime", "felony", "misdemeanor",
    "misdemeanour", "offence", "offense", "prosecuted", "prosecutor", "restraining order",
    "protective order", "custody", "eviction", "evicted", "fined", "ticket", "citation", "cited",
    # offences
    "dui", "dwi", "owi", "drunk driving", "speeding", "assault", "battery", "theft", "stealing",
    "stole", "shoplifting", "fraud", "possession", "trespassing", "vandalism", "harassment",
    # immigration
    "undocumented", "immigration", "immigrant", "visa", "deported", "deportation", "asylum",
    "green card", "overstayed", "overstay", "residency", "citizenship",
])


def without_law(text: str, start: int, end: int) -> bool:
    """The sentence around text[start:end] holds no word of the law."""
    lo, hi = sentence_around(text, start, end)
    return not LAW_WORDS.search(text, lo, hi)
