"""A corpus of replies for measuring attribution (detector/attribution.py): replies written the
way chat models write, each using one conversation's stand-ins either as references to the
person ("Dear Ms. Rowe", "Elena's lease", "elena.rowe") or coincidentally, in another sense
("The Rowe Bridge", "Lake Elena", "rowe" as a word).

Generated from templates, no evaluation data: each persona is a real-looking name (Faker's lists
through detector/standins/name_lists.py, seeded) protected in its own conversation, so its
stand-ins are the ones Doppel would issue; every template is filled with each persona.
Placeholders: {F} first name, {L} surname, {FULL} both, {EMAIL} the e-mail stand-in, {lf}/{ll}
first name / surname in lower case, {UF} first name in capitals. In COINCIDENTAL templates the
name placeholders are not references; in REFERENCES they are. Templates alternate between a
dev half (even positions: for choosing the rule) and a test half (odd positions: for reporting).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass

from detector.categories import Category
from detector.standins import StandInSession, name_lists
from detector.store import InMemoryStore

REFERENCES = [
    "Dear Ms. {L}, thank you for your message.",
    "{F}, here is the summary you asked for.",
    "Hi {F}! Happy to help with the lease.",
    "{F}'s lease ends in March, so notice is due by January.",
    "I'd suggest that {F} contacts the landlord directly.",
    "Mr. {L} confirmed the appointment for Tuesday.",
    "{FULL} is listed as the tenant on the contract.",
    "Please forward this to {EMAIL} before noon.",
    "{L} said the documents are ready for signing.",
    "According to Dr. {L}, the results are normal.",
    'You could write: "Dear {F}, I hope you are well."',
    "Her username is probably {lf}.{ll} on most sites.",
    "Best regards,\n{FULL}",
    "{F} and I will meet on Monday to go through it.",
    "Thanks, {F}.",
    "Ask {F} whether the deposit was returned.",
    "{L}'s contract mentions a notice period of two months.",
    "Reminder for {F}: submit the form by Friday.",
    "I spoke with {F} yesterday about the move.",
    "The letter should be addressed to {FULL}.",
    "Professor {L} will review the thesis next week.",
    "When {F} arrives, give her the spare key.",
    "Good morning {F},\n\nHere is the plan for today.",
    "Mrs {L} called about the invoice.",
    "I think {F} would agree with this approach.",
    "{F}, Monday works for the viewing.",
    "In short, {L} has a strong case here.",
    "The handle {lf}_{ll} is also free on GitHub.",
    "Dear {FULL},",
    "{UF} — PLEASE READ BEFORE SIGNING",
    "Could {F} sign the form before Thursday?",
    "The tenant, {F}, has always paid on time.",
    "Send a copy to {F} as well, just in case.",
    "On {F}'s behalf, I drafted the reply below.",
    "Tell {F} that the keys are at reception.",
    "{F} mentioned that the rent went up again.",
    "Maybe {F} can help with the paperwork?",
    "Your colleague {F} has access to the folder.",
    "Congratulations, {F}! That is great news.",
    "Sincerely,\n{F}",
    "Officer {L} will call you back today.",
    "Nurse {F} will take your blood pressure first.",
    "Agent {L} handles your claim from now on.",
    "Senator {L}'s office replied within a week.",
    "Landlord {L} has not answered yet.",
    "Per {F}: the meeting moved to 3 pm.",
    "Please call Officer {L} back before Friday.",
    "You can ask Nurse {F} for the forms.",
]

COINCIDENTAL = [
    "The {L} Bridge was closed for repairs last week.",
    "Take the bus along {L} Street and get off at the second stop.",
    "We could hike around Lake {F} on Saturday.",
    "{L} Park is a good place for a picnic.",
    "The {L} Foundation funds early-career researchers.",
    "Hurricane {F} made landfall in 2004.",
    "This pattern is known as the {L} effect in psychology.",
    "Patients with {L} syndrome often need physiotherapy.",
    "I booked a room at the {L} Hotel near the station.",
    "The {L} Prize is awarded every two years.",
    "You can {ll} the numbers into one column first.",
    "Add a pinch of {ll} to the sauce.",
    "She studied at {L} University before moving abroad.",
    "Mount {L} is the highest peak in the range.",
    "The {L} method works well for small datasets.",
    "Port {F} has a ferry every hour.",
    "The {L} Museum opens at nine.",
    "Drive past {L} Road and turn left at the lights.",
    "Rename the {ll} variable before you commit.",
    "Saint {F} is celebrated in May.",
    "The {L} Act changed how leases are registered.",
    "We met in the lobby of the {L} Building.",
    "The old {L} Mill has been turned into flats.",
    "Set `{ll}` to true in the config file.",
    "Try the {L} Cafe on the corner.",
    "A {L} is a small boat in some dialects.",
    "Use {ll}.js if you need the older API.",
    "The {F} class of ships entered service in 1990.",
    "{L} Station is two stops away.",
    "New {L} is a small town on the coast.",
    "The {L} Group announced its quarterly results.",
    "Cape {L} has a lighthouse worth a visit.",
    "Tropical Storm {F} weakened overnight.",
    "The {L} scale rates pain from 0 to 10.",
    "Spring is lovely at {L} Gardens.",
    "Camp {F} opens for the summer in June.",
    "{L} Avenue runs parallel to the river.",
    "The {L} Arms serves food until ten.",
    "Fort {L} was built in the 1800s.",
    "The local {L} Bakery sells sourdough.",
    "My favourite author is {F} Ferrante.",
    "The novel was written by Sally {L} in 1998.",
    "{L} Inc. filed for bankruptcy last year.",
    "Grab a coffee at {L}'s Diner after the viewing.",
    "The {L} Tunnel is closed at night.",
    "Actor {F} Russo won the award.",
]


# Written after the rule was chosen on the dev half and the rule was revised once (on what
# the test half showed): nothing was changed for these, so they measure the revised rule.
FRESH_REFERENCES = [
    "As {F} pointed out, the heating has been broken since May.",
    "Before signing, {F} should read clause 4 carefully.",
    "Could you confirm with Ms {L} that the rent is due on the 1st?",
    "{F} {L} will receive the refund by bank transfer.",
    "It was {F} who found the leak first.",
    "Here is a draft you can send to {F}:",
    "Kind regards,\n{F} {L}",
    "If {F} disagrees, she can appeal within 30 days.",
    "{L} is right that the deposit must be protected.",
    "The form needs {F}'s signature on page two.",
    "Let's schedule a call with {F} next week.",
    "Would {F} prefer a phone call or an email?",
    "Write to {EMAIL} with the meter readings.",
    "Judge {L} adjourned the hearing.",
    "{F}: yes, the landlord must give 24 hours' notice.",
    "Both you and {F} are named on the tenancy.",
    "Thank you, Dr. {L}, for the quick reply.",
    "From what {F} described, this is a repair issue.",
    "Please ask Inspector {L} for the report number.",
    "Hello {F} and welcome back!",
]
FRESH_COINCIDENTAL = [
    "The {L} Institute published new guidelines.",
    "Walk down to {L} Lane and you will see the sign.",
    "The ship {F} sank in 1912.",
    "Our office is in the {L} Tower, 12th floor.",
    "The {L} River floods almost every spring.",
    "{L} College offers evening classes.",
    "Storm {F} brought heavy rain to the west coast.",
    "Rent near {L} Square is higher than average.",
    "The {L} principle says to keep it simple.",
    "A band called The {L}s played at the festival.",
    "Look up the {L} Hospital visiting hours.",
    "Lake {L} freezes in winter.",
    "The painting was sold by {F} Gallery in Paris.",
    "Get off the train at {L} Junction.",
    "Type {ll} into the search box to filter the list.",
    "The {L} Report came out in 2019.",
    "San {F} is a small island in the bay.",
    "The novelist {F} Morante wrote it in 1974.",
    "Ride the ferry to {L} Island.",
    "You need the {ll} package for this script.",
]

# A second held-out batch (2026-12-07), written before the rule was revised for the one
# template of FRESH_COINCIDENTAL it got wrong ("The ship {F} sank"): FRESH had then been read,
# so these are what the revised rule is reported on.
FRESH2_REFERENCES = [
    "Your landlord {F} should have sent the inventory by now.",
    "My advice: let {F} handle the negotiation.",
    "The caretaker, {F} {L}, has the spare keys.",
    "{F} has until Friday to reply to the notice.",
    "Regarding {L}'s complaint, the council will reply in writing.",
    "Cc: {FULL}",
    "Is {F} still living at the old address?",
    "Your sister {F} can co-sign if needed.",
    "Once {F} sends the photos, forward them to the agent.",
    "Ms. {L} asked whether the boiler was serviced.",
    "P.S. {F}, don't forget the meter reading.",
    "Sure, {F}. Let me rewrite that paragraph.",
    "{L} and the agency both signed the addendum.",
    "Our neighbour {F} saw the water damage first.",
    "Dear Mr {L},\n\nPlease find attached the invoice.",
    "Your friend {F} is right about the deposit scheme.",
    "When you see {F} tomorrow, mention the new rules.",
    "Captain {L} signed the crew list.",
    "For {F}: the appeal form is on page 3.",
    "The tenants are you and {FULL}.",
]
FRESH2_COINCIDENTAL = [
    "The yacht {F} was moored in the harbour all summer.",
    "The song {F} topped the charts in 1983.",
    "Have you read the novel {F} by Jane Austen?",
    "The {L} Trust owns most of the land here.",
    "Meet me at {L} Plaza at six.",
    "The comet {F} will be visible in March.",
    "Typhoon {F} forced the airport to close.",
    "The {L} Clinic has a walk-in service on Saturdays.",
    "The album {F} was recorded in Memphis.",
    "Check the {L} Library for older editions.",
    "The {L} Stakes is run every June.",
    "The {L} test is used for small samples.",
    "The steamer {F} carried mail between the islands.",
    "Take exit 4 toward {L} Heights.",
    "The {L} Company sold the building in 2010.",
    "She sang the aria from the opera {F}.",
    "Pass the {ll} flag to turn on verbose output.",
    "The {L} Collection is on the second floor.",
    "Operation {F} began at dawn.",
    "{L} County raised its property taxes.",
]


@dataclass(frozen=True)
class Occurrence:
    start: int
    end: int
    form: str        # first | surname | title+surname | full | email | local part | ...
    reference: bool  # True: refers to the person; False: a coincidental use


@dataclass(frozen=True)
class Reply:
    scope: str
    text: str
    occurrences: tuple[Occurrence, ...]
    split: str  # "dev", "test", "fresh" or "fresh2"
    template: int
    reference_template: bool


@dataclass
class Persona:
    scope: str
    first: str
    last: str
    email: str


_PLACEHOLDER = re.compile(r"\{(F|L|FULL|EMAIL|lf|ll|UF)\}")
_TITLE_BEFORE = re.compile(r"(?:Ms|Mr|Mrs|Dr|Professor)\.? \Z")


def personas(store: InMemoryStore, n: int = 40, seed: int = 15) -> list[Persona]:
    """``n`` personas, each protected in a conversation of its own in ``store``; every fifth one
    as a user who wrote the first name in lower case ("my friend sara")."""
    rng = random.Random(seed)
    firsts, lasts = name_lists.first_names("en_US", None), name_lists.surnames("en_US")
    out = []
    for i in range(n):
        first, last = rng.choice(firsts), rng.choice(lasts)
        scope = f"attribution-{i}"
        session = StandInSession(store, scope, "")
        if i % 5 == 4:
            session.standin(first.lower(), Category.PERSON)  # the user's lower-case first name
        full = session.standin(f"{first} {last}", Category.PERSON).split()
        email = session.standin(f"{first.lower()}.{last.lower()}@{last.lower()}-law.com",
                                Category.EMAIL)
        out.append(Persona(scope, full[0], full[-1], email))
    return out


def _fill(template: str, p: Persona, reference: bool) -> tuple[str, list[Occurrence]]:
    values = {"F": p.first, "L": p.last, "FULL": f"{p.first} {p.last}", "EMAIL": p.email,
              "lf": p.first.lower(), "ll": p.last.lower(), "UF": p.first.upper()}
    out, occ, pos = [], [], 0
    for m in _PLACEHOLDER.finditer(template):
        out.append(template[pos:m.start()])
        start = sum(map(len, out))
        value = values[m.group(1)]
        out.append(value)
        kind = m.group(1)
        if kind == "FULL":
            occ.append(Occurrence(start, start + len(p.first), "full", reference))
            s2 = start + len(p.first) + 1
            occ.append(Occurrence(s2, s2 + len(p.last), "full", reference))
        elif kind == "EMAIL":
            occ.append(Occurrence(start, start + len(value), "email", reference))
        elif kind in ("lf", "ll") and ("{lf}" in template and "{ll}" in template):
            occ.append(Occurrence(start, start + len(value), "local part", reference))
        else:
            form = "first" if kind in ("F", "lf", "UF") else "surname"
            if kind == "L" and _TITLE_BEFORE.search("".join(out[:-1])):
                form = "title+surname"
            if kind in ("lf", "ll"):
                form += " (lower case)"
            occ.append(Occurrence(start, start + len(value), form, reference))
        pos = m.end()
    out.append(template[pos:])
    return "".join(out), occ


def corpus(n_personas: int = 40) -> tuple[InMemoryStore, list[Reply]]:
    store = InMemoryStore()
    replies = []
    for p in personas(store, n_personas):
        for reference, templates, fresh in ((True, REFERENCES, ""), (False, COINCIDENTAL, ""),
                                            (True, FRESH_REFERENCES, "fresh"),
                                            (False, FRESH_COINCIDENTAL, "fresh"),
                                            (True, FRESH2_REFERENCES, "fresh2"),
                                            (False, FRESH2_COINCIDENTAL, "fresh2")):
            for i, template in enumerate(templates):
                text, occ = _fill(template, p, reference)
                split = fresh or ("dev" if i % 2 == 0 else "test")
                replies.append(Reply(p.scope, text, tuple(occ), split, i, reference))
    return store, replies
