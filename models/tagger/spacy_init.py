"""spaCy callbacks for the tagger's config (`spacy train --code models/tagger/spacy_init.py`).

doppel.copy_sm_tok2vec.v1: after the NER is initialised with our labels, its tok2vec (hash
embeddings + CNN) takes en_core_web_sm's NER tok2vec weights; only the transition layers above
it start from scratch. A shallower CNN than the donor's (fewer encoder blocks, for speed) takes
the donor's first blocks: weights are matched layer by layer in order, by name and shape.
"""
from __future__ import annotations

import spacy


def _weighted(model) -> list:
    return [node for node in model.walk() if any(node.has_param(p) for p in node.param_names)]


def _shapes(node) -> tuple:
    return (node.name,) + tuple((p, node.get_param(p).shape) for p in node.param_names if node.has_param(p))


def copy_weights(ours, theirs) -> int:
    """Each weighted layer of ``ours`` takes the next layer of ``theirs`` with the same name and
    shapes (walk order: embeddings, then encoder blocks in order). Raises if one finds none,
    so a config that drifts from the donor's sizes fails loudly instead of training from
    scratch. Returns how many donor layers went unused (deeper blocks)."""
    donors = _weighted(theirs)
    i = 0
    for node in _weighted(ours):
        want = _shapes(node)
        while i < len(donors) and _shapes(donors[i]) != want:
            i += 1
        if i == len(donors):
            raise ValueError(f"no donor layer for {want}: the tagger's tok2vec no longer fits en_core_web_sm's")
        donor = donors[i]
        for p in node.param_names:
            if donor.has_param(p):
                node.set_param(p, donor.get_param(p).copy())
        if "seed" in donor.attrs:  # hash embeddings: the same rows only under the same seed
            node.attrs["seed"] = donor.attrs["seed"]
        i += 1
    return len(donors) - i


@spacy.registry.callbacks("doppel.copy_sm_tok2vec.v1")
def copy_sm_tok2vec(source: str):
    def after_init(nlp):
        donor = spacy.load(source, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
        theirs = donor.get_pipe("ner").model.get_ref("tok2vec")
        ours = nlp.get_pipe("ner").model.get_ref("tok2vec")
        copy_weights(ours, theirs)
        # The donor's lexeme norms ("n't" -> "not") are what its NORM embeddings were trained on.
        if donor.vocab.lookups.has_table("lexeme_norm"):
            nlp.vocab.lookups.set_table("lexeme_norm", donor.vocab.lookups.get_table("lexeme_norm"))
        return nlp

    return after_init
