"""The privacy categories Doppel knows, and which layers may report them."""
from enum import StrEnum


class Category(StrEnum):
    # Identifiers, found by rules with validation.
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    CREDIT_CARD = "CREDIT_CARD"
    BANK_ACCOUNT = "BANK_ACCOUNT"  # IBANs and other account numbers
    ID_NUMBER = "ID_NUMBER"  # SSN, passport, national IDs, driving licence
    IP_ADDRESS = "IP_ADDRESS"
    URL = "URL"
    USERNAME = "USERNAME"
    SECRET = "SECRET"  # API keys, tokens, passwords, private keys
    # Found by NER (and rules where a format exists).
    PERSON = "PERSON"
    ORG = "ORG"
    LOCATION = "LOCATION"
    ADDRESS = "ADDRESS"
    DATE = "DATE"  # birth dates and other personal dates (a year where it dates a life), not ages
    AGE = "AGE"  # a person's age ("I'm 34", "my 7-year-old"): a quasi-identifier, found by the tagger
    # Contextual privacy phrases, filled by the on-device LLM layer.
    HEALTH = "HEALTH"
    FINANCE = "FINANCE"
    RELATIONSHIP = "RELATIONSHIP"
    WORK = "WORK"
    BELIEF_IDENTITY = "BELIEF_IDENTITY"  # religion, politics, sexuality, ethnicity, immigration status
    LEGAL = "LEGAL"
    # The user's own "always protect" terms given without a category: a same-shape stand-in.
    CUSTOM = "CUSTOM"


CONTEXTUAL = frozenset(
    {Category.HEALTH, Category.FINANCE, Category.RELATIONSHIP, Category.WORK,
     Category.BELIEF_IDENTITY, Category.LEGAL}
)
