"""The privacy tagger: training data, training (spaCy CNN and MiniLM backbones), export.

The runtime layer that runs the shipped model is detector/tagger/; this package only builds it.
"""
