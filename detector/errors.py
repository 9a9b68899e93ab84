"""Errors the caller can act on. The proxy fails closed on every DetectionError."""


class DetectionError(RuntimeError):
    """A detector layer failed: the text was NOT checked (never read this as 'no PII')."""

    def __init__(self, layer: str, reason: str):
        super().__init__(f"detector layer '{layer}' failed: {reason}")
        self.layer = layer
        self.reason = reason


class BlockedByPolicy(RuntimeError):
    """The user's policy says a category must never leave the machine."""

    def __init__(self, category: str):
        super().__init__(f"the text contains {category} and your policy blocks that category")
        self.category = category
