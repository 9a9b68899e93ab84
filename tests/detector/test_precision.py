"""The precision stage (detector/precision/) with the real fast Detector: what it leaves alone
(code, public knowledge, nationalities as topics, public links, machine tokens) and what it
must keep (the same names as facts about a person, names in code with a cue)."""
import pytest

from detector.categories import Category as C
from detector.pipeline import Detector, candidate_layers
from detector.precision import PrecisionStage, code, cues
from detector.protect import Protector
from detector.span import Layer, Span
from detector.store import InMemoryStore


# Every layer fast mode could run (spaCy's NER too, which takes more words for names than the
# tagger does): the stage must judge whatever a layer of the ablation finds.
@pytest.fixture(scope="module")
def detector():
    d = Detector("fast", layers=candidate_layers())
    d.warm()
    return d


@pytest.fixture(scope="module")
def unjudged():
    d = Detector("fast", layers=candidate_layers(), precision=False)
    d.warm()
    return d


@pytest.fixture(scope="module")
def shipped():
    """Fast mode as it ships."""
    d = Detector("fast")
    d.warm()
    return d


def found(detector, text: str) -> dict[str, C]:
    return {s.text: s.category for s in detector.find(text)}


# --- code -------------------------------------------------------------------------------------

FLATTENED_CSHARP = ("optimize this: public static Uri GetRedirectUri(HttpResponseMessage response) { var "
                    "location = response.Headers.Location; if (location == null) return null; var requestUri "
                    "= response.RequestMessage.RequestUri; return new Uri(requestUri, location); }")


def test_code_identifiers_are_left_alone(detector, unjudged):
    assert found(unjudged, FLATTENED_CSHARP)  # the layers do take some identifiers for names
    assert found(detector, FLATTENED_CSHARP) == {}


def test_fenced_code_is_a_code_region():
    text = "Why does this fail?\n```python\nclient = Client(base_url)\nprint(client.Warren)\n```\nThanks"
    regions = code.code_regions(text)
    assert regions and code.inside(regions, text.index("client ="), text.index("Warren") + 6)
    assert not code.inside(regions, 0, 3)


def test_prose_with_one_code_word_is_not_code():
    text = "I use Node.js at work and my manager Sarah Connor wants a report on Friday."
    assert code.code_regions(text) == []


def test_a_name_in_code_with_a_cue_stays_protected(detector):
    text = ('Fix this config: {"name": "Maria Gonzalez", "retries": 3, "timeout_ms": 500, '
            '"endpoint": "/api/v1/items", "verbose": true, "cache": {"ttl": 60}}')
    assert found(detector, text).get("Maria Gonzalez") is C.PERSON


def test_a_user_folder_in_a_path_stays_protected(detector):
    text = r"Error at C:\Users\lidorcohen\Desktop\bot\index.js:125:21 at makeError (errors.js:12) at run (main.js:3)"
    spans = found(detector, text)
    assert not spans or all("index.js" not in s for s in spans)


def test_the_same_name_outside_code_keeps_it_in_code(detector):
    text = ("My colleague Priyanka Raghunathan wrote this: def greet(): print('Priyanka Raghunathan') "
            "if ok == True: return None; x = foo.bar(baz)")
    spans = [s for s in detector.find(text) if s.text == "Priyanka Raghunathan"]
    assert len(spans) == 2


@pytest.mark.parametrize("token", [
    'integrity="sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC"',
    "commit 9fceb02d0ae598e95dc970b74767f19372d61af8",
    "request 123e4567-e89b-12d3-a456-426614174000 failed",
    "Upgrade to 2.31.0-rc1 please",
])
def test_machine_tokens_are_never_pieces_of_names(detector, token):
    assert found(detector, token) == {}


def test_a_jwt_is_still_a_secret(detector):
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
    assert found(detector, f"my token is {jwt} and it expired")[jwt] is C.SECRET


