"""Cut a long text into sentence windows, so each LLM call sees a bounded prompt and its
64-token answer budget covers one window, not the whole text."""
import re

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n\s*\n|\n(?=\s*[-*•\d])")


def sentence_windows(text: str, max_words: int = 250) -> list[tuple[int, int]]:
    """(start, end) offsets of consecutive windows covering every non-blank part of `text`,
    each a run of whole sentences of at most `max_words` words (a longer sentence is cut at
    word boundaries)."""
    pieces: list[tuple[int, int]] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        pieces.append((pos, m.start()))
        pos = m.end()
    pieces.append((pos, len(text)))
    # Split sentences that alone exceed the budget at word boundaries.
    units: list[tuple[int, int, int]] = []  # start, end, words
    for s, e in pieces:
        words = [(m.start() + s, m.end() + s) for m in re.finditer(r"\S+", text[s:e])]
        for i in range(0, len(words), max_words):
            chunk = words[i:i + max_words]
            units.append((chunk[0][0], chunk[-1][1], len(chunk)))
    windows: list[tuple[int, int]] = []
    cur_start, cur_end, cur_words = None, 0, 0
    for s, e, n in units:
        if cur_start is not None and cur_words + n > max_words:
            windows.append((cur_start, cur_end))
            cur_start, cur_words = None, 0
        if cur_start is None:
            cur_start = s
        cur_end, cur_words = e, cur_words + n
    if cur_start is not None:
        windows.append((cur_start, cur_end))
    return windows
