"""A part of a span that gets its own stored stand-in: a name token, an email, an amount...

Families split a span into parts; text between parts stays as written ("Ms. ", "'s", the words
around a diagnosis). A part's key decides what is shared: "person-token:maria" is the same
person in every span and every turn of a conversation.
"""
import random
from dataclasses import dataclass
from typing import Callable

Maker = Callable[[random.Random, int], str]  # (rng, attempt) -> one candidate stand-in


@dataclass(frozen=True)
class Part:
    start: int  # offsets inside the span's text
    end: int
    key: str
    category: str
    make: Maker
    seed_key: str | None = None  # seed from this instead of key (same number, other format)
    word_like: bool = False  # name-like stand-in: also refuse everyday words
    # Few values to choose from (an age): a stand-in avoids this conversation's stand-ins and
    # the text, not every real value the vault ever held, which in time covers the whole range.
    small_space: bool = False


def whole(surface: str, key: str, category: str, make: Maker, **kw) -> list[Part]:
    return [Part(0, len(surface), key, category, make, **kw)]
