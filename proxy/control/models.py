"""The JSON shapes of the control API (/api/...): pydantic models, also the OpenAPI source."""
from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from detector.categories import Category
from proxy.settings import DetectorMode, PolicyAction


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProxyInfo(BaseModel):
    host: str
    port: int
    mode: str


class DetectorInfo(BaseModel):
    mode: str | None = Field(description="The mode protecting requests now (None while loading).")
    loading: str | None = Field(None, description="A mode being loaded to replace it.")
    model_path: str | None = None
    error: str | None = None
    llm: str = Field("off", description="The on-device LLM of thorough mode: off (fast mode), "
                                        "loading, ready or unavailable (its model could not load).")
    llm_timeouts: int = Field(0, description="Texts whose LLM check ran out of time since Doppel "
                                             "started: they went on with the fast layers' spans.")
    llm_fast_only: int = Field(0, description="Texts checked by the fast layers alone since Doppel "
                                              "started, because the LLM was loading or could not load.")


class Site(BaseModel):
    host: str
    enabled: bool = Field(description="Protection on for this host (and globally).")


class Status(BaseModel):
    state: Literal["running", "loading", "error"]
    ready: bool = Field(description="Requests are being protected.")
    enabled: bool = Field(description="The global switch.")
    shadow: bool = Field(False, description="Shadow mode: requests go out UNCHANGED (nothing is "
                                            "protected); Doppel only records what it would replace.")
    version: str
    error: str | None = None
    detector: DetectorInfo
    proxy: ProxyInfo
    sites: list[Site]
    ca_path: str | None = None
    uptime_s: float
    stats: dict[str, int | dict[str, int]]


class SettingsOut(BaseModel):
    enabled: bool
    shadow: bool
    sites: list[Site]
    detector_mode: DetectorMode
    model_path: str | None
    policy: dict[Category, PolicyAction] = Field(description="Every category with its action.")


class SettingsPatch(_In):
    """Only the fields given change; ``sites`` and ``policy`` merge per key."""
    enabled: bool | None = None
    shadow: bool | None = None
    sites: dict[str, bool] | None = None
    detector_mode: DetectorMode | None = None
    model_path: str | None = Field(None, description="Empty string clears it.")
    policy: dict[Category, PolicyAction] | None = None


class Toggle(_In):
    enabled: bool


class PolicyChange(_In):
    action: PolicyAction


class Replacement(BaseModel):
    """Why one value was replaced (never the value: ``id`` is opaque)."""
    id: str = Field(description="Opaque id of the value: pass it to /api/terms/never-from-event "
                                "or /api/events/reveal.")
    category: str
    layer: str = Field(description="rules, ner, names, llm, terms (your list) or guard (a "
                                   "stand-in of this conversation typed as is).")
    source: str = Field(description="The rule and pattern, spaCy label, cue or lexicon, LLM label, "
                                    "or list that matched.")
    score: float = Field(description="The layer's confidence, 0-1.")


class Event(BaseModel):
    id: int
    time: float
    host: str
    adapter: str
    conversation: str
    outcome: Literal["protected", "blocked", "passed_unprotected", "shadow"] = Field(
        description="shadow: detected and recorded, sent unchanged (shadow mode).")
    replaced: int = Field(description="Values replaced (shadow: values that would have been).")
    categories: dict[str, int]
    reason: str = ""
    request: str = Field("", description="SHA-256 of \"METHOD URL\" of the request it counts "
                         "(first 32 hex digits): the extension pairs it with the tab that sent it.")
    replacements: list[Replacement] = Field(default_factory=list)


class ConversationSummary(BaseModel):
    conversation: str
    host: str
    requests: int
    replaced: int
    blocked: int
    categories: dict[str, int]
    last_time: float


class Events(BaseModel):
    events: list[Event]
    conversations: list[ConversationSummary]
    last_id: int = Field(description="Pass as ?after= to get only newer events.")


class VaultStats(BaseModel):
    available: bool
    mappings: int = 0
    scopes: int = 0
    per_category: dict[str, int] = Field(default_factory=dict)
    per_scope: dict[str, int] = Field(default_factory=dict)
    key_source: str | None = None
    retention_days: int | None = None
    bytes_on_disk: int | None = None


class ForgetRequest(_In):
    conversation: str | None = Field(None, description="A conversation scope or id.")
    everything: bool = False


class ForgetResult(BaseModel):
    deleted: int


class TryRequest(_In):
    text: str = Field(max_length=20000)


class TrySpanOut(BaseModel):
    start: int
    end: int
    text: str
    category: str
    layer: str
    source: str = Field(description="Why: the rule and pattern, spaCy label, cue or lexicon, LLM "
                                    "label, or your list.")
    score: float = Field(description="The layer's confidence, 0-1.")
    action: PolicyAction
    standin: str | None


class TryOut(BaseModel):
    protected: str | None = Field(description="The text as the cloud would get it (None: blocked).")
    spans: list[TrySpanOut]
    blocked_category: str | None = None
    ms: float


TermKind = Literal["always", "never"]


class TermIn(_In):
    term: str = Field(min_length=1, max_length=200)
    kind: TermKind = "always"
    category: Category | None = Field(None, description="always-terms: the kind of stand-in "
                                                        "(default CUSTOM: same shape).")


class TermRef(_In):
    term: str = Field(min_length=1, max_length=200)


class ReplacementRef(_In):
    id: str = Field(min_length=1, max_length=64)


class AlwaysTerm(BaseModel):
    term: str
    category: str


class NeverTerm(BaseModel):
    term: str


class Terms(BaseModel):
    always: list[AlwaysTerm]
    never: list[NeverTerm]


class TermAdded(BaseModel):
    """What changed (the term itself is not echoed)."""
    kind: TermKind
    category: str
    counts: dict[str, int] = Field(description="Terms per list now.")


class Revealed(BaseModel):
    value: str


class PairRequest(_In):
    code: str = Field(max_length=64)


class PairOut(BaseModel):
    token: str


class PairCodeOut(BaseModel):
    code: str
    expires_in_s: int


class Error(BaseModel):
    error: str
