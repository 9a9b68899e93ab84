"""spaCy's NER pipe without the moves of labels the NER layer throws away.

spaCy's transition loop checks every move's validity for every token, so its cost grows with
the number of moves:
4 per label (begin, in, last, unit) plus 2. The layer keeps none of money, percentages,
quantities, ordinals or times; without their 20 moves (74 -> 54) the greedy loop took 15 %
less CPU at p95 on the 200-word benchmark prompts (spaCy 3.8.18). Removing a move can change the decision
where it would have won: on 751 shared texts (PUPA, synth, asq-phi, SPIA) the kept spans
were identical on 749. Dropping CARDINAL, LANGUAGE, PRODUCT, WORK_OF_ART, EVENT and LAW as
well changed 36 of the 751 ("English" became a nationality, software names places), so they stay.
"""
from __future__ import annotations

import copy
from collections import Counter

DROPPED_LABELS = frozenset({"MONEY", "PERCENT", "QUANTITY", "ORDINAL", "TIME"})


def without_labels(ner, dropped=DROPPED_LABELS):
    """A new EntityRecognizer sharing `ner`'s vocabulary, with its own copy of the model whose
    output layer keeps only the rows of the remaining moves. `ner` itself is left unchanged."""
    from spacy.pipeline._parser_internals.ner import BiluoPushDown
    from spacy.pipeline.ner import EntityRecognizer
    from thinc.api import Linear

    labels = {action: Counter({label: freq for label, freq in counts.items() if label not in dropped})
              for action, counts in ner.moves.labels.items()}
    moves = BiluoPushDown(ner.vocab.strings, labels)
    old_names = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
    rows = [old_names.index(moves.get_class_name(i)) for i in range(moves.n_moves)]
    model = copy.deepcopy(ner.model)  # thinc's Model.copy() loses the named refs the parser needs
    upper = model.get_ref("upper")
    # A fresh output layer: thinc will not shrink the dimension of one that holds weights.
    smaller = Linear(nO=len(rows), nI=upper.get_dim("nI"))
    smaller.set_param("W", upper.get_param("W")[rows].copy())
    smaller.set_param("b", upper.get_param("b")[rows].copy())
    smaller.ops = upper.ops
    model.layers[model.layers.index(upper)] = smaller
    model.set_ref("upper", smaller)
    model.attrs["unseen_classes"] = {rows.index(c) for c in model.attrs.get("unseen_classes", ()) if c in rows}
    return EntityRecognizer(ner.vocab, model, ner.name, moves)
