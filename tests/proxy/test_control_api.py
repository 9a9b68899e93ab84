"""The control API with the real protection stack (Detector, Protector, Vault in a temp dir):
settings persist and the running addon follows them on the next request; events, vault,
"try it" and the OpenAPI description."""
from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import aiohttp
import pytest

from detector.categories import Category
from proxy.mitm.addon import DoppelAddon
from proxy.control.server import ControlState, create_control_app, start_control_server
from proxy.control.api import ROUTES
from proxy.control.events import EventLog
from proxy.mitm.runtime import Runtime
from proxy.mitm.embedded import EmbeddedProxy
from proxy.mitm.hosts import HostPolicy
from proxy.settings import SETTINGS_FILE, SettingsStore
from tests.e2e.upstreams import Upstream

TOKEN = "dpt_api-test-token"
H = {"X-Doppel-Token": TOKEN}
GOLD = {"PERSON": "Maria Gonzalez", "EMAIL": "maria.gonzalez@gmail.com", "PHONE": "+1 415 555 0134"}
PROMPT = f"Hi, I'm {GOLD['PERSON']}. Write to {GOLD['EMAIL']} or call {GOLD['PHONE']}."

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def runtime(tmp_path_factory):
    """One loaded stack for the module (spaCy loads once)."""
    data = tmp_path_factory.mktemp("control-data")
    rt = Runtime(SettingsStore.load(data), hosts=HostPolicy(["chat.doppel.test"]),
                 events=EventLog(), data_dir=data)
    rt.load()
    yield rt
    rt.vault.close()


@pytest.fixture
async def api(runtime):
    runtime.settings.update(enabled=True, sites={}, policy={}, detector_mode="fast")
    state = ControlState(proxy_host="127.0.0.1", proxy_port=8080, mode="regular",
                         detector="fast", hosts=runtime.hosts, runtime=runtime,
                         events=runtime.events, token=TOKEN, ready=True)
    runner = await start_control_server(create_control_app(state), 0)
    async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
                                     headers=H) as session:
        yield session
    await runner.cleanup()


async def call(session, method, path, body=None, status=200):
    async with session.request(method, path, json=body) as r:
        text = await r.text()
        assert r.status == status, text
        return json.loads(text) if r.content_type == "application/json" else text


async def test_settings_persist_in_the_data_dir(api, runtime):
    out = await call(api, "PATCH", "/api/settings",
                     {"enabled": False, "sites": {"claude.ai": False}, "policy": {"EMAIL": "keep"}})
    assert out["enabled"] is False and out["policy"]["EMAIL"] == "keep"
    assert out["policy"]["PHONE"] == "replace" and len(out["policy"]) == len(Category)
    path = runtime.data_dir / SETTINGS_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = SettingsStore.load(runtime.data_dir).current
    assert again.enabled is False and again.sites == {"claude.ai": False}
    assert again.policy == {Category.EMAIL: "keep"}
    await call(api, "PUT", "/api/enabled", {"enabled": True})
    out = await call(api, "PUT", "/api/sites/CLAUDE.AI", {"enabled": True})
    assert {s["host"]: s["enabled"] for s in out["sites"]}["claude.ai"] is True


@pytest.mark.parametrize("method,path,body,status", [
    ("PUT", "/api/sites/example.com", {"enabled": False}, 404),
    ("PUT", "/api/policy/NOT_A_CATEGORY", {"action": "keep"}, 404),
    ("PUT", "/api/policy/EMAIL", {"action": "leak-it-555-0134"}, 400),
    ("PUT", "/api/enabled", {"enabled": "maybe-555-0134"}, 400),
    ("PATCH", "/api/settings", {"colour": "blue-555-0134"}, 400),
    ("PATCH", "/api/settings", {"detector_mode": "thorough",
                                "model_path": "/nonexistent/model-555-0134.gguf"}, 409),
    ("POST", "/api/vault/forget", {}, 400),
])
async def test_bad_changes_are_refused_and_change_nothing(api, runtime, method, path, body, status):
    before = runtime.settings.current
    answer = await call(api, method, path, body, status=status)
    assert "555-0134" not in json.dumps(answer), "errors must not echo the input"
    assert runtime.settings.current == before
    assert runtime.active_mode == "fast" and runtime.loading_mode is None


