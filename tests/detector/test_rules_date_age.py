"""DATE and AGE rules (detector/rules/date.py, age.py): full dates and ages said of someone;
bare years, versions, impossible days, textbook cases and ranges are left alone."""
import pytest

from detector.categories import Category
from detector.rules.age import AgeRecognizer
from detector.rules.date import DateRecognizer
from detector.standins import StandInSession
from detector.store import InMemoryStore
from tests.detector.rules_helpers import values, validated

DATES = DateRecognizer()
AGES = AgeRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("It's like that since 6/16/1975", ["6/16/1975"]),
    ("born on 3.12.90 in Lyon", ["3.12.90"]),
    ("When: 1971-09-07 22:49:16 Where: the club", ["1971-09-07 22:49:16"]),
    ("logged at 2024-01-02T10:11:12Z", ["2024-01-02T10:11:12Z"]),
    ("I was born on March 3rd, 1990 in Ohio", ["March 3rd, 1990"]),
    ("the hearing is on the 3rd of May", ["3rd of May"]),
    ("see you Sept 14", ["Sept 14"]),
    ("they moved in 1998", []),  # a bare year, nobody's in particular (see personal years below)
    ("Python 3.11.12 is out", []),
    ("upgrade to v2.10.12", []),
    ("On 13/13/2020 nothing happened", []),  # no such day
    ("you may 5 times", []),
    ("the 2019-2022 budget", []),
    ("ip 10.0.0.1", []),
])
def test_full_dates(text, expected):
    assert values(DATES, text) == expected


@pytest.mark.parametrize("text, expected", [
    ("we moved in 1998", ["1998"]),
    ("I moved to Leeds in 2015 and worked at the hospital from 2016 to 2019.", ["2015", "2016 to 2019"]),
    ("i was diagnosed back in March 2021 and we got married in 2010", ["March 2021", "2010"]),
    ("The applicant, a Turkish national, was born in 1962 and lives in Diyarbakır.", ["1962"]),
    ("In 1998 the applicant's brother was dismissed from his post.", ["1998"]),
    ("In the summer of 2001 the applicant moved to Izmir.", ["2001"]),
    ("Her son, born 1985, lives with us.", ["1985"]),  # "born" dates a life wherever it stands
])
def test_a_year_that_dates_someones_life(text, expected):
    assert values(DATES, text) == expected


@pytest.mark.parametrize("text", [
    "What happened in 1989 in Berlin?",
    "The Civil Rights Act of 1964 protects individuals from discrimination.",
    "a 60-year-old male diagnosed with diabetes in 2020, who has an elevated Framingham score?",
    "He was diagnosed back in 2021.",  # a vignette's "he": asq-phi's PII-free questions
    "How should I treat a 50-year-old male with chronic PTSD who was diagnosed in 2015?",  # the patient's
    "For the back-testing results discussed below, we are testing with 2 years of historical data from 2020-2022.",
    "Collection of interesting tech stories from April 2023 that you probably missed, we think.",
    "The company was founded in 1977 and went public in 1999.",
    "Sales in the US grew in 2022 compared to 2021.",
    "I need a summary of tech news from April 2023.",  # what the writer asks about
    "Can I use the guidelines from 2022 for my patient?",
    "I was born in the 1990s",  # a decade
    "for i in range(2015, 2020): print(i)",
])
def test_a_year_of_history_or_of_nobody_in_particular(text):
    assert values(DATES, text) == []


def test_bare_years_of_a_conversation_move_together():
    session = StandInSession(InMemoryStore(), "years", "")
    born, moved, worked = (session.standin(v, Category.DATE) for v in ("1962", "1996", "2016 to 2019"))
    shift = int(born) - 1962
    assert shift != 0 and int(moved) - 1996 == shift  # the years between stay true
    assert worked == f"{2016 + shift} to {2019 + shift}"
    again = StandInSession(InMemoryStore(), "years", "")  # the shift comes from the scope
    assert again.standin("1996", Category.DATE) == moved


