"""The ablation `doppel eval --ablation` adds: fast mode with each of its layers left out, each
candidate layer it does not run added (spaCy's NER), and each layer alone, so every layer's
place in the pipeline is decided by measurement."""
from __future__ import annotations

from bench.systems import DoppelFinder, Unavailable


def ablation_systems() -> list[DoppelFinder]:
    try:
        from detector.pipeline import candidate_layers, fast_layers
    except ImportError as e:
        raise Unavailable(f"detector.pipeline cannot be imported ({e})") from e
    fast = [layer.name for layer in fast_layers()]
    layers = candidate_layers()
    chosen = [layer for layer in layers if layer.name in fast]
    out = []
    for layer in layers:
        if layer.name in fast:
            others = [other for other in chosen if other is not layer]
            out.append(DoppelFinder("fast", layers=others, name=f"doppel-fast-no-{layer.name}"))
        else:
            out.append(DoppelFinder("fast", layers=[*chosen, layer], name=f"doppel-fast-plus-{layer.name}"))
    for layer in layers:
        out.append(DoppelFinder("fast", layers=[layer], name=f"doppel-only-{layer.name}"))
    return out