async def test_status_reports_state_detector_and_sites(api):
    status = await call(api, "GET", "/api/status")
    assert status["state"] == "running" and status["ready"] is True
    assert status["detector"] == {"mode": "fast", "loading": None, "model_path": None,
                                  "error": None, "llm": "off", "llm_timeouts": 0, "llm_fast_only": 0}
    assert "chat.doppel.test" in {s["host"] for s in status["sites"]}


async def test_try_it_shows_spans_stand_ins_and_policy(api):
    out = await call(api, "POST", "/api/try", {"text": PROMPT})
    by_cat = {s["category"]: s for s in out["spans"]}
    assert set(by_cat) == {"PERSON", "EMAIL", "PHONE"}
    for cat, real in GOLD.items():
        span = by_cat[cat]
        assert span["text"] == real and span["action"] == "replace"
        assert span["standin"] and span["standin"] != real and span["standin"] in out["protected"]
        assert real not in out["protected"]
    await call(api, "PUT", "/api/policy/phone", {"action": "keep"})
    out = await call(api, "POST", "/api/try", {"text": PROMPT})
    phone = next(s for s in out["spans"] if s["category"] == "PHONE")
    assert phone["action"] == "keep" and phone["standin"] is None
    assert GOLD["PHONE"] in out["protected"]
    await call(api, "PUT", "/api/policy/EMAIL", {"action": "block"})
    out = await call(api, "POST", "/api/try", {"text": PROMPT})
    assert out["protected"] is None and out["blocked_category"] == "EMAIL"


async def test_pac_lists_only_enabled_sites(api):
    pac = await call(api, "GET", "/api/pac")
    assert '"claude.ai"' in pac and '"chat.doppel.test"' in pac and "PROXY 127.0.0.1:8080" in pac
    await call(api, "PUT", "/api/sites/claude.ai", {"enabled": False})
    pac = await call(api, "GET", "/proxy.pac")
    assert '"claude.ai"' not in pac and '"chatgpt.com"' in pac
    await call(api, "PUT", "/api/enabled", {"enabled": False})
    pac = await call(api, "GET", "/api/pac")
    assert "PROXY" not in pac and 'return "DIRECT"' in pac


async def test_openapi_describes_every_route_from_the_models(api):
    spec = await call(api, "GET", "/api/openapi.json")
    assert spec["openapi"].startswith("3.1")
    for route in ROUTES:
        op = spec["paths"][route.path][route.method.lower()]
        if route.response is not None:
            ref = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
            assert ref.rsplit("/", 1)[1] in spec["components"]["schemas"]
        assert ("401" in op["responses"]) is route.token
    status = spec["components"]["schemas"]["Status"]
    assert set(status["required"]) >= {"state", "ready", "enabled", "detector", "sites"}
    refs = {m for m in json.dumps(spec).split('"') if m.startswith("#/components/schemas/")}
    assert all(r.rsplit("/", 1)[1] in spec["components"]["schemas"] for r in refs)


# --- the running addon follows the settings on the next request ------------------------------

@pytest.fixture
async def doppel(runtime, tmp_path):
    """Doppel's addon over the shared runtime, in reverse mode in front of a local upstream."""
    runtime.settings.update(enabled=True, sites={}, policy={})
    upstream = await Upstream().start()
    addon = DoppelAddon(runtime, settings=runtime.settings, events=runtime.events,
                        rebind_scope=runtime.rebind_scope, detect_timeout_s=60,
                        count_headers=True)  # an API client that asked: doppel start --count-headers
    proxy = EmbeddedProxy([addon], confdir=tmp_path / "conf", listen_host="127.0.0.1",
                          listen_port=0, mode=[f"reverse:{upstream.url}"])
    await proxy.start()
    yield f"http://127.0.0.1:{proxy.port}", upstream
    await proxy.stop()
    await upstream.stop()


async def chat(base: str, prompt: str = PROMPT) -> tuple[int, dict, str]:
    body = {"model": "m", "stream": False, "messages": [{"role": "user", "content": prompt}]}
    async with aiohttp.ClientSession() as s:
        async with s.post(f"{base}/v1/chat/completions", json=body,
                          headers={"authorization": "Bearer sk-test"}) as r:
            return r.status, dict(r.headers), await r.text()


