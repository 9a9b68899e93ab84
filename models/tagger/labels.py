"""The tagger's labels (Doppel's categories, AGE included) and how each source's labels map to them.

A source label mapped to None is read as "not private" (O): a product or a song is not a
secret. Labels left out of a mapping are O as well.
"""
from __future__ import annotations

from detector.categories import Category

LABELS: tuple[str, ...] = tuple(c.value for c in Category)

WNUT17 = {"person": "PERSON", "location": "LOCATION", "corporation": "ORG", "group": "ORG",
          "product": None, "creative-work": None}
BTC = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOCATION"}
# SLURP's voice-assistant slots. Dates only when they name a day (see corpora._personal_date);
# relations ("my mom") are not disclosures on their own.
SLURP = {"person": "PERSON", "place_name": "LOCATION", "business_name": "ORG",
         "email_address": "EMAIL", "date": "DATE", "transport_agency": "ORG"}
# SPIA's subject-level tags whose keyword occurs verbatim in the post.
SPIA = {"NAME": "PERSON", "AFFILIATION": "ORG", "IDENTIFICATION_NUMBER": "ID_NUMBER",
        "DRIVER_LICENSE_NUMBER": "ID_NUMBER", "PASSPORT_NUMBER": "ID_NUMBER", "EMAIL_ADDRESS": "EMAIL",
        "PHONE_NUMBER": "PHONE", "AGE": "AGE", "OCCUPATION": "WORK", "LOCATION": "LOCATION",
        "NATIONALITY": "BELIEF_IDENTITY", "EDUCATION": "ORG", "RELATIONSHIP": "RELATIONSHIP"}

# contextual-anonymizer's place-holder types. Times, skills, projects, grades and the like are
# not private by Doppel's categories: they stay O. CURRENCY is left out too: matched against the
# originals it lands on lab values ("240 mg/dL") as often as on sums.
ANONYMIZER = {
    "NAME": "PERSON", "DOCTOR": "PERSON", "EMAIL": "EMAIL", "DATE": "DATE", "POSITION": "WORK",
    "JOB_TITLE": "WORK", "PHONE": "PHONE", "ADDRESS": "ADDRESS", "ZIP": "ADDRESS", "USERNAME": "USERNAME",
    "ACCOUNT": "BANK_ACCOUNT", "COMPANY": "ORG", "SCHOOL": "ORG", "UNIVERSITY": "ORG",
    "INSURER": "ORG", "BANK": "ORG", "BANK_NAME": "ORG", "MERCHANT": "ORG", "HOSPITAL": "ORG", "COURT": "ORG",
    "RESTAURANT": "ORG", "INSTITUTE": "ORG", "DIAGNOSIS": "HEALTH", "MEDICATION": "HEALTH",
    "TICKET_ID": "ID_NUMBER", "POLICY_NUMBER": "ID_NUMBER", "TRANSACTION_ID": "ID_NUMBER",
    "ORDER_NUMBER": "ID_NUMBER", "CLAIM_ID": "ID_NUMBER", "CASE_NUMBER": "ID_NUMBER", "CASE_ID": "ID_NUMBER",
    "PESEL": "ID_NUMBER", "NIP": "ID_NUMBER", "VIN": "ID_NUMBER", "LOCATION": "LOCATION", "CITY": "LOCATION",
    "STATE": "LOCATION", "AGE": "AGE", "PASSWORD": "SECRET", "RELATIONSHIP": "RELATIONSHIP",
}


def check(label: str) -> str:
    if label not in LABELS:
        raise ValueError(f"unknown tagger label {label!r}")
    return label
