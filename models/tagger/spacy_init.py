"""spaCy callbacks for the tagger's config (`spacy train --code models/tagger/spacy_init.py`).

doppel.copy_sm_tok2vec.v1: after the NER is initialised with our labels, its tok2vec (hash
embeddings + CNN) takes en_core_web_sm's NER tok2vec weights, the same architecture and sizes;
only the transition layers above it start from scratch.
"""
from __future__ import annotations

import spacy


@spacy.registry.callbacks("doppel.copy_sm_tok2vec.v1")
def copy_sm_tok2vec(source: str):
    def after_init(nlp):
        donor = spacy.load(source, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
        theirs = donor.get_pipe("ner").model.get_ref("tok2vec")
        ours = nlp.get_pipe("ner").model.get_ref("tok2vec")
        ours.from_bytes(theirs.to_bytes())
        # The donor's lexeme norms ("n't" -> "not") are what its NORM embeddings were trained on.
        if donor.vocab.lookups.has_table("lexeme_norm"):
            nlp.vocab.lookups.set_table("lexeme_norm", donor.vocab.lookups.get_table("lexeme_norm"))
        return nlp

    return after_init
