"""USERNAME: runs that are a person's names follow their persona (or become names of the same
kind), digit runs keep their shape, separators stay: "maria.gonzalez88" -> "elena.ruiz47"."""
from __future__ import annotations

import re
import string

from detector.standins import name_lists, person
from detector.standins.casing import apply_case_class, case_class, fold
from detector.standins.part import Part, whole
from detector.standins.shape import reshape

_USER_RUN = re.compile(r"[^\W\d_]+|\d+|[^\w]|_")


def parts(surface: str, session) -> list[Part]:
    runs = []
    for m in _USER_RUN.finditer(surface):
        run = m.group()
        mapped = None
        if run.isalpha() and len(run) >= 3 and (session.lookup(person.token_key(run)) is not None
                                                 or name_lists.is_known_name(run)):
            mapped = session.issue(run, person.single_token_part(run))
        runs.append((run, mapped))
    pool = tuple(fold(n) for n in name_lists.first_names("en_US", None) + name_lists.surnames("en_US"))

    def make(rng, attempt):
        out = []
        for run, mapped in runs:
            if mapped is not None:
                out.append(mapped)
            elif run.isdigit():
                out.append(reshape(run, rng))
            elif run.isalpha():
                out.append(apply_case_class(case_class(run), rng.choice(pool)))
            else:
                out.append(run)
        if attempt:
            out.append(string.digits[rng.randint(1, 9)] + string.digits[rng.randint(0, 9)])
        return "".join(out)

    return whole(surface, "username:" + fold(surface), "USERNAME", make)
