"""PrivacyAnnotation (the seed paper's sample): 10 ShareGPT dialogues, 30 user queries.

Each turn's privacy.phrase lists the privacy phrases of that user query, verbatim.
"""
import json
from pathlib import Path

from bench.datasets.example import Example, unique_values

PATH = "PrivacyAnnotation/privacy_data_shareGPT_privacy_phrase_finegrained_merge_phrase_final.json"


def load_privacyannotation(data_dir: Path) -> list[Example]:
    dialogues = json.loads((data_dir / PATH).read_text(encoding="utf-8"))
    examples = []
    for dialogue in dialogues:
        for turn_no, turn in enumerate(dialogue["conversation"]):
            phrases = (turn.get("privacy") or {}).get("phrase") or []
            values, _ = unique_values(phrases)
            examples.append(Example(id=f"{dialogue['id']}-{turn_no}", text=turn["user"], values=values))
    return examples