def test_identifier_shapes():
    assert code.identifier_at("case HttpStatusCode.Moved: return", 5, 19)
    assert code.identifier_at("set first_name here", 4, 14)
    assert code.identifier_at("call Uri(x) now", 5, 8)
    assert not code.identifier_at("I follow LinkedIn daily", 9, 17)
    assert not code.identifier_at("She moved to Kenya.The end", 13, 18)


# --- public knowledge -------------------------------------------------------------------------

@pytest.mark.parametrize("text, name", [
    ("What is the capital of Australia?", "Australia"),
    ("How did Google make money in its first five years?", "Google"),
    ("Write a poem in the style of William Shakespeare about the sea.", "William Shakespeare"),
    ("What are the main differences between the European Union and NATO?", "NATO"),
])
def test_public_knowledge_as_the_topic_is_left_alone(detector, unjudged, text, name):
    assert name in found(unjudged, text) or any(name in s for s in found(unjudged, text))
    assert not any(name in s for s in found(detector, text))


@pytest.mark.parametrize("text, name", [
    ("I moved to Spain last year and miss my friends.", "Spain"),
    ("My sister works at Google in the ads team.", "Google"),
    ("We are located in Albania and rent out villas.", "Albania"),
    ("Write an application letter for Microsoft for me.", "Microsoft"),
])
def test_public_names_as_facts_about_someone_stay_protected(detector, text, name):
    assert name in found(detector, text)


def test_a_kept_name_is_kept_everywhere(detector):
    text = "I moved to Spain in 2019. Spain has a long coast."
    assert [s.text for s in detector.find(text)].count("Spain") == 2


def test_personal_cues():
    assert cues.personal("I moved to Spain", 11, 16)
    assert cues.personal("my sister works at Google", 19, 25)
    assert not cues.personal("Can I ask about Google fears?", 16, 22)
    assert not cues.personal("Tell me about Italy. I live in Rome.", 14, 19)


# --- groups ------------------------------------------------------------------------------------

def test_a_nationality_as_topic_is_not_a_belief(detector, unjudged):
    text = "Write a short essay comparing Italian and French cuisine."
    assert C.BELIEF_IDENTITY in found(unjudged, text).values()
    assert found(detector, text) == {}


def test_a_nationality_about_someone_is_a_place_fact(detector):
    spans = found(detector, "I am Egyptian and I want to study in Germany.")
    assert spans.get("Egyptian") is C.LOCATION


def test_a_religion_about_someone_stays_a_belief(detector):
    assert found(detector, "I am a Muslim and I fast during Ramadan.").get("Muslim") is C.BELIEF_IDENTITY


def test_foreign_function_words_are_not_beliefs(detector):
    text = "Nous nous engageons à vous accompagner dans leurs concrétisations."
    assert C.BELIEF_IDENTITY not in found(detector, text).values()


# --- rule findings in the wrong shape -----------------------------------------------------------

def test_timestamps_are_not_phones(detector):
    text = "2023-11-28 05:32:21,577 - INFO - HTTP Request: POST /v1/audio \n2023-11-28 15:02:20 crash"
    assert C.PHONE not in found(detector, text).values()


def test_year_ranges_are_not_bank_accounts(detector):
    text = "I worked as Account payable Controller from Feb 2019-2022 at a logistics firm."
    assert C.BANK_ACCOUNT not in found(detector, text).values()


# --- links --------------------------------------------------------------------------------------

def test_public_repository_and_docs_links_are_left_alone(detector):
    text = "Is https://github.com/pallets/flask better than https://docs.djangoproject.com/en/5.0/ for this?"
    assert C.URL not in found(detector, text).values()


def test_a_repository_tied_to_the_user_stays_protected(detector):
    text = "Please review my repo https://github.com/sara-dev42/budget-app before Friday."
    assert found(detector, text).get("https://github.com/sara-dev42/budget-app") is C.URL


