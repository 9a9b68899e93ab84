"""Stand-ins: realistic, same-format values, consistent per conversation.

One module per category, named like the rule module that finds it (detector/rules/<name>.py):
  address, bank_account, credit_card, email, id_number, ip_address, phone, secret, url, username;
and the categories the NER, names and LLM layers find:
  person, org, location, date, contextual (HEALTH, FINANCE, RELATIONSHIP, WORK, BELIEF_IDENTITY,
  LEGAL).
What they share: engine (`StandInSession` looks each part up in the MappingStore and generates
only what is missing, seeded from sha256(scope + key): seed), families (which module serves which
category), part, shape (same-shape values), casing, collisions (when a candidate may not be used),
name_lists (Faker's names by locale), geo (towns, countries, US states), domains (shared by email
and url), lexicons (the contextual terms). The format facts they keep (card IINs, IBAN shapes,
phone regions, postcodes, key prefixes, ID validators) are the rules' too: detector/formats.py.
"""
from detector.standins.engine import StandInSession


def warm() -> None:
    """Load the name lists, place lists and case tables now, so the first stand-in is fast."""
    from detector.standins import geo, name_lists
    from detector.restore import Restorer
    from detector.store import Mapping

    name_lists.index()
    geo.countries()
    geo.towns("US")
    Restorer([Mapping("a", "b", "PERSON")]).restore("b")


__all__ = ["StandInSession", "warm"]
