"""Names spaCy misses: lower-case chat names, unknown capitalised words, the lexicons."""