def test_a_profile_page_is_not_a_repository(detector):
    assert C.URL in found(detector, "Look at https://github.com/sara-dev42 for examples.").values()


def test_code_keys_are_not_links(detector):
    text = ("labels:\n  app.kubernetes.io/name: web\n  app.kubernetes.io/part-of: shop\n"
            "annotations:\n  nginx.ingress.kubernetes.io/ssl-redirect: 'false'\n")
    assert C.URL not in found(detector, text).values()


# --- strict, and the stage's contract ------------------------------------------------------------

@pytest.mark.parametrize("which", ["detector", "shipped"])
def test_strict_keeps_what_the_stage_would_leave_alone(which, request):
    detector = request.getfixturevalue(which)
    text = "What is the capital of Australia?"
    assert "Australia" not in {s.text for s in detector.find(text)}
    assert "Australia" in {s.text for s in detector.find(text, strict=frozenset({"LOCATION"}))}
    protected = Protector(detector, InMemoryStore(), policy={"LOCATION": "strict"}).protect(text, "s")
    assert "Australia" not in protected.protected
    assert Protector(detector, InMemoryStore()).protect(text, "r").protected == text


def test_the_stage_only_drops_or_recategorises():
    stage = PrecisionStage()
    text = "I live in Spain. Call +1 415-555-2671."
    spans = [Span(10, 15, "Spain", C.LOCATION, Layer.NER, 0.7),
             Span(22, 37, "+1 415-555-2671", C.PHONE, Layer.RULES, 0.95, True)]
    out = stage(text, spans)
    assert out == spans
    explained = stage.explain(text, spans)
    assert [reason for _, _, reason in explained] == ["kept", "kept"]


def test_secrets_are_never_dropped():
    stage = PrecisionStage()
    text = "```\nAPI_KEY = 'sk-proj-a1B2c3D4e5a1B2c3D4e5a1B2c3D4e5'\n```"
    start = text.index("sk-")
    span = Span(start, start + 38, text[start:start + 38], C.SECRET, Layer.RULES, 0.9, True)
    assert stage(text, [span]) == [span]


@pytest.mark.parametrize("text,value,category,kept", [
    ('How do I read this? const d = crypto.createHash("sha256").update(buffer).digest("hex");',
     'crypto.createHash("sha256").update(buffer).digest("hex', C.SECRET, False),
    ("Why does items.sort() return None here?", "items.sort()", C.USERNAME, False),
    ("write to me at jo.smith(at)mail.com please", "jo.smith(at)mail.com", C.EMAIL, True),
    ("my wifi password is P@ss(w0rd) ok", "P@ss(w0rd)", C.SECRET, True)])
def test_a_call_written_as_code_is_no_value_a_model_may_claim(text, value, category, kept):
    """A learned layer guesses structured kinds without a format check: a method call in a
    prose line is code, whatever kind it was taken for; values with parentheses still stand."""
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


@pytest.mark.parametrize("text, value, category, kept", [
    ("My package says delivered but i never got it. Tracking says Tuesday.", "Tuesday", C.ORG, False),
    ("we fly out Mittwoch morning", "Mittwoch", C.LOCATION, False),
    ("my rent is due every September", "September", C.ORG, False),
    ("my sister June lives with me", "June", C.PERSON, True),  # a month is a first name too
    ("a summary of tech news from April 2023", "April", C.PERSON, False),  # ...not before a year
    ("we met on June 3rd", "June", C.PERSON, False),  # ...or a day
    ("April 23 wants to come too", "April", C.PERSON, False),  # a known limit: read as a day
    ("I met Sunita at the gym", "Sunita", C.PERSON, True),
])
def test_a_day_or_month_alone_is_no_name(text, value, category, kept):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.NAMES, 0.3)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


