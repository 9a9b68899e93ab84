"""The NER layer: spaCy's small English model and the gate that picks where it reads."""
