"""When a candidate stand-in may not be used.

A stand-in must never be a real value seen in the store, never a string already in the text,
unique within its conversation, and never an obvious test value a model would invent itself.
Name-like stand-ins must also not be everyday words: the restorer would otherwise turn "will"
or "june" in a reply back into a real name.
"""
import functools

from faker.providers.lorem.en_US import Provider as _EnglishWords

from detector.standins.casing import fold
from detector.store import MappingStore
from detector.text import cuts_word, phrase_regex

# Values a model produces on its own or that testers use; as stand-ins they would be restored
# wherever a model echoes them (hand list: no package collects these).
TEST_VALUES = frozenset({
    "john smith", "jane smith", "john doe", "jane doe", "joe bloggs", "max mustermann",
    "erika mustermann", "example.com", "example.org", "example.net", "test.com",
    "4111111111111111", "4111 1111 1111 1111", "4242424242424242", "4242 4242 4242 4242",
    "5555555555554444", "5105105105105100", "378282246310005", "371449635398431",
    "6011111111111117", "4012888888881881", "123-45-6789", "123456789", "078-05-1120",
    "987-65-4320", "127.0.0.1", "0.0.0.0", "192.168.1.1", "192.168.0.1", "10.0.0.1",
})

# Name tokens a model would invent, or placeholder words (hand list).
BANNED_NAME_TOKENS = frozenset({
    "john", "jane", "doe", "smith", "roe", "bloggs", "mustermann", "musterfrau", "foo", "bar",
    "baz", "test", "example", "sample", "user", "alice", "bob", "eve", "mallory", "placeholder",
})

# Words that are also first names or surnames (hand list, added to Faker's 971 common English
# words): months, weekdays, virtues, flowers, colours, trades.
_NAME_WORDS = frozenset("""
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday summer autumn winter spring
rose grace hope joy faith will bill mark pat sue jack frank art rob sky dawn ivy holly lily
daisy iris ruby amber crystal pearl jade angel chance destiny harmony honey precious star
sunny young long little short rich king brown black white green gray grey wood hill lane
street park price bush moody strong small hall case field cash ford page law bond miles banks
rice wise best love low lord cook baker mason hunter fisher carter parker walker turner porter
cooper major royal noble sharp stone storm rain river brook forest glen dale sterling penny
guy gene ray dean drew earl grant lee chase cliff colt don max ben sam jo al ed
""".split())

COMMON_WORDS = frozenset(w.lower() for w in _EnglishWords.word_list) | _NAME_WORDS


@functools.lru_cache(maxsize=1)
def word_pool() -> tuple[str, ...]:
    """Common words of 4-10 letters to stand in for words in URLs and e-mail local parts, sorted:
    a seeded choice must not depend on the order a set happens to iterate in."""
    return tuple(sorted(w for w in COMMON_WORDS if w.isalpha() and 4 <= len(w) <= 10))


def everyday_words() -> frozenset[str]:
    """Faker's ~1,000 everyday English words (its en_US lorem list), lower case."""
    return _EVERYDAY


_EVERYDAY = frozenset(w.lower() for w in _EnglishWords.word_list)


_pattern = functools.lru_cache(maxsize=4096)(phrase_regex)


def appears_in(text: str, value: str) -> bool:
    """`value` occurs in `text` on word boundaries, ignoring case and whitespace differences
    (a combining mark next to it makes it part of a longer word, as in the restorer)."""
    if not value.strip():
        return False
    return any(not cuts_word(text, *m.span()) for m in _pattern(value).finditer(text))


class CollisionCheck:
    def __init__(self, store: MappingStore, scope: str, text: str):
        self.store, self.scope, self.text = store, scope, text
        self._lower = text.lower()  # cheap pre-check before compiling a pattern

    def free(self, candidate: str, real: str, *, word_like: bool = False, small_space: bool = False,
             in_text_ok: bool = False) -> bool:
        """May ``candidate`` stand in for ``real``? ``in_text_ok``: the last try for a small
        space (an age in a text full of numbers): it may also occur in the text (a reply that
        repeats that number may then be restored to the real one: a wrong number, never a leak)."""
        if not candidate or candidate != candidate.strip():
            return False
        folded = fold(candidate)
        if folded == fold(real) or folded in TEST_VALUES:
            return False
        if word_like and (folded in COMMON_WORDS or folded in BANNED_NAME_TOKENS):
            return False
        real_folded = fold(real)
        if word_like and len(real_folded) >= 3 and (real_folded in folded or folded in real_folded):
            return False  # "Tom" -> "Tomasz" gives the name away (and every e-mail made from it)
        if (not small_space and self.store.is_real_value(candidate)) or self.store.standin_in_use(self.scope, candidate):
            return False
        first_word = candidate.split()[0].lower()
        return in_text_ok or first_word not in self._lower or not appears_in(self.text, candidate)
