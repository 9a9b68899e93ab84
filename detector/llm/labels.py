"""The labels the LLM writes, and the Category each one maps to.

The prompt uses short, common words (a 270M base model follows those best); the parser also
accepts the synonyms small models tend to produce instead of dropping a good phrase.
"""
from detector.categories import Category

PROMPT_LABELS = ("PERSON", "ORG", "LOCATION", "HEALTH", "FINANCE", "RELATIONSHIP", "WORK",
                 "BELIEF", "LEGAL")

LABEL_TO_CATEGORY: dict[str, Category] = {
    "PERSON": Category.PERSON, "NAME": Category.PERSON, "PER": Category.PERSON,
    "ORG": Category.ORG, "ORGANIZATION": Category.ORG, "ORGANISATION": Category.ORG,
    "COMPANY": Category.ORG, "SCHOOL": Category.ORG, "EMPLOYER": Category.ORG,
    "LOCATION": Category.LOCATION, "PLACE": Category.LOCATION, "LOC": Category.LOCATION,
    "GPE": Category.LOCATION, "CITY": Category.LOCATION, "COUNTRY": Category.LOCATION,
    "ADDRESS": Category.ADDRESS,
    "HEALTH": Category.HEALTH, "MEDICAL": Category.HEALTH, "DISEASE": Category.HEALTH,
    "CONDITION": Category.HEALTH, "DIAGNOSIS": Category.HEALTH, "MEDICATION": Category.HEALTH,
    "FINANCE": Category.FINANCE, "FINANCIAL": Category.FINANCE, "MONEY": Category.FINANCE,
    "INCOME": Category.FINANCE, "DEBT": Category.FINANCE,
    "RELATIONSHIP": Category.RELATIONSHIP, "FAMILY": Category.RELATIONSHIP,
    "WORK": Category.WORK, "JOB": Category.WORK, "OCCUPATION": Category.WORK,
    "PROFESSION": Category.WORK, "EDUCATION": Category.WORK,
    "BELIEF": Category.BELIEF_IDENTITY, "BELIEF_IDENTITY": Category.BELIEF_IDENTITY,
    "IDENTITY": Category.BELIEF_IDENTITY, "RELIGION": Category.BELIEF_IDENTITY,
    "POLITICS": Category.BELIEF_IDENTITY, "ETHNICITY": Category.BELIEF_IDENTITY,
    "SEXUALITY": Category.BELIEF_IDENTITY, "NATIONALITY": Category.BELIEF_IDENTITY,
    "LEGAL": Category.LEGAL, "CRIME": Category.LEGAL, "IMMIGRATION": Category.LEGAL,
    "EMAIL": Category.EMAIL, "PHONE": Category.PHONE, "DATE": Category.DATE,
    "USERNAME": Category.USERNAME, "URL": Category.URL,
}

CATEGORY_TO_LABEL: dict[Category, str] = {
    Category.PERSON: "PERSON", Category.ORG: "ORG", Category.LOCATION: "LOCATION",
    Category.ADDRESS: "LOCATION", Category.HEALTH: "HEALTH", Category.FINANCE: "FINANCE",
    Category.RELATIONSHIP: "RELATIONSHIP", Category.WORK: "WORK",
    Category.BELIEF_IDENTITY: "BELIEF", Category.LEGAL: "LEGAL",
}


def category_of(label: str) -> Category | None:
    return LABEL_TO_CATEGORY.get(label.strip().strip(":-*").upper())