async def test_addon_follows_policy_and_switch_on_the_next_request(doppel, runtime):
    base, upstream = doppel
    status, headers, text = await chat(base)
    assert status == 200
    assert all(v not in upstream.seen[-1].body.decode() for v in GOLD.values())
    assert GOLD["EMAIL"] in json.loads(text)["choices"][0]["message"]["content"]
    assert headers["x-doppel-replaced"] == "3"
    assert headers["x-doppel-categories"] == "EMAIL=1,PERSON=1,PHONE=1"
    event = runtime.events.recent()[-1]
    assert event.outcome == "protected" and event.categories == {"EMAIL": 1, "PERSON": 1, "PHONE": 1}
    assert event.conversation.startswith("c-")
    assert len(event.request) == 32 and int(event.request, 16) >= 0  # names the request
    assert all(v not in json.dumps(event.as_dict()) for v in GOLD.values())

    runtime.settings.update(policy={Category.EMAIL: "keep"})
    await chat(base)
    sent = upstream.seen[-1].body.decode()
    assert GOLD["EMAIL"] in sent and GOLD["PERSON"] not in sent

    runtime.settings.update(policy={Category.PERSON: "block"})
    count = len(upstream.seen)
    status, headers, text = await chat(base)
    assert status == 502 and headers["x-doppel-blocked"] == "policy"
    assert len(upstream.seen) == count
    assert runtime.events.recent()[-1].outcome == "blocked"

    runtime.settings.update(enabled=False)
    status, _, _ = await chat(base)
    assert status == 200 and upstream.seen[-1].body.decode().count(GOLD["PERSON"]) == 1


async def test_settings_edited_on_disk_are_followed_too(doppel, runtime):
    base, upstream = doppel
    path = runtime.data_dir / SETTINGS_FILE
    data = json.loads(path.read_text())
    data["policy"] = {"PHONE": "keep"}
    path.write_text(json.dumps(data))
    await chat(base)
    sent = upstream.seen[-1].body.decode()
    assert GOLD["PHONE"] in sent and GOLD["EMAIL"] not in sent


async def test_events_and_vault_forget(doppel, runtime, api):
    base, _ = doppel
    before = (await call(api, "GET", "/api/vault"))["per_scope"]
    await chat(base, f"Mail {GOLD['EMAIL']} please, it's urgent.")
    events = await call(api, "GET", "/api/events")
    assert events["events"] and events["last_id"] == events["events"][-1]["id"]
    assert all(v not in json.dumps(events) for v in GOLD.values())
    label = events["events"][-1]["conversation"]
    assert label.startswith("c-") and label in {c["conversation"] for c in events["conversations"]}
    newer = await call(api, "GET", f"/api/events?after={events['last_id']}")
    assert newer["events"] == []

    vault = await call(api, "GET", "/api/vault")
    assert vault["available"] and all(v not in json.dumps(vault) for v in GOLD.values())
    grown = [s for s, n in vault["per_scope"].items() if n > before.get(s, 0)]
    assert len(grown) == 1
    out = await call(api, "POST", "/api/vault/forget", {"conversation": grown[0]})
    assert out["deleted"] == vault["per_scope"][grown[0]]
    assert grown[0] not in (await call(api, "GET", "/api/vault"))["per_scope"]


# --- switching the detector: refused when unavailable, swapped without a gap otherwise ---------

def layered_factory(mode: str, model_path: str | None):
    """Real Detectors with different layer sets standing for the two modes (no model needed):
    "fast" finds nothing, "thorough" runs the rules layer. An unknown model path is refused."""
    from detector.pipeline import Detector
    from detector.rules import RulesLayer
    from proxy.mitm.runtime import DetectorUnavailable

    if model_path and not Path(model_path).is_file():
        raise DetectorUnavailable("no model file at the given model path")
    return Detector("fast", layers=[RulesLayer()] if mode == "thorough" else [])


@pytest.fixture
async def switchable(tmp_path):
    from detector.store import InMemoryStore

    rt = Runtime(SettingsStore.load(tmp_path), hosts=HostPolicy(), events=EventLog(),
                 data_dir=tmp_path, store=InMemoryStore(), detector_factory=layered_factory)
    rt.load()
    state = ControlState(proxy_host="127.0.0.1", proxy_port=8080, mode="regular",
                         detector="fast", hosts=rt.hosts, runtime=rt, token=TOKEN, ready=True)
    runner = await start_control_server(create_control_app(state), 0)
    async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
                                     headers=H) as session:
        yield session, rt
    await runner.cleanup()


