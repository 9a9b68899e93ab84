"""asq-phi: 1,051 synthetic clinical queries; 219 are hard negatives with no PHI at all.

Format: blocks "===QUERY===" text "===PHI_TAGS===" then one JSON object per line
{"identifier_type", "value"}; an empty tag block marks a hard negative.
"""
import json
from pathlib import Path

from bench.datasets.example import Example, unique_values
from detector.categories import Category

PATH = "asq-phi/synthetic_clinical_queries.txt"
QUERY_MARK = "===QUERY==="
# HIPAA identifier types -> Doppel's categories. GEOGRAPHIC_LOCATION is mostly hospitals and
# clinics ("Methodist Hospital"), which Doppel may report as ORG or LOCATION: either protects it.
ASQ_TO_CATEGORY: dict[str, Category] = {
    "NAME": Category.PERSON,
    "GEOGRAPHIC_LOCATION": Category.LOCATION,
    "DATE": Category.DATE,
    "MEDICAL_RECORD_NUMBER": Category.ID_NUMBER,
    "HEALTH_PLAN_BENEFICIARY_NUMBER": Category.ID_NUMBER,
    "SOCIAL_SECURITY_NUMBER": Category.ID_NUMBER,
    "UNIQUE_IDENTIFIER": Category.ID_NUMBER,
    "CERTIFICATE_LICENSE_NUMBER": Category.ID_NUMBER,
    "ACCOUNT_NUMBER": Category.BANK_ACCOUNT,
    "PHONE_NUMBER": Category.PHONE,
    "FAX_NUMBER": Category.PHONE,
    "EMAIL_ADDRESS": Category.EMAIL,
    "IP_ADDRESS": Category.IP_ADDRESS,
}
TAGS_MARK = "===PHI_TAGS==="


def parse_asq(raw: str) -> list[Example]:
    examples = []
    for i, block in enumerate(b for b in raw.split(QUERY_MARK) if b.strip()):
        query, _, tags = block.partition(TAGS_MARK)
        tagged = [json.loads(line) for line in tags.splitlines() if line.strip()]
        values, labels = unique_values([t["value"] for t in tagged], [t["identifier_type"] for t in tagged])
        examples.append(Example(id=f"asq-{i}", text=query.strip(), values=values, value_labels=labels,
                                value_categories=tuple(ASQ_TO_CATEGORY.get(l) for l in labels)))
    return examples


def load_asq(data_dir: Path) -> list[Example]:
    return parse_asq((data_dir / PATH).read_text(encoding="utf-8"))
