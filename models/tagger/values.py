"""Slot values for the tagger's templates: Faker across locales, the seeds' word lists, and
the ways people actually type values (spaced and mistyped numbers, spelled digits, obfuscated
emails, lower case). Every function takes the row's random generator, so a seed rebuilds the
same data.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import re
import string
from pathlib import Path

from models.train import lexicons as LX  # the disclosure word lists the LLM's training uses too

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "data" / "seeds"
LOCALES = ("en_US", "en_GB", "en_IN", "en_CA", "en_AU", "en_NG", "en_IE", "de_DE", "fr_FR", "es_ES",
           "es_MX", "pt_BR", "pl_PL", "it_IT", "nl_NL", "tr_TR", "sv_SE", "en_NZ")
# Fixed bounds: Faker's defaults count from today, and a seed must rebuild the same rows any day.
FIRST_DAY, LAST_DAY = dt.date(1935, 1, 1), dt.date(2025, 12, 31)
DIGIT_WORDS = "zero one two three four five six seven eight nine".split()
NATURE = """larkspur bluefin northgate ironwood copperleaf silverline redwood brightwater stonebridge
oakhaven harborview clearpath kestrel juniper wildrose ember tidewater summit granite cobalt
meridian lumen vantage aurora pinecrest falcon orchard driftwood maple cedar quartz""".split()
INDUSTRY = """Robotics Analytics Logistics Bakery Dental Labs Capital Studios Consulting Builders Foods
Software Health Realty Motors Systems Plumbing Roofing Landscaping Pharmacy Fitness Media Games
Biotech Outfitters Brewing Insurance Partners Legal Accounting Tutoring Daycare Veterinary""".split()
TRADES = """Teamsters IBEW UAW SEIU UFCW AFSCME Carpenters Plumbers Ironworkers Electricians Nurses
Machinists Laborers Painters""".split()
COURTS = """family court|circuit court|district court|probate court|sheriff's office|public library|
school district|health department|housing authority|board of education|juvenile court|
community college|superior court|social services office""".replace("\n", "").split("|")
JOBS_EXTRA = """barista|line cook|bank teller|dental assistant|electrician|bus driver|social worker|
nanny|cashier at a grocery store|flight attendant|data analyst|forklift operator|pastor|
medical coder|veterinary tech|public defender|adjunct professor|home health aide""".replace("\n", "").split("|")
SYMPTOMS = """chest pain|a persistent cough|shortness of breath|joint swelling|fatigue|night sweats|
a rash on the forearm|blurred vision|abdominal pain|recurrent headaches|palpitations|weight loss""".replace("\n", "").split("|")
# Abbreviations of tests, drugs, standards and tech: not organisations.
ACRONYMS = """ACE ARB ESR CRP MRI CT ECG EKG GERD COPD BMI HbA1c TSH PSA LDL HDL ADHD PTSD OCD IBS NSAID
SSRI ICU ER HTTP API SQL JSON CSS HTML CPU GPU RAM USB PDF CSV GDP ROI KPI SEO FAQ ETA DIY""".split()
EPONYM_HEADS = ("disease", "syndrome", "sign", "criteria", "test", "score", "reflex", "maneuver")
PASSWORD_WORDS = "Summer Winter Dragon Monkey Sunshine Shadow Purple Tiger Coffee Rocket Pepper".split()


def _disease_ontology(limit: int = 600) -> list[str]:
    names = []
    path = SEEDS / "HumanDiseaseOntology" / "DOreports" / "HumanDO.tsv"
    with path.open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            name = r["label"].strip('"')
            if 1 <= len(name.split()) <= 3 and not re.search(r"[\d,()]", name):
                names.append(name)
    return random.Random(5).sample(names, min(limit, len(names)))


def _lines(path: Path) -> list[str]:
    return [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()[1:] if ln.strip()]


def _fixed_order(fk) -> None:
    """Some Faker locales build a word list from a set (it_IT's cities), so its order, and the
    value a seeded choice picks, changed with Python's hash seed: the same --seed built other
    rows in another process. Sorted, a seed rebuilds the same rows."""
    for provider in fk.providers:
        if isinstance(getattr(provider, "cities", None), list):
            provider.cities = sorted(provider.cities)


class Values:
    """Random values of every kind a template slot names (`value(kind)`)."""

    def __init__(self, rng: random.Random, addresses: list[dict] | None = None):
        from faker import Faker

        self.rng = rng
        self.fakers = []
        for i, locale in enumerate(LOCALES):
            fk = Faker(locale)
            fk.seed_instance(rng.randrange(1 << 30) + i)
            _fixed_order(fk)
            self.fakers.append(fk)
        self.us = self.fakers[0]
        self.diseases = _disease_ontology() + LX.COMMON_DISEASES * 6
        raw = SEEDS / "presidio-templates/presidio_evaluator/data_generator/raw_data"
        self.religions = _lines(raw / "religions.csv")
        self.nationalities = _lines(raw / "nationalities.csv")
        self.addresses = addresses or []

    @property
    def fk(self):
        return self.rng.choice(self.fakers)

    def value(self, kind: str) -> str:
        return getattr(self, kind)()

    # --- people --------------------------------------------------------------------------------
    def full(self) -> str:
        fk = self.fk
        return f"{fk.first_name()} {fk.last_name()}"

    def first(self) -> str:
        return self.fk.first_name()

    def last(self) -> str:
        return self.fk.last_name()

    def lower_name(self) -> str:
        return self.rng.choice([self.first(), self.full()]).lower()

    def typo_name(self) -> str:
        return typo(self.full(), self.rng, letters_only=True)

    def titled(self) -> str:
        return f"{self.rng.choice(['Dr.', 'Dr', 'Mr.', 'Mrs.', 'Ms.', 'Ms', 'Prof.', 'Mr'])} {self.last()}"

    def initialled(self) -> str:
        return f"{self.first()[0]}. {self.last()}"

    def username(self) -> str:
        r, first, last = self.rng, _ascii(self.first()).lower(), _ascii(self.last()).lower()
        year = str(r.randint(1965, 2012))
        forms = [f"{first}_{last[:1]}_{year}", f"{first}{last}{r.randint(1, 99)}", f"{first}.{last}",
                 f"{first[:1]}{last}{year[2:]}", f"xx_{first}_xx", f"{first}_{r.choice(NATURE)}",
                 f"the_real_{first}", f"{last}{first[:1]}{r.randint(100, 999)}", self.us.user_name()]
        return r.choice(forms) or "user"

    def handle(self) -> str:
        return "@" + self.username()

    # --- organisations and places ----------------------------------------------------------------
    def company(self) -> str:
        r = self.rng
        made = [lambda: self.fk.company(), lambda: f"{r.choice(NATURE).title()} {r.choice(INDUSTRY)}",
                lambda: f"{self.last()} {r.choice(INDUSTRY)}",
                lambda: f"{r.choice(NATURE).title()}{r.choice(['', ' '])}{r.choice(['Tech', 'Works', 'Labs', 'Hub', 'Group', 'Co'])}"]
        return r.choice(made)()

    def union(self) -> str:
        r = self.rng
        return r.choice([f"{r.choice(TRADES)} Local {r.randint(3, 2999)}",
                         f"{self.fk.city()} Teachers Union", f"United {r.choice(['Steelworkers', 'Auto Workers', 'Farm Workers'])} Local {r.randint(10, 999)}",
                         f"{r.choice(TRADES)} Local {r.randint(10, 999)}{r.choice(['', 'BJ', 'A'])}"])

    def institution(self) -> str:
        r = self.rng
        place = r.choice([self.us.last_name(), self.us.city().split()[-1]])
        name = r.choice([f"{place} County {r.choice(COURTS)}", f"{self.us.city()} {r.choice(COURTS)}"])
        return name.lower() if r.random() < 0.6 else name

    def school(self) -> str:
        fk, r = self.fk, self.rng
        return r.choice([f"the University of {fk.city()}", f"{fk.last_name()} High School",
                         f"{fk.city()} Community College", f"St. {fk.first_name()}'s Academy",
                         f"{fk.last_name()} Elementary", f"{fk.city()} State University"])

    def clinic(self) -> str:
        fk, r = self.fk, self.rng
        return r.choice([f"{fk.city()} General Hospital", f"{fk.last_name()} Memorial Hospital",
                         f"{fk.last_name()} Family Clinic", f"{fk.city()} Medical Center",
                         f"{r.choice(NATURE).title()} Behavioral Health", *LX.CLINICS])

    def org(self) -> str:
        return self.rng.choice([self.company, self.company, self.union, self.institution, self.school, self.clinic])()

    def city(self) -> str:
        return self.fk.city()

    def country(self) -> str:
        return self.us.country()

    def place(self) -> str:
        r = self.rng
        return r.choice([self.city, self.city, self.city, self.country, lambda: self.us.state()])()

    def address(self) -> str:
        r = self.rng
        if self.addresses and r.random() < 0.35:
            return r.choice(self.addresses)["address"]
        fk = self.fk
        street = fk.street_address().replace("\n", ", ")
        return r.choice([street, f"{street}, {fk.city()}", f"{street}, {fk.city()} {fk.postcode()}"])

    def zip(self) -> str:
        return self.fk.postcode()

    # --- dates and ages --------------------------------------------------------------------------
    def date(self) -> str:
        d = self.us.date_between(start_date=FIRST_DAY, end_date=LAST_DAY)
        r = self.rng
        day = d.day
        suffix = "th" if 11 <= day <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
        forms = [f"{d.month}/{day}/{d.year}", f"{day}/{d.month}/{d.year}", d.strftime("%Y-%m-%d"),
                 d.strftime("%B ") + f"{day}, {d.year}", f"{day} " + d.strftime("%B %Y"),
                 d.strftime("%b ") + f"{day} {d.year}", d.strftime("%B ") + f"{day}{suffix}",
                 f"the {day}{suffix} of " + d.strftime("%B"), d.strftime("%d.%m.%Y"),
                 d.strftime("%m-%d-%y"), d.strftime("%Y-%m-%d %H:%M:%S"), d.strftime("%d %b %Y")]
        out = r.choice(forms)
        return out.lower() if r.random() < 0.2 else out

    def timestamp(self) -> str:
        return self.us.date_time_between(start_date=FIRST_DAY, end_date=LAST_DAY).strftime("%Y-%m-%d %H:%M:%S")

    def year(self) -> str:
        return str(self.rng.randint(1940, 2022))

    def age(self) -> str:
        r = self.rng
        n = r.randint(2, 95)
        return r.choice([str(n), str(n), f"{n} years old", f"{n}yo", f"{n} y/o", f"{n} yrs old", f"{n}-year-old",
                         number_words(n)])

    def age_num(self) -> str:
        return str(self.rng.randint(2, 95))

    # --- contact details ---------------------------------------------------------------------
    def email(self) -> str:
        r = self.rng
        first, last = _ascii(self.first()).lower(), _ascii(self.last()).lower()
        domain = r.choice(["gmail.com", "yahoo.com", "outlook.com", "proton.me", "hotmail.co.uk",
                           "icloud.com", "gmx.de", f"{r.choice(NATURE)}{r.choice(['', 'co', 'tech'])}.com",
                           f"{last}law.com", "mail.ru", "yahoo.fr"])
        local = r.choice([f"{first}.{last}", f"{first[0]}{last}", f"{first}{r.randint(1, 99)}", f"{first}_{last[0]}",
                          f"{last}.{first[0]}"])
        return f"{local}@{domain}"

    def email_obfuscated(self) -> str:
        r = self.rng
        email = self.email()
        local, domain = email.split("@")
        at = r.choice([" at ", " [at] ", "(at)", " AT ", " @ ", "@"])
        dot = r.choice([" dot ", " [dot] ", "(dot)", " DOT ", " . "])
        form = r.random()
        if form < 0.35:
            return local.replace(".", dot) + at + domain.replace(".", dot)
        if form < 0.6:  # spaces typed into the domain, letters dropped
            return typo(local, r, letters_only=True) + "@" + _break(domain, r)
        if form < 0.8:
            return local + at + domain.replace(".", dot)
        return email.upper() if r.random() < 0.3 else email.replace("@", " @ ")

    def phone(self) -> str:
        r = self.rng
        number = self.fk.phone_number()
        if r.random() < 0.25:
            number = _space_digits(number, r)
        return number

    def phone_spelled(self) -> str:
        digits = "".join(c for c in self.us.numerify("###-###-####") if c.isdigit())
        r = self.rng
        words = [DIGIT_WORDS[int(d)] for d in digits]
        if r.random() < 0.4:
            words = [d if r.random() < 0.5 else w for d, w in zip(digits, words)]
        return " ".join(words)

    # --- identifiers -------------------------------------------------------------------------
    def ssn(self) -> str:
        r = self.rng
        raw = self.us.ssn()
        return r.choice([raw, raw.replace("-", " "), raw.replace("-", ""), _space_digits(raw, r), _space_digits(raw, r)])

    def id_number(self) -> str:
        r, fk = self.rng, self.us
        forms = [
            lambda: fk.numerify("#########"), lambda: fk.numerify("### ### ###"),
            lambda: fk.bothify("?#######", letters=string.ascii_uppercase),
            lambda: fk.bothify("??#######", letters=string.ascii_uppercase),
            lambda: fk.numerify("####-####-####"), lambda: fk.numerify("#### ####"),
            lambda: fk.numerify("########") + r.choice(string.ascii_uppercase),  # DNI-like
            lambda: r.choice("XYZ") + fk.numerify("#######") + r.choice(string.ascii_uppercase),
            lambda: fk.bothify("?? ## ## ## ?", letters=string.ascii_uppercase),  # NINO-like
            lambda: fk.numerify("#### #### ####"),  # Aadhaar-like
            lambda: fk.bothify("?###-####-####", letters=string.ascii_uppercase),  # licence-like
            lambda: fk.numerify("## ### ### ###"),
            lambda: fk.bothify("??-DL-############", letters="ABCDEFGHIKLMNOPRSTUVWXYZ"),
            lambda: fk.numerify("MRN ########"), lambda: fk.numerify("E-#####"),
        ]
        value = r.choice(forms)()
        return _space_digits(value, r) if r.random() < 0.2 else value

    def iban(self) -> str:
        iban = self.fk.iban() if hasattr(self.fk, "iban") else self.us.iban()
        return " ".join(iban[i:i + 4] for i in range(0, len(iban), 4)) if self.rng.random() < 0.4 else iban

    def account(self) -> str:
        r, fk = self.rng, self.us
        return r.choice([fk.numerify("#" * r.randint(8, 12)), fk.numerify("####-####-##"),
                         fk.numerify("##-##-## ########"), fk.numerify("#### #### ####")])

    def card(self) -> str:
        number = self.us.credit_card_number()
        r = self.rng
        if r.random() < 0.4 and len(number) == 16:
            number = " ".join(number[i:i + 4] for i in range(0, 16, 4))
        return number

    def ip(self) -> str:
        return self.us.ipv4() if self.rng.random() < 0.85 else self.us.ipv6()

    def url(self) -> str:
        r = self.rng
        user = self.username()
        return r.choice([self.us.url() + user, f"linkedin.com/in/{user}", f"https://github.com/{user}",
                         f"https://www.{r.choice(NATURE)}{r.choice(INDUSTRY).lower()}.com", f"instagram.com/{user}"])

    def password(self) -> str:
        r = self.rng
        return r.choice([self.us.password(length=r.randint(8, 14)),
                         f"{r.choice(PASSWORD_WORDS)}{r.randint(1, 2025)}{r.choice('!?#$')}",
                         f"{_ascii(self.first()).lower()}{r.randint(10, 99)}", f"{r.choice(NATURE)}_{r.randint(100, 999)}"])

    def api_key(self) -> str:
        r = self.rng
        alnum = string.ascii_letters + string.digits
        body = lambda n: "".join(r.choice(alnum) for _ in range(n))  # noqa: E731
        return r.choice([f"sk-{body(40)}", f"ghp_{body(36)}", "AKIA" + "".join(r.choice(string.ascii_uppercase + string.digits) for _ in range(16)),
                         f"xoxb-{r.randint(10**10, 10**11)}-{body(24)}", f"AIza{body(35)}"])

    # --- contextual disclosures ------------------------------------------------------------------
    def disease(self) -> str:
        return self.rng.choice(self.diseases)

    def medication(self) -> str:
        return self.rng.choice(LX.MEDICATIONS)

    def treatment(self) -> str:
        return self.rng.choice(LX.TREATMENTS)

    def when_phrase(self) -> str:
        return self.rng.choice(LX.WHEN + ["", "", "yesterday", "in march"])

    def pregnant_phrase(self) -> str:
        return self.rng.choice(["pregnant", "8 weeks pregnant", "expecting twins", "going through IVF"])

    def acronym(self) -> str:
        return self.rng.choice(ACRONYMS)

    def eponym(self) -> str:
        possessive = self.rng.choice(["", "'s"])
        return f"{self.us.last_name()}{possessive} {self.rng.choice(EPONYM_HEADS)}"

    def symptom(self) -> str:
        return self.rng.choice(SYMPTOMS)

    def money(self) -> str:
        r = self.rng
        n = r.choice([r.randint(2, 95) * 1000, r.randint(1, 40) * 100, r.randint(100, 9999)])
        return r.choice([f"${n:,}", f"{n // 1000 or 1}k", f"${n}", f"{n:,} dollars", f"£{n:,}", f"€{n:,}",
                         f"{n // 1000 or 1} grand", f"Rs {n * 10:,}"])

    def income(self) -> str:
        r, m = self.rng, self.money()
        return r.choice([f"{m} a year", f"{m} a month", f"{m} per month", f"{m}/yr", f"{m} after tax", f"{m} an hour"])

    def debt(self) -> str:
        r, m = self.rng, self.money()
        return r.choice([f"{m} in student loans", f"{m} on my credit cards", f"{m} in medical debt",
                         f"{m} to the IRS", f"{m} on our mortgage", f"{m} in back rent", f"{m} in payday loans"])

    def finance_event(self) -> str:
        k, n = self.rng.randint(3, 95), self.rng.randint(2, 180)
        return self.rng.choice(LX.FINANCE).format(k=k, n=n, m=f"{self.rng.choice([800, 1200, 2500, 4800]):,}",
                                                  score=self.rng.randint(480, 620))

    def job(self) -> str:
        return self.rng.choice(LX.WORK + ["a " + j if j[0] not in "aeiou" else "an " + j for j in JOBS_EXTRA])

    def work_event(self) -> str:
        return self.rng.choice(LX.WORK_EVENTS)

    def relationship_event(self) -> str:
        return self.rng.choice(LX.RELATIONSHIP_EVENTS)

    def relative(self) -> str:
        return self.rng.choice(LX.RELATIONSHIP)

    def legal(self) -> str:
        return self.rng.choice(LX.LEGAL)

    def belief(self) -> str:
        r = self.rng
        return r.choice(LX.BELIEF).format(religion=r.choice(self.religions), religion_adj=r.choice(self.religions),
                                          nationality=r.choice(self.nationalities))

    def religion(self) -> str:
        return self.rng.choice(self.religions)

    def nationality(self) -> str:
        return self.rng.choice(self.nationalities)

    def sex(self) -> str:
        return self.rng.choice(["male", "female", "man", "woman", "patient", "boy", "girl"])


def number_words(n: int) -> str:
    tens = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
    teens = "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
    if n < 10:
        return DIGIT_WORDS[n]
    if n < 20:
        return teens[n - 10]
    return tens[n // 10] + ("" if n % 10 == 0 else "-" + DIGIT_WORDS[n % 10])


def typo(value: str, rng: random.Random, letters_only: bool = False) -> str:
    """One keyboard slip: a letter dropped, doubled or two swapped (never the first letter)."""
    positions = [i for i in range(1, len(value)) if value[i].isalpha() or not letters_only]
    if not positions:
        return value
    i = rng.choice(positions)
    kind = rng.random()
    if kind < 0.5:
        return value[:i] + value[i + 1:]
    if kind < 0.75 and i + 1 < len(value) and value[i + 1].isalpha():
        return value[:i] + value[i + 1] + value[i] + value[i + 2:]
    return value[:i] + value[i] + value[i:]


def _space_digits(value: str, rng: random.Random) -> str:
    """"456-12-3456" -> "4 5 6 -1 2 -3 4 5 6" or "456 12 3456": people re-space numbers."""
    if rng.random() < 0.5:
        out = []
        for c in value:
            out.append(c)
            if c.isdigit() and rng.random() < 0.7:
                out.append(" ")
        return re.sub(r"\s+", " ", "".join(out)).strip()
    return re.sub(r"[-.]", rng.choice([" ", "", " -", "- "]), value)


def _break(domain: str, rng: random.Random) -> str:
    """"brightco.com" -> "brig ht co .com": spaces typed inside a domain."""
    i = rng.randrange(1, max(2, len(domain) - 4))
    out = domain[:i] + " " + domain[i:]
    return out.replace(".", rng.choice([" .", ". ", "."]), 1)


def _ascii(name: str) -> str:
    import unicodedata

    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z]", "", folded) or "sam"