def test_a_real_calendar_day_is_validated():
    assert validated(DATES, "on 29/02/2024 and 1990-03-12") == {"29/02/2024": True, "1990-03-12": True}


@pytest.mark.parametrize("text, age", [
    ("Patient is a 84-year-old male with a history", "84"),
    ("Mr. Manning is a 85 year old man", "85"),
    ("This 61 year old female complaining of pain", "61"),
    ("My father retired at the age of 72", "72"),
    ("Written when he was 64.", "64"),
    ("my son is 7 yo", "7"),
    ("I'm 34 years old", "34"),
    ("I'm a 34-year-old woman", "34"),
    ("As a 34-year-old woman, I worry", "34"),
    ("my dad, a 70-year-old, fell", "70"),
    ("Mr. Jones, age 68, came in", "68"),
    ("I turned 40 last week", "40"),
    ("my 5-year-old daughter", "5"),
])
def test_ages_said_of_someone(text, age):
    assert values(AGES, text) == [age]


@pytest.mark.parametrize("text", [
    "What are side effects for a 65-year-old male with GERD?",
    "Effectiveness of a new agent for 34-year-old male patients",
    "Management of hypertension in an obese 52-year-old male",
    "Best practices for managing a male patient, age 68, with a high risk score",
    "Treatment for a patient with bipolar disorder aged 34, considering lithium",
    "children under 5 years old",
    "patients over 70 years old",
    "she is around 20-25 years old",
    "53 participants aged 18 to 45",
    "a 300 years old castle",  # no one lives that long
])
def test_ages_of_nobody_in_particular(text):
    assert values(AGES, text) == []


def test_a_timestamp_keeps_its_time_and_moves_its_day():
    session = StandInSession(InMemoryStore(), "dates", "")
    out = session.standin("1971-09-07 22:49:16", Category.DATE)
    assert out.endswith(" 22:49:16") and out[:10] != "1971-09-07"
    iso = session.standin("1971-09-07T22:49:16Z", Category.DATE)
    assert iso.endswith("T22:49:16Z") and iso[:10] != "1971-09-07"


@pytest.mark.parametrize("text, kept", [
    ("When: 1971-09-07 22:49:16 Where: the club", ["1971-09-07 22:49:16"]),
    ("I was born on 12/03/1990, my dad at the age of 41", ["12/03/1990", "41"]),
    ("Started: Mon, 04 Mar 2024 10:21:33 +0000 Finished: Mon", []),  # kubectl
    ("Date:   Tue Mar 5 14:12:09 2024 +0100\n\n    Merge pull request", []),  # a commit header
    ("2024-02-11 08:15:02,114 INFO started\n2024-02-11 08:15:07,530 WARN SQL Error", []),  # a log
    ("SELECT * FROM orders o\nWHERE o.CreatedAt >= '2023-01-01'\nGROUP BY o.OrderId;", []),
    # a post's own time, with its half of the day or its zone: the whole of it
    ("Location: NT   Timestamp: 2023-10-09 07:20 PM   Interesting viewpoint", ["2023-10-09 07:20 PM"]),
    ("Name: Asha | Timestamp: 2023-10-05 10:22 IST Great piece!", ["2023-10-05 10:22 IST"]),
    ("Username: Bimala  \nLocation: Chennai  \nDate: 2023-09-05  \nHad dinner.", ["2023-09-05"]),
])
def test_the_precision_stage_leaves_machine_dates_alone(fast_detector, text, kept):
    assert [s.text for s in fast_detector.find(text) if s.category in (Category.DATE, Category.AGE)] == kept


@pytest.fixture(scope="module")
def fast_detector():
    from detector.pipeline import Detector
    return Detector("fast")


def test_a_date_field_of_a_record_is_kept(fast_detector):
    text = "When: 1984-04-27 15:25:53\nWhere: Beerze Country Club."
    assert [s.text for s in fast_detector.find(text) if s.category is Category.DATE] == ["1984-04-27 15:25:53"]