@pytest.mark.parametrize("text, value, category, kept", [
    ("p = 1.004, 95 % CI", "1.004, 95", C.PHONE, False),
    ("zip 00000", "00000", C.PHONE, False),
    ("mail jane_doe1985 at hotmail", "jane_doe1985 at hotmail", C.EMAIL, True),
    ("it is johnATgmailDOTcom", "johnATgmailDOTcom", C.EMAIL, True),
    ("call five five five one two three four", "five five five one two three four", C.PHONE, True),
    ("call 555 1234567", "555 1234567", C.PHONE, True),
    ("card ending 4417", "4417", C.CREDIT_CARD, True),
])
def test_a_learned_kind_needs_what_its_values_hold(text, value, category, kept):
    # The tagger names structured kinds without a format check: an e-mail with no @ or "at",
    # a phone without 7 digits (written or spelled) is no such value.
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


@pytest.mark.parametrize("text, value, category, now", [
    ("I paid Xavier Fox yesterday", "Xavier Fox", C.EMAIL, C.PERSON),  # a name stays protected
    ("my boss at Larkspur Robotics said no", "Larkspur Robotics", C.PHONE, C.ORG),
    ("I asked ChatGPT about it", "ChatGPT", C.EMAIL, None),  # a well-known product: left alone
])
def test_words_a_learned_layer_took_for_a_structured_kind_are_judged_as_names(text, value, category, now):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert [s.category for s in PrecisionStage()(text, [span])] == ([now] if now else [])


@pytest.mark.parametrize("text, name", [
    ("the kid's name is lily-mae and she is in year 2", "lily-mae"),  # jargon-shaped, yet a name
    ("the patient's name is ahmad karimi", "ahmad karimi"),
])
def test_a_name_said_to_be_someones_name_stays_protected(detector, text, name):
    assert name in [s.text for s in detector.find(text)]


@pytest.mark.parametrize("text, value, category, now", [
    ("I'm Ana-Lucía Ferreira-Gómez and I work at a bakery", "Ana-Lucía Ferreira-Gómez", C.HEALTH, C.PERSON),
    ("Maria Kowalczyk owes me money", "Maria Kowalczyk", C.FINANCE, C.PERSON),
    # diseases named after people keep an English word, or are one word
    ("my mother has Guillain-Barré Syndrome", "Guillain-Barré Syndrome", C.HEALTH, C.HEALTH),
    ("my dad has Parkinson's", "Parkinson's", C.HEALTH, C.HEALTH),
    ("I was diagnosed with Major Depressive Disorder", "Major Depressive Disorder", C.HEALTH, C.HEALTH),
])
def test_a_full_name_a_learned_layer_took_for_a_contextual_fact_is_a_person(text, value, category, now):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert [s.category for s in PrecisionStage()(text, [span])] == [now]


@pytest.mark.parametrize("text, value, kept", [
    ("I was charged twice for my subscription this month", "I was charged twice for my subscription", False),
    ("I was admitted on Tuesday and discharged Thursday", "I was admitted on Tuesday", False),
    ("I'm currently using ArtifactoryCE on a different machine", "I'm currently using ArtifactoryCE", False),
    ("I was charged with assault last year", "I was charged with assault", True),
    ("i'm undocumented and scared to go to the clinic", "i'm undocumented", True),
    ("i have a hearing at cook county family court next month", "i have a hearing at cook county family court", True),
])
def test_a_learned_legal_phrase_needs_a_word_of_the_law(text, value, kept):
    start = text.index(value)
    span = Span(start, start + len(value), value, C.LEGAL, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


@pytest.mark.parametrize("text, value, category, kept", [
    ("Explain the difference between HCl and NaCl.", "NaCl", C.ORG, False),
    ("Balance CaCO3 + HCl", "CaCO3", C.ORG, False),
    ("H2SO4 is an acid", "H2SO4", C.PERSON, False),
    ("my friend Coco lives in Lyon", "Coco", C.PERSON, True),  # "Co" then "co": no symbol starts lower-case
    ("I went to high school with him and we both attended CoC", "CoC", C.ORG, True),  # "X of Y" initials
    ("I met Bob at the gym", "Bob", C.PERSON, True),
])
def test_a_chemical_formula_is_no_name(text, value, category, kept):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.NAMES, 0.3)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])


