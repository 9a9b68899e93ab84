"""protect/restore over the real encrypted vault: stand-ins survive a restart and a scope
rebind (ChatGPT web moves the first turn to the conversation id), dates keep one offset."""
import datetime as dt
import re

import pytest

from detector.categories import Category as C
from detector.protect import Protector
from proxy.vault import Vault
from tests.detector.standins_doubles import PhraseDetector

PHRASES = {"Maria Gonzalez": C.PERSON, "Maria": C.PERSON, "1985-03-15": C.DATE,
           "2001-07-04": C.DATE, "maria.gonzalez@acme-corp.com": C.EMAIL}


@pytest.fixture(autouse=True)
def hermetic(monkeypatch, tmp_path):
    monkeypatch.setenv("DOPPEL_NO_KEYRING", "1")
    monkeypatch.delenv("DOPPEL_PASSPHRASE", raising=False)
    monkeypatch.setenv("DOPPEL_RUNTIME_DIR", str(tmp_path / "runtime"))


def test_stand_ins_survive_a_restart(tmp_path):
    with Vault.open(tmp_path / "data") as vault:
        first = Protector(PhraseDetector(PHRASES), vault).protect("Maria Gonzalez, 1985-03-15", "c1").protected
    with Vault.open(tmp_path / "data") as vault:
        protector = Protector(PhraseDetector(PHRASES), vault)
        again = protector.protect("Maria Gonzalez, 1985-03-15", "c1").protected
        assert again == first
        assert protector.restorer("c1").restore(f"Re: {first}") == "Re: Maria Gonzalez, 1985-03-15"


def test_rebind_keeps_persona_and_date_offset(tmp_path):
    with Vault.open(tmp_path / "data") as vault:
        protector = Protector(PhraseDetector(PHRASES), vault)
        t1 = protector.protect("Maria Gonzalez was born 1985-03-15", "provisional-123").protected
        vault.rebind_scope("provisional-123", "conv-abc")
        t2 = protector.protect("Maria wrote on 2001-07-04 from maria.gonzalez@acme-corp.com", "conv-abc").protected
        first = t1.split()[0]
        assert t2.startswith(first + " wrote on ")
        d1 = dt.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", t1).group())
        d2 = dt.date.fromisoformat(re.search(r"\d{4}-\d\d-\d\d", t2).group())
        assert (d1 - dt.date(1985, 3, 15)) == (d2 - dt.date(2001, 7, 4))
        assert f"{first.lower()}." in t2
        restorer = protector.restorer("conv-abc")
        assert restorer.restore(t1) == "Maria Gonzalez was born 1985-03-15"
        assert restorer.restore(t2) == "Maria wrote on 2001-07-04 from maria.gonzalez@acme-corp.com"
        # The other conversation's restorer knows none of it.
        assert protector.restorer("other").restore(t1) == t1
