"""The official openai and anthropic SDKs pointed at Doppel in reverse mode."""
from __future__ import annotations

import json

import anthropic
import openai
import pytest

from tests.e2e.conftest import PROMPT, assert_no_gold


def want(upstream) -> str:
    return upstream.template.format(text=PROMPT)


@pytest.fixture
def oai(doppel):
    return openai.AsyncOpenAI(base_url=doppel.url + "/v1", api_key="sk-test-key", max_retries=0)


@pytest.fixture
def claude(doppel):
    return anthropic.AsyncAnthropic(base_url=doppel.url, api_key="sk-ant-test", max_retries=0)


async def test_openai_chat_non_streamed(oai, upstream):
    upstream.tool = True
    r = await oai.chat.completions.create(model="m", messages=[{"role": "user", "content": PROMPT}])
    assert r.choices[0].message.content == want(upstream)
    assert json.loads(r.choices[0].message.tool_calls[0].function.arguments)["query"] == want(upstream)
    assert_no_gold(upstream.seen_text())


async def test_openai_chat_streamed(oai, upstream):
    upstream.tool = True
    stream = await oai.chat.completions.create(
        model="m", stream=True, messages=[{"role": "user", "content": [{"type": "text", "text": PROMPT}]}])
    text, args = "", ""
    async for chunk in stream:
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for call in choice.delta.tool_calls or []:
                args += call.function.arguments or ""
    assert text == want(upstream)
    assert json.loads(args)["query"] == want(upstream)
    assert_no_gold(upstream.seen_text())


async def test_openai_chat_resent_history_keeps_one_scope(oai, upstream, doppel):
    """Turn 2 resends turn 1 (with the restored reply): same stand-ins, same scope."""
    first = await oai.chat.completions.create(model="m", messages=[{"role": "user", "content": PROMPT}])
    reply = first.choices[0].message.content
    second = await oai.chat.completions.create(model="m", messages=[
        {"role": "user", "content": PROMPT}, {"role": "assistant", "content": reply},
        {"role": "user", "content": "Thanks Maria Gonzalez!"}])
    assert second.choices[0].message.content == "You said: Thanks Maria Gonzalez! Noted, Thanks Maria Gonzalez!!"
    assert_no_gold(upstream.seen_text())
    bodies = [json.loads(r.body) for r in upstream.seen]
    assert bodies[0]["messages"][0] == bodies[1]["messages"][0]  # identical protected turn 1


async def test_openai_responses_streamed_helper(oai, upstream):
    upstream.tool = True
    async with oai.responses.stream(model="m", input=PROMPT) as stream:
        deltas = ""
        async for event in stream:
            if event.type == "response.output_text.delta":
                deltas += event.delta
        final = await stream.get_final_response()
    assert deltas == want(upstream)
    assert final.output_text == want(upstream)
    calls = [i for i in final.output if i.type == "function_call"]
    assert json.loads(calls[0].arguments)["query"] == want(upstream)
    assert_no_gold(upstream.seen_text())


async def test_openai_responses_non_streamed(oai, upstream):
    r = await oai.responses.create(model="m", input=[
        {"role": "user", "content": [{"type": "input_text", "text": PROMPT}]}])
    assert r.output_text == want(upstream)
    assert_no_gold(upstream.seen_text())


async def test_anthropic_non_streamed(claude, upstream):
    upstream.tool = True
    m = await claude.messages.create(model="m", max_tokens=64, system="Be brief.",
                                     messages=[{"role": "user", "content": PROMPT}])
    assert m.content[0].text == want(upstream)
    assert m.content[1].input["query"] == want(upstream)
    assert_no_gold(upstream.seen_text())


async def test_anthropic_streamed_helper(claude, upstream):
    upstream.tool = True
    upstream.thinking = True
    async with claude.messages.stream(model="m", max_tokens=64,
                                      messages=[{"role": "user", "content": PROMPT}]) as stream:
        text = ""
        async for t in stream.text_stream:
            text += t
        final = await stream.get_final_message()
    assert text == want(upstream)
    blocks = {b.type: b for b in final.content}
    assert blocks["text"].text == want(upstream)
    assert blocks["tool_use"].input["query"] == want(upstream)
    assert blocks["thinking"].thinking == "Thinking about " + upstream.replies[-1]  # untouched
    assert_no_gold(upstream.seen_text())