@pytest.mark.parametrize("text, value, category, now", [
    ("My son suffers from epilepsy.", "epilepsy", C.LOCATION, C.HEALTH),
    ("What are the first signs of epilepsy?", "epilepsy", C.LOCATION, None),  # a topic: nobody's
    ("my husband had a miscarriage scare with me", "a miscarriage", C.RELATIONSHIP, C.HEALTH),
    ("we're in foreclosure since May", "foreclosure", C.ORG, C.FINANCE),
    ("my sister works at Foreclosure Solutions", "Foreclosure Solutions", C.ORG, C.ORG),  # a money term in a name
    ("my sister works at the Commission", "Commission", C.ORG, None),  # a body named by its kind alone
])
def test_a_health_or_money_term_is_of_its_kind_whatever_a_layer_read(text, value, category, now):
    start = text.index(value)
    span = Span(start, start + len(value), value, category, Layer.MODEL, 0.75)
    assert [s.category for s in PrecisionStage()(text, [span])] == ([now] if now else [])


def test_a_court_decisions_party_anchors_the_illness(detector):
    text = "The applicant's son, born in 1985, suffers from epilepsy."
    found = {s.text: s.category for s in detector.find(text)}
    assert found.get("1985") is C.DATE  # a year of his life...
    assert found.get("epilepsy") is C.HEALTH  # ...so the illness the tagger read as a town is his illness


@pytest.mark.parametrize("text, name, kept", [
    ("Write a short story about a dragon named Ember.", "Ember", False),
    ("Act as Leo, a sarcastic pirate, and answer my questions.", "Leo", False),
    ("You will act as Leo. Leo must use the language that ChatGPT would not.", "Leo", False),
    ("Write a story about my son named Jake and his dog.", "Jake", True),  # the writer's son
    ("My friend Leo asked me to act as Leo in the play.", "Leo", True),  # a friend plays the part
    ("the installer, a guy named derek, left his card", "derek", True),  # no story, no persona
])
def test_a_persona_or_a_made_up_character_is_nobody(detector, text, name, kept):
    assert (name in [s.text for s in detector.find(text)]) is kept


def test_the_personas_name_anchors_no_one(detector):
    # "ChatGPT" stays: the only person in its sentence is the persona the prompt made up.
    assert detector.find("You will act as Leo. Leo must use the language that ChatGPT would not.") == []


def test_lower_case_everyday_words_are_no_name_in_a_personal_sentence():
    text = "card got charged twice, last 4 are 8812, name on card Tomasz Nowak"
    words = Span(5, 22, "got charged twice", C.PERSON, Layer.MODEL, 0.75)
    name = Span(text.index("Tomasz"), len(text), "Tomasz Nowak", C.PERSON, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [words, name]) == [name]
    lower_name = "it's ines from the 3rd floor"
    ines = Span(5, 9, "ines", C.PERSON, Layer.NAMES, 0.3)
    assert PrecisionStage()(lower_name, [ines]) == [ines]  # a first name, lower-case or not


@pytest.mark.parametrize("text, value, kept", [
    ("The Government did not contest that the applicant suffered from diabetes.", "The Government", False),
    ("The application was lodged with the Commission on 5 July 1995.", "Commission", False),
    ("the Regional Court dismissed my appeal", "Regional Court", False),
    ("the Lublin Regional Court dismissed my appeal", "Lublin Regional Court", True),  # a name in it
    ("my sister works at Brightwell Analytics", "Brightwell Analytics", True),
])
def test_a_body_named_by_its_kind_alone_is_nobody(text, value, kept):
    start = text.index(value)
    span = Span(start, start + len(value), value, C.ORG, Layer.MODEL, 0.75)
    assert PrecisionStage()(text, [span]) == ([span] if kept else [])