async def test_detector_switch_swaps_after_loading(switchable):
    import asyncio

    api, rt = switchable
    text = f"Write to {GOLD['EMAIL']}."
    assert (await call(api, "POST", "/api/try", {"text": text}))["spans"] == []
    await call(api, "PATCH", "/api/settings", {"detector_mode": "thorough",
                                               "model_path": "/nonexistent/model.gguf"},
               status=409)
    assert rt.settings.current.detector_mode == "fast"
    out = await call(api, "PATCH", "/api/settings", {"detector_mode": "thorough"})
    assert out["detector_mode"] == "thorough"
    for _ in range(200):
        status = await call(api, "GET", "/api/status")
        if status["detector"]["mode"] == "thorough":
            break
        assert status["detector"]["loading"] == "thorough"
        await asyncio.sleep(0.05)
    assert status["detector"] == {"mode": "thorough", "loading": None, "model_path": None,
                                  "error": None, "llm": "off", "llm_timeouts": 0, "llm_fast_only": 0}
    spans = (await call(api, "POST", "/api/try", {"text": text}))["spans"]
    assert [s["category"] for s in spans] == ["EMAIL"]
    assert SettingsStore.load(rt.data_dir).current.detector_mode == "thorough"


# --- thorough mode: what the on-device LLM could not do reaches /api/status ----------------

LONG = (f"I'm {GOLD['PERSON']}, 41, and last spring I was diagnosed with bipolar II after a long "
        "winter. We owe about 38k on two cards and my husband thinks we may declare bankruptcy "
        "before the twins start school in Lisbon, so please help me write a short, calm letter to "
        f"{GOLD['EMAIL']}.")


def _llm_detector(llm):
    from detector.pipeline import Detector
    from detector.rules import RulesLayer

    return lambda mode, model_path=None: Detector("thorough", layers=[RulesLayer(), llm])


@pytest.mark.parametrize("case", ["timeout", "broken_model"])
async def test_status_tells_what_the_llm_could_not_do(tmp_path, case):
    from detector.llm import EventLog as LLMEventLog
    from detector.llm import LLMLayer
    from detector.store import InMemoryStore

    # background=True: the model loads in a thread, as under `doppel start`.
    if case == "timeout":  # a real model, given no time at all: the fast layers carry the text
        llm = LLMLayer(timeout=1e-9, events=LLMEventLog(), cache_size=0, background=True)
    else:  # a file that is no GGUF: the model cannot load, the fast layers carry on
        junk = tmp_path / "junk.gguf"
        junk.write_bytes(b"not a model at all" * 64)
        llm = LLMLayer(junk, events=LLMEventLog(), background=True)
    rt = Runtime(SettingsStore.load(tmp_path), hosts=HostPolicy(), events=EventLog(),
                 data_dir=tmp_path, store=InMemoryStore(), detector_factory=_llm_detector(llm))
    rt.load()
    state = ControlState(proxy_host="127.0.0.1", proxy_port=8080, mode="regular", detector="thorough",
                         hosts=rt.hosts, runtime=rt, token=TOKEN, ready=True)
    runner = await start_control_server(create_control_app(state), 0)
    try:
        async with aiohttp.ClientSession(base_url=f"http://127.0.0.1:{runner.addresses[0][1]}",
                                         headers=H) as api:
            for _ in range(600):  # the load ends, well or badly
                detector = (await call(api, "GET", "/api/status"))["detector"]
                if detector["llm"] != "loading":
                    break
                await asyncio.sleep(0.05)
            for _ in range(2):
                tried = await call(api, "POST", "/api/try", {"text": LONG})
                assert GOLD["EMAIL"] not in tried["protected"]  # still protected by the fast layers
            detector = (await call(api, "GET", "/api/status"))["detector"]
    finally:
        await runner.cleanup()
    # Each try is counted (it may check the text more than once: protect, then list the spans).
    if case == "timeout":
        assert detector["llm"] == "ready" and detector["llm_timeouts"] >= 2 and detector["llm_fast_only"] == 0
    else:
        assert detector["llm"] == "unavailable" and detector["llm_timeouts"] == 0 and detector["llm_fast_only"] >= 2
