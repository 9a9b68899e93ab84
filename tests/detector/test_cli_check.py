"""`doppel check`: the readable table, the JSON format, and --file streaming."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from proxy.cli.check import check

# The command as `doppel` mounts it, on an app of its own so other command modules stay out.
app = typer.Typer()
app.callback()(lambda: None)
app.command()(check)

ROOT = Path(__file__).resolve().parents[2]
DOPPEL = Path(sys.executable).parent / "doppel"
TEXT = "Hi, I am Maria Gonzalez, mail me at maria.gonzalez@gmail.com or call +1 415-555-2671."
KEYS = {"id", "text", "protected", "restored", "mode", "spans", "layers", "timings_ms"}
SPAN_KEYS = {"start", "end", "text", "category", "layer", "source", "confidence", "replacement"}
runner = CliRunner()


def test_json_for_one_text():
    result = runner.invoke(app, ["check", "--json", TEXT])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(record) == KEYS
    assert record["text"] == record["restored"] == TEXT and record["mode"] == "fast"
    assert record["protected"] != TEXT and "Maria" not in record["protected"]
    assert {s["category"] for s in record["spans"]} >= {"PERSON", "EMAIL", "PHONE"}
    for s in record["spans"]:
        assert set(s) == SPAN_KEYS and TEXT[s["start"]:s["end"]] == s["text"]
        assert s["replacement"] in record["protected"]
        assert s["source"] and 0 < s["confidence"] <= 1, "every replacement says why"
    why = {s["category"]: (s["layer"], s["source"]) for s in record["spans"]}
    assert why["EMAIL"] == ("rules", "email/email")
    assert why["PHONE"] == ("rules", "phone/valid")
    assert why["PERSON"][1] in ("model:PERSON", "cue:intro"), why["PERSON"]
    assert record["timings_ms"]["total"] > 0 and "model" in record["timings_ms"]


def test_readable_table():
    result = runner.invoke(app, ["check", TEXT], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "PERSON" in result.stdout and "EMAIL" in result.stdout and "protected:" in result.stdout
    assert "why" in result.stdout and "email/email" in result.stdout and "confidence" in result.stdout
    assert "round trip: ok" in result.stdout


@pytest.mark.parametrize("args, message", [
    (["check"], "either TEXT or --file"),
    (["check", "--mode", "turbo", "x"], "unknown detector mode"),
])
def test_usage_errors(args, message):
    result = runner.invoke(app, args)
    assert result.exit_code != 0
    assert message in result.output


def test_file_needs_json(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": 1, "text": "x"}) + "\n")
    result = runner.invoke(app, ["check", "--file", str(f)])
    assert result.exit_code != 0 and "--json" in result.output


def test_bad_jsonl_line_names_the_line(tmp_path):
    f = tmp_path / "in.jsonl"
    f.write_text(json.dumps({"id": 1, "text": "fine"}) + "\nnot json\n")
    result = runner.invoke(app, ["check", "--json", "--file", str(f)])
    assert result.exit_code != 0 and "line 2" in result.output


def test_console_script_streams_one_line_per_input(tmp_path):
    items = [{"id": "a", "text": TEXT}, {"id": "b", "text": "nothing private at all"},
             {"id": "c", "text": "Ms. Gonzalez was born on 03/15/1985 in Boston 👍"}]
    f = tmp_path / "in.jsonl"
    f.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items), encoding="utf-8")
    proc = subprocess.run([str(DOPPEL), "check", "--json", "--file", str(f)], cwd=ROOT,
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["id"] for r in lines] == ["a", "b", "c"]
    for item, record in zip(items, lines):
        assert set(record) == KEYS and record["restored"] == record["text"] == item["text"]
    assert lines[1]["spans"] == [] and lines[1]["protected"] == items[1]["text"]
    # Nothing but the JSON lines on stdout, and no real value on stderr.
    assert "Gonzalez" not in proc.stderr


@pytest.mark.parametrize("text, category, kept", [
    ("card ４１１１ １１１１ １１１１ １１１１", "CREDIT_CARD", ""),
    ("call me on +1 ４１５ ５５５ ０１３４", "PHONE", "+1 "),
])
def test_values_in_full_width_digits_get_full_width_stand_ins(text, category, kept):
    # Issue #14: the card failed with "no free stand-in", the phone went out under "+6".
    result = runner.invoke(app, ["check", "--json", text])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout.strip().splitlines()[-1])
    [span] = record["spans"]
    assert span["category"] == category and span["layer"] == "rules"
    real, new = span["text"], span["replacement"]
    assert new.startswith(kept) and len(new) == len(real)
    assert [c for c in new if c.isdigit() and c.isascii()] == [c for c in kept if c.isdigit()]
    assert all("\uff10" <= c <= "\uff19" for c in new[len(kept):] if c.isdigit())
    real_groups = real[len(kept):].split()
    assert not any(group in new for group in real_groups if len(group) >= 4)
    assert sum(a == b for a, b in zip(real, new)) < len(real) / 2
    assert record["restored"] == text and record["protected"] == text.replace(real, new)


def test_table_says_a_value_was_read_normalised():
    result = runner.invoke(app, ["check", "call +1 415 5\u200b55 2671 or mail maria@acme-corp.com"],
                           env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "rules (read normalised)" in result.stdout and "round trip: ok" in result.stdout
