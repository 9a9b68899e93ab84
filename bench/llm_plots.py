"""Plots for docs/llm-evaluation.md (matplotlib, headless)."""
from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display here, and none needed
import matplotlib.pyplot as plt  # noqa: E402


def plot_recall_latency(runs, out: Path) -> None:
    """Phrase recall against p95 latency per query, one point per system and data set."""
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), sharey=True)
    for ax, dataset in zip(axes, ("PUPA_New", "PrivacyAnnotation")):
        for r in (r for r in runs if r.dataset == dataset):
            ax.scatter(max(r.p95_ms, 1), r.r * 100, s=60)
            ax.annotate(f"{r.system}\nF1 {r.f1 * 100:.1f}", (max(r.p95_ms, 1), r.r * 100),
                        textcoords="offset points", xytext=(6, 4), fontsize=8)
        ax.set_xscale("log")
        ax.set_ylim(-3, 105)
        ax.set_xlabel("p95 latency per query (ms, log scale)")
        ax.set_title(f"{dataset} (n={next((r.n for r in runs if r.dataset == dataset), 0)})")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("phrase recall (%)")
    fig.suptitle("Recall vs latency per system (seed paper's phrase match)")
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)


def plot_category_recall(runs, out: Path) -> None:
    """Recall per gold category, grouped by category, one bar per system."""
    datasets = [d for d in ("PrivacyAnnotation", "PUPA_New") if any(r.dataset == d for r in runs)]
    fig, axes = plt.subplots(len(datasets), 1, figsize=(11, 4 * len(datasets)))
    axes = axes if len(datasets) > 1 else [axes]
    for ax, dataset in zip(axes, datasets):
        rs = [r for r in runs if r.dataset == dataset]
        cats = sorted({c for r in rs for c in r.cat_recall})
        width = 0.8 / max(1, len(rs))
        for i, r in enumerate(rs):
            vals = [100 * r.cat_recall[c][0] / r.cat_recall[c][1] if c in r.cat_recall and r.cat_recall[c][1] else 0
                    for c in cats]
            ax.bar([j + i * width for j in range(len(cats))], vals, width, label=r.system)
        totals = [max((r.cat_recall.get(c, (0, 0))[1] for r in rs), default=0) for c in cats]
        ax.set_xticks([j + width * (len(rs) - 1) / 2 for j in range(len(cats))])
        ax.set_xticklabels([f"{c}\n(n={t})" for c, t in zip(cats, totals)], fontsize=8)
        ax.set_ylabel("recall (%)")
        ax.set_ylim(0, 100)
        ax.set_title(f"{dataset}: recall per gold category")
        ax.legend(fontsize=8, ncol=3)
        ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=110)
    plt.close(fig)
