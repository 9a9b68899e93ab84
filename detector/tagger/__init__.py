"""The tagger layer: Doppel's own token-classification model (models/tagger/ builds it)."""
