"""presidio-research synth_dataset_v2.json: 1,500 templated sentences with typed spans."""
import json
from pathlib import Path

from bench.datasets.example import Example, GoldSpan, unique_values
from detector.categories import Category

PATH = "presidio-research/synth_dataset_v2.json"

# Presidio's 17 entity types -> Doppel's categories. None: Doppel has no category for it
# (a courtesy title alone does not identify anyone); it still counts as a gold value.
SYNTH_TO_CATEGORY: dict[str, Category | None] = {
    "PERSON": Category.PERSON,
    "STREET_ADDRESS": Category.ADDRESS,
    "ZIP_CODE": Category.ADDRESS,
    "GPE": Category.LOCATION,
    "ORGANIZATION": Category.ORG,
    "CREDIT_CARD": Category.CREDIT_CARD,
    "DATE_TIME": Category.DATE,
    "PHONE_NUMBER": Category.PHONE,
    "EMAIL_ADDRESS": Category.EMAIL,
    "DOMAIN_NAME": Category.URL,
    "IBAN_CODE": Category.BANK_ACCOUNT,
    "US_SSN": Category.ID_NUMBER,
    "US_DRIVER_LICENSE": Category.ID_NUMBER,
    "IP_ADDRESS": Category.IP_ADDRESS,
    "NRP": Category.BELIEF_IDENTITY,
    "TITLE": None,
    "AGE": Category.AGE,
}


def load_synth(data_dir: Path) -> list[Example]:
    rows = json.loads((data_dir / PATH).read_text(encoding="utf-8"))
    examples = []
    for i, row in enumerate(rows):
        spans = tuple(
            GoldSpan(s["start_position"], s["end_position"], s["entity_type"],
                     SYNTH_TO_CATEGORY.get(s["entity_type"]))
            for s in sorted(row["spans"], key=lambda s: s["start_position"])
        )
        text = row["full_text"]
        values, labels = unique_values([text[s.start:s.end] for s in spans], [s.label for s in spans])
        examples.append(Example(id=f"synth-{i}", text=text, values=values, spans=spans,
                                value_labels=labels))
    return examples
