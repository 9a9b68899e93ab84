"""Prompt building for `doppel bench`, and the optional vault/proxy benchmarks' hook."""
import pytest

from bench.speed import build_prompts, peak_rss_mb, run_optional, word_stream


def test_prompts_have_exact_lengths_and_are_distinct():
    words = [f"w{i}" for i in range(1000)]
    prompts = build_prompts(words, sizes=(5, 50), counts={5: 4, 50: 3}, warmup=1)
    for size, (warm, measured) in prompts.items():
        assert len(warm) == 1 and len(measured) == {5: 4, 50: 3}[size]
        assert all(len(p.split()) == size for p in warm + measured)
    every = [p for warm, measured in prompts.values() for p in warm + measured]
    assert len(set(every)) == len(every)


def test_too_few_words_is_an_error():
    with pytest.raises(ValueError, match="words"):
        build_prompts(["a"] * 10, sizes=(20,), counts={20: 1}, warmup=0)


def test_real_data_is_enough_for_the_default_prompts(shared_data):
    words = word_stream(shared_data)
    prompts = build_prompts(words)
    assert [len(m) for _, m in prompts.values()] == [60, 40, 10]
    assert word_stream(shared_data) == words  # same seed, same prompts


def test_peak_rss_is_plausible():
    assert 10 < peak_rss_mb() < 64 * 1024


def test_optional_benchmark_returns_its_figures():
    figures = run_optional("restore_bench")
    stream = figures["stream_restore"]
    assert stream["mappings"] >= 50 and stream["chunks"] > 1000
    assert stream["ms_per_chunk_median"] > 0
    assert set(figures["standin_ms"]) >= {"PERSON", "EMAIL", "PHONE", "CREDIT_CARD"}
