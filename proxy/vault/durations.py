"""Parse the short durations the CLI takes ("30d", "12h", "2w"); a bare number means days."""
import re

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_PATTERN = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw]?)\s*$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """Seconds in `text`; ValueError for anything else (negative, empty, unknown unit)."""
    match = _PATTERN.match(text)
    if not match:
        raise ValueError(f"not a duration: {text!r} (use e.g. 30d, 12h, 2w)")
    seconds = float(match.group(1)) * _UNITS[(match.group(2) or "d").lower()]
    if seconds <= 0:
        raise ValueError("a duration must be positive")
    return seconds
