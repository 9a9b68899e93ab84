"""Parse the model's completion: one "LABEL phrase" line per privacy phrase, "NONE" for none.

No JSON and no grammar on purpose: grammars cost ~38 ms per token with Gemma's 262k vocabulary
and the base model loops on JSON (docs/architecture.md#detection). Lines that do not parse are
dropped.
"""
import re

from detector.categories import Category
from detector.llm.labels import category_of

_LINE = re.compile(r"^\s*[-*•]?\s*([A-Za-z_]+)\s*[:\-]?\s+(.+?)\s*$")
_QUOTES = "\"'`“”‘’"


def parse_output(output: str) -> list[tuple[Category, str]]:
    """(category, phrase) pairs in order, duplicates removed."""
    found: list[tuple[Category, str]] = []
    for line in output.splitlines():
        if not line.strip():
            break  # a blank line ends the answer (the next example would start)
        m = _LINE.match(line)
        if not m:
            continue
        category = category_of(m.group(1))
        phrase = m.group(2).strip().rstrip(".,;").strip(_QUOTES).strip().rstrip(".,;")
        if category is None or not phrase or phrase.upper() == "NONE":
            continue
        if (category, phrase) not in found:
            found.append((category, phrase))
    return found
