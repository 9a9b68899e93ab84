"""Readers for the labelled corpora in shared/data/train: rows of text with character spans.

Every reader returns rows {"text", "spans": [[start, end, label]], "source"}, labels already
mapped to the tagger's (models/tagger/labels.py). Token-level corpora (WNUT-17, BTC) are joined
with single spaces, so their offsets are exact by construction. What a corpus does not annotate
but is unambiguous by shape (URLs, emails, @handles) is labelled by pattern, so that the model
is not taught that those are not private.

SGD (sgd_subset) is CC BY-SA 4.0: it is not read here, so the shipped weights owe nothing to
share-alike terms (see models/tagger/DATA_CARD.md).
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from models.tagger import labels as L

TRAIN_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "train"

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
HANDLE = re.compile(r"(?<![\w@])@\w{2,}")
_MONTH = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.I)
_DAY_WORD = re.compile(r"\b(?:\d{1,2}(?:st|nd|rd|th)?|first|second|third|\w+teenth|\w+tieth|\w+th)\b", re.I)


def _conll(path: Path, mapping: dict, source: str) -> list[dict]:
    rows, tokens, tags = [], [], []

    def flush():
        if tokens:
            rows.append(_from_tokens(tokens, tags, mapping, source))
        tokens.clear()
        tags.clear()

    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip():
            flush()
            continue
        tokens.append(parts[0].strip())
        tags.append(parts[-1].strip())
    flush()
    return rows


def _from_tokens(tokens: list[str], tags: list[str], mapping: dict, source: str) -> dict:
    text, spans, pos = "", [], 0
    current = None  # [start, end, label]
    for token, tag in zip(tokens, tags):
        start = len(text) + (1 if text else 0)
        text = f"{text} {token}" if text else token
        end = len(text)
        kind, _, name = tag.partition("-")
        label = mapping.get(name) if kind in ("B", "I") else None
        if kind == "I" and current is not None and current[2] == label:
            current[1] = end
            continue
        if current is not None:
            spans.append(current)
            current = None
        if label:
            current = [start, end, label]
    if current is not None:
        spans.append(current)
    return {"text": text, "spans": _with_patterns(text, spans), "source": source}


def _with_patterns(text: str, spans: list[list]) -> list[list]:
    """Add URLs, emails and @handles where no span covers them; a handle a corpus tagged as a
    person or organisation becomes USERNAME (the stand-in must look like a handle)."""
    out = []
    for s in spans:
        s = _trim(text, s)
        if s is None:
            continue
        if text[s[0]] == "@":
            s = [s[0], s[1], "USERNAME"]
        out.append(s)
    # Links in posts are public pages (t.co, news): they stay O, as the rules layer leaves them.
    for pattern, label in ((EMAIL, "EMAIL"), (HANDLE, "USERNAME")):
        for m in pattern.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b, _ in out):
                out.append([m.start(), m.end(), label])
    return sorted(out)


def _trim(text: str, span: list) -> list | None:
    """The span without punctuation or spaces at its edges ("Hunico /" -> "Hunico")."""
    start, end, label = span
    while start < end and not (text[start].isalnum() or text[start] == "@"):
        start += 1
    while end > start and not text[end - 1].isalnum():
        end -= 1
    return [start, end, label] if end > start else None


def wnut17(root: Path = TRAIN_DIR) -> list[dict]:
    rows = []
    for name in ("wnut17train.conll", "emerging.dev.conll", "emerging.test.annotated"):
        rows += _conll(root / "wnut17" / name, L.WNUT17, "wnut17")
    return rows


def btc(root: Path = TRAIN_DIR) -> list[dict]:
    rows = []
    for name in ("btc.train", "btc.dev", "btc.test"):
        rows += _conll(root / "broad_twitter_corpus" / "train_dev_test_conll" / name, L.BTC, "btc")
    return rows


_SLURP_SLOT = re.compile(r"\[\s*([a-z_]+)\s*:\s*([^\]]*?)\s*\]")


def _personal_date(value: str) -> bool:
    """A slot value that names a day ("march third", "the 5th"), not "tomorrow" or "friday"."""
    return bool(_MONTH.search(value) and _DAY_WORD.search(value)) or bool(re.search(r"\d+[/.-]\d+", value))


def slurp(root: Path = TRAIN_DIR) -> list[dict]:
    rows = []
    for name in ("devel.jsonl", "test.jsonl"):
        for line in (root / "slurp" / "dataset" / "slurp" / name).read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            text, spans, pos = "", [], 0
            annotation = record["sentence_annotation"]
            for m in _SLURP_SLOT.finditer(annotation):
                text += annotation[pos:m.start()]
                value = m.group(2)
                label = L.SLURP.get(m.group(1))
                if label == "DATE" and not _personal_date(value):
                    label = None
                if label and value.strip():
                    spans.append([len(text), len(text) + len(value), label])
                text += value
                pos = m.end()
            text += annotation[pos:]
            rows.append({"text": text, "spans": _with_patterns(text, spans), "source": "slurp"})
    return rows


def spia380(root: Path = TRAIN_DIR) -> list[dict]:
    """SPIA's 380 training posts (the eval's 151 removed upstream): keywords that occur verbatim
    are labelled at every occurrence; inferred values ("Male") label nothing."""
    rows = []
    path = root / "spia_panorama_380" / "data" / "spia" / "spia_panorama_531_minus_eval151.jsonl"
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        text = record["text"]
        spans: list[list] = []
        for subject in record["subjects"]:
            for pii in subject["PIIs"]:
                label, keyword = L.SPIA.get(pii["tag"]), pii["keyword"].strip()
                if not label or len(keyword) < 2:
                    continue
                for m in re.finditer(re.escape(keyword), text):
                    if not any(a < m.end() and m.start() < b for a, b, _ in spans):
                        spans.append([m.start(), m.end(), label])
        rows.append({"text": text, "spans": _with_patterns(text, sorted(spans)), "source": "spia380"})
    return rows


ANON_DIR = TRAIN_DIR.parent / "seeds" / "contextual-anonymizer" / "data"
_PLACEHOLDER = re.compile(r"\[([A-Z_]+?)_(\d+)\]")
_PLACEHOLDER_NAME = re.compile(r"\b[A-Z]{3,}_\d")


def anonymizer(root: Path = ANON_DIR) -> list[dict]:
    """contextual-anonymizer's (MIT) synthetic documents and chats: each original text beside
    its anonymised copy, "[NAME_1]" where a value was. The values are recovered by matching the
    copy against the original (values on one line, at most 80 characters; a text that does not
    match is skipped) and every place holder becomes a span."""
    data = json.loads((root / "synthetic_data.json").read_text(encoding="utf-8"))["data"]
    rows = []
    for record in data:
        text, anon = record["context"], record["anonymized_context"]
        values = _match_placeholders(text, anon)
        if values is None or any(_PLACEHOLDER_NAME.search(v) for v in values.values()):
            continue  # unmatched, or a place holder left in the "original"
        spans, pos, at = [], 0, 0
        for m in _PLACEHOLDER.finditer(anon):
            at += m.start() - pos
            value = values[m.group(0)]
            label = L.ANONYMIZER.get(m.group(1))
            if label == "DATE" and not _personal_date(value):
                label = None  # "Friday", "2 weeks", "5 PM": not a date of anyone's life
            if label:
                spans.append([at, at + len(value), label])
            at += len(value)
            pos = m.end()
        rows.append({"text": text, "spans": [s for s in (_trim(text, s) for s in spans) if s], "source": "anonymizer"})
    return rows


def _match_placeholders(text: str, anon: str) -> dict[str, str] | None:
    parts, groups, pos = [], {}, 0
    for m in _PLACEHOLDER.finditer(anon):
        parts.append(re.escape(anon[pos:m.start()]))
        key = m.group(0)
        if key in groups:
            parts.append(f"(?P={groups[key]})")
        else:
            groups[key] = f"g{len(groups)}"
            # Bounded and on one line: an unbounded lazy group backtracks without end on some texts.
            parts.append(f"(?P<{groups[key]}>[^\n]{{1,80}}?)")
        pos = m.end()
    parts.append(re.escape(anon[pos:]))
    m = re.fullmatch("".join(parts), text, re.DOTALL)
    return None if m is None else {key: m.group(g) for key, g in groups.items()}


def us_addresses(root: Path = TRAIN_DIR) -> list[dict]:
    """datamade/usaddress's labelled address strings, as {"address", "zip"} (zip may be "")."""
    tree = ET.parse(root / "usaddress" / "training" / "labeled.xml")
    out = []
    for node in tree.getroot():
        parts = [(child.tag, (child.text or "") + (child.tail or "")) for child in node]
        address = "".join(text for tag, text in parts if tag != "Recipient").strip(" ,")
        zip_code = next((text.strip(" ,") for tag, text in parts if tag == "ZipCode"), "")
        if address:
            out.append({"address": " ".join(address.split()), "zip": zip_code})
    return out


READERS = {"wnut17": wnut17, "btc": btc, "slurp": slurp, "spia380": spia380, "anonymizer": anonymizer}
