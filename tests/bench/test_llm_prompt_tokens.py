"""bench.llm_prompt_tokens: the real tokenizer and reading rate on real PUPA_New prompts."""
import pytest

from bench import llm_prompt_tokens


@pytest.mark.slow
def test_counts_every_prompt_and_the_budget(capsys):
    llm_prompt_tokens.main(["--rate-n", "1"])
    out = capsys.readouterr().out
    lines = out.strip().splitlines()
    assert lines[0].startswith("reading rate: ") and "3 s reads" in lines[0]
    assert lines[1].startswith("1-100 words: ") and lines[2].startswith("101-400 words: ")


@pytest.mark.slow
def test_compares_cut_and_whole_windows(capsys):
    llm_prompt_tokens.main(["--rate-n", "1", "--compare-cap", "512", "--compare-n", "1"])
    out = capsys.readouterr().out
    assert "windows cut at 512 tokens vs whole" in out
    assert out.count("gold found") == 4 and out.count(": 1 prompts,") == 2


def test_a_longer_text_costs_more_tokens():
    from detector.llm import LLMLayer
    layer = LLMLayer(cache_size=0)
    layer.load(progress=False)
    short = "My sister Anna moved to Lyon."
    assert 0 < llm_prompt_tokens.prompt_tokens(layer, short) < llm_prompt_tokens.prompt_tokens(
        layer, short + " " + "\\x00" * 50)
