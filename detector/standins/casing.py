"""Letter case: stand-ins follow the case of what they replace, and restore back to it.

Models change case ("Elena" -> "ELENA"), and users write "my friend sara". A mapping stores the
real value and the stand-in in the same case class; `present` picks the form of the stand-in
that `restore_form` maps back to exactly the surface we replaced, so protect -> restore is the
identity. Both live here so the two directions can never drift apart.
"""
import re

_WORD_START = re.compile(r"(?:^|(?<=[\s\-]))(\w)")


def fold(text: str) -> str:
    """Lower-case one character at a time (no final-sigma or length changes), for look-ups."""
    if text.isascii():  # the common case, in C: ASCII lower-cases one to one
        return text.lower()
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def titlecase(text: str) -> str:
    """Upper-case the first letter of every word, leave the rest (keeps "McDonald")."""
    return _WORD_START.sub(lambda m: m.group(1).upper(), text)


def capfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def case_class(text: str) -> str:
    if not any(c.isalpha() for c in text):
        return "none"
    if text == text.lower():
        return "lower"
    if text == text.upper():
        return "upper"
    lowered = text.lower()
    if text == titlecase(lowered):
        return "title"
    if text == capfirst(lowered):
        return "first"
    return "mixed"


def apply_case_class(cls: str, text: str) -> str:
    if cls == "lower":
        return text.lower()
    if cls == "upper":
        return text.upper()
    if cls == "title":
        return titlecase(text)
    if cls == "first":
        return capfirst(text)
    return text


def restore_form(found: str, real: str, standin: str) -> str:
    """The real value in the case the stand-in was found in (`found` casefold-equals `standin`).

    Goes by the case class of what was found, so "Elena" restores to "Maria" even when the
    mapping was first made from "MARIA GONZALEZ" (stand-in stored as "ELENA").
    """
    if found == standin:
        return real
    cls = case_class(found)
    if cls == "lower":
        return real.lower()
    if cls == "upper":
        return real.upper()
    base = real.lower() if case_class(real) in ("lower", "upper") else real
    if cls == "title":
        return titlecase(base)
    if cls == "first":
        return capfirst(base)
    return real


def present(surface: str, real: str, standin: str) -> str | None:
    """The form of `standin` that restores to `surface`, or None if no case form does."""
    low = standin.lower()
    for form in (standin, low, standin.upper(), titlecase(low), capfirst(low), titlecase(standin),
                 capfirst(standin)):
        if restore_form(form, real, standin) == surface:
            return form
    return None
