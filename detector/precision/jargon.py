"""Terms that are not names, whatever their capitals: acronyms the text itself defines ("bone
mineral density (BMD)"), acronyms in the plural ("EVs", "LLMs": names do not take a plural),
everyday acronyms, compound adjectives ("AI-driven"), named instruments ("Framingham Risk
Score", "ADA guidelines", "history of Parkinson's"), drug names by their stems ("lisinopril"),
and single words of another script that the English NER model read ("Какие", "물론")."""
from __future__ import annotations

import re
import unicodedata

from detector.text import PARTICLES, TITLES

ACRONYM = re.compile(r"^[A-Z][A-Za-z0-9&]{0,5}[A-Z0-9]$|^[A-Z]{2,}$")
PLURAL_ACRONYM = re.compile(r"^[A-Z]{2,6}s$")
COMPOUND_ADJECTIVE = re.compile(r"^[\w.]+-(?:[a-z]+)$")
# Acronyms of everyday words that the NER model tags as organisations or places (hand list).
EVERYDAY_ACRONYMS = frozenset("""
AI ML IT IoT NLP LLM API APIs SEO ESG KPI KPIs ROI CEO CTO CFO COO HR PR QA UX UI SaaS B2B B2C
FAQ PDF CSV USB GPU CPU RAM SSD HTML CSS SQL JSON XML HTTP HTTPS URL DNS VPN OS PC TV DIY ASAP
FYI ETA GDP PhD MBA BSc MSc GPA EV EVs SUV SUVs ATM PIN OTP IQ EQ DNA RNA COVID MRI CT ECG
BMI COPD CRP ESR INR GERD ALS CHF DVT PE WBC RBC GI ICU ER EKG ADHD PTSD OCD IBS HIV AIDS UTI STD
STI BP CKD CAD MI TIA AFib RA MS ED OR ENT OB GYN PCOS HbA1c A1c LDL HDL TSH PSA CBC ABG eGFR GFR
SSL TLS SSH TCP UDP FTP SMTP IMAP LAN WAN NAT CDN CLI GUI IDE SDK JWT OAuth SSO MFA 2FA ROM HDD
NFC LTE GPS AR VR XR OCR ORM MVC REST SOAP YAML TOML LRU FIFO LIFO CRUD ETL CI CD DevOps MLOps
""".split())
# Head words after which a name is the name of a thing: a score, a study, guidelines ("the
# Framingham Risk Score", "ADA guidelines", "the ARISTOTLE trial"). names_an_eponym
# (detector/names/lexicon.py) drops a name followed by a disease or test word; these are the
# heads that also end such a name.
INSTRUMENT_HEADS = frozenset("""
score scale index criteria examination exam test questionnaire classification study trial
trials guideline guidelines recommendation recommendations protocol statement survey inventory
assessment method model algorithm formula equation law principle theorem effect syndrome disease
""".split())
HEAD_AFTER = re.compile(r"(?:['’]s)?\s+(\w+)")
# Diseases named after people, said without "disease" (hand list of the common ones).
EPONYMOUS_CONDITIONS = frozenset("""
alzheimer's parkinson's crohn's hashimoto's graves' barrett's cushing's addison's huntington's
tourette's asperger's hodgkin's raynaud's sjogren's sjögren's bell's gehrig's ludwig's kawasaki
meniere's ménière's paget's wilson's lyme
""".split())
# USAN stems of generic drug names (the USAN Council's published naming scheme; common ones).
DRUG_STEM = re.compile(
    r"(?i)^[a-z]{2,}(?:pril|sartan|olol|statin|mab|tinib|xaban|gliflozin|gliptin|glitazone|mycin|cillin|"
    r"floxacin|cycline|azole|prazole|dipine|parin|semide|thiazide|lukast|afil|triptan|setron|oxetine|"
    r"azepam|azolam|barbital|caine|profen|coxib|sone|olone|terol|tidine|vudine|navir|previr|asvir|"
    r"ciclovir|fungin|platin|rubicin|trexate|formin|glinide|gliptin|dronate|tropium|ipine|peridol|"
    r"oxacin|zepine|vastatin)$")
