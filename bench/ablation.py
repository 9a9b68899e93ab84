"""The ablation `doppel eval --ablation` adds: fast mode with each of its layers left out, and
each layer alone, so every layer's place in the pipeline is decided by measurement."""
from __future__ import annotations

from bench.systems import DoppelFinder, Unavailable


def ablation_systems() -> list[DoppelFinder]:
    try:
        from detector.pipeline import fast_layers
    except ImportError as e:
        raise Unavailable(f"detector.pipeline cannot be imported ({e})") from e
    layers = fast_layers()
    out = []
    for layer in layers:
        others = [other for other in layers if other is not layer]
        out.append(DoppelFinder("fast", layers=others, name=f"doppel-fast-no-{layer.name}"))
    for layer in layers:
        out.append(DoppelFinder("fast", layers=[layer], name=f"doppel-only-{layer.name}"))
    return out
