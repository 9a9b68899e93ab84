"""Stand-in ("faux") values: realistic, same-format, consistent per conversation.

One module per family (persons, emails, phones, cards, banking, ids, network, keys, addresses,
places, orgs, dates, contextual); `StandInSession` looks each part up in the MappingStore and
generates only what is missing, seeded from sha256(scope + key).
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
