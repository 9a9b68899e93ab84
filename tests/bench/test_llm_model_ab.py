"""bench.llm_model_ab: two real models side by side on real prompts (one prompt per bucket)."""
import pytest

from bench import llm_model_ab
from models.catalog import load_catalog


@pytest.mark.slow
def test_compares_the_default_model_with_its_source(capsys):
    default = load_catalog().model()
    llm_model_ab.main(["--n", "1", "--timeout", "60"])
    out = capsys.readouterr().out
    assert f"A = {default.name}, B = {default.derive_from}" in out
    assert out.count("same spans") == 2 and out.count("ms/token  answer tokens") == 4 and out.count("A/B: p50") == 2
