"""Gemini web (gemini.google.com): f.req turns and Google's length-prefixed frames."""