_WORDS = re.compile(r"[^\W\d_]+")


def is_jargon(text: str, start: int, end: int) -> bool:
    value = text[start:end]
    if (value in EVERYDAY_ACRONYMS or PLURAL_ACRONYM.match(value) or COMPOUND_ADJECTIVE.match(value)
            or value.lower() in EPONYMOUS_CONDITIONS or names_an_instrument(text, start, end)):
        return True
    return bool(ACRONYM.match(value)) and defined_before(text, start, value)


def names_an_instrument(text: str, start: int, end: int) -> bool:
    """"Framingham Risk Score", "ADA guidelines", "the ARISTOTLE trial": the span ends with, or
    is followed by, a head word of a named score, study, guideline or disease."""
    words = text[start:end].split()
    if len(words) > 1 and words[-1].lower() in INSTRUMENT_HEADS:
        return True
    after = HEAD_AFTER.match(text, end)
    return bool(after) and after.group(1).lower() in INSTRUMENT_HEADS


def is_drug(value: str) -> bool:
    """A generic drug name, by its USAN stem ("lisinopril", "Empagliflozin")."""
    return bool(DRUG_STEM.match(value.strip()))


def defined_before(text: str, start: int, acronym: str) -> bool:
    """"... continuous venovenous hemofiltration (CVVH)": the words before the bracket start
    with the acronym's letters, so the text itself says what the acronym stands for."""
    definition = text.find("(" + acronym + ")")
    if definition < 0:
        return False
    letters = [c.lower() for c in acronym if c.isalpha()]
    words = _WORDS.findall(text, max(0, definition - 120), definition)
    initials = [w[0].lower() for w in words][-len(letters):]
    return len(initials) == len(letters) and initials == letters


def foreign_word(value: str) -> bool:
    """A single word in a script other than Latin (the English model reading Cyrillic, Hangul,
    CJK...)."""
    if " " in value.strip():
        return False
    letters = [c for c in value if c.isalpha()]
    return bool(letters) and not any("LATIN" in unicodedata.name(c, "") for c in letters)


# Words of a form of address or an office ("Monsieur le Directeur Général", "Dear Hiring
# Manager"): a role, not the person who holds it (hand list, with the titles of detector/text.py).
OFFICE_WORDS = frozenset("""
director directeur directrice general général générale president président présidente manager
chief executive officer secretary minister ministre chairman chairwoman chair head dean principal
commissioner governor mayor senator ambassador excellency majesty highness honour honor hiring
team committee board staff customer service department sir madam dear
""".split())


def only_a_title(value: str) -> bool:
    """Every word a title, a particle or an office: an address to a role, not to someone."""
    words = [w.strip(".,:;").lower() for w in value.split()]
    return bool(words) and all(w in TITLES or w in PARTICLES or w in OFFICE_WORDS for w in words if w)


# The elements' symbols (a fixed table: 118 facts, no package needed for them).
ELEMENTS = frozenset("""
H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr
Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm Yb
Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No Lr Rf
Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og
""".split())
_FORMULA_PART = re.compile(r"([A-Z][a-z]?)(\d*)")


def is_formula(value: str) -> bool:
    """A chemical formula ("HCl", "NaCl", "CaCO3", "H2SO4"): two or more elements' symbols with
    their counts, read as a name by a layer that sees an unknown capitalised word."""
    if re.match(r"[A-Z]o[A-Z]", value) and not any(c.isdigit() for c in value):
        return False  # "CoC", "MoU", "DoD": initials of "X of Y", however like cobalt they read
    parts = list(_FORMULA_PART.finditer(value))
    return (len(parts) >= 2 and "".join(m.group() for m in parts) == value
            and all(m.group(1) in ELEMENTS for m in parts)
            and any(c.islower() for c in value) | any(c.isdigit() for c in value))
