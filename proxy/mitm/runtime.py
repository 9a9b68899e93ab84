"""The running protection stack the control server acts on: detector, protector, vault, status.

``Runtime`` is what the addon calls as its protector (``protect``/``restorer`` forward to the
Protector in use), so changing a setting swaps the Protector under the addon and the very next
request follows it:
  - a policy change builds a new Protector over the same detector and vault (cheap, at once);
  - a detector change builds the new Detector first (an unavailable mode is refused before
    anything changes), warms it in a thread, and swaps when ready; the old one keeps protecting
    meanwhile, so switching never opens a gap.
The user's always/never terms live in the vault (proxy/vault/terms.py); every Protector built
here reads them on each text, so a change (from the API or from `doppel terms` in another
process) applies to the next request without a rebuild.
Nothing here returns a real value except ``try_text``, which shows the settings page the stand-ins
for text the page itself sent, ``terms`` (the user's own list, for the settings page), and
``replacement_value`` (one value the settings page asked to see, by its opaque id).
"""
from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from detector.errors import BlockedByPolicy, DetectionError
from proxy.control.events import EventLog
from proxy.profiles import link_profiles
from proxy.settings import Settings, SettingsStore
from proxy.vault.errors import VaultError

if TYPE_CHECKING:  # the type only: the control server imports this module, never the adapters
    from proxy.mitm.hosts import HostPolicy

log = logging.getLogger("doppel.runtime")

LOADING, RUNNING, ERROR = "loading", "running", "error"
_HISTORY = "a conversation's history"


class DetectorUnavailable(ValueError):
    """The chosen detector mode cannot be built here (e.g. thorough without its model)."""


def build_detector(mode: str, model_path: str | None = None):
    """A Detector for ``mode`` (not warmed yet). ``model_path`` points thorough mode at a local
    GGUF instead of the catalog's default model."""
    from detector.pipeline import Detector

    try:
        if mode == "thorough" and model_path:
            if not Path(model_path).expanduser().is_file():
                raise DetectorUnavailable("no model file at the given model path")
            from detector.llm import LLMLayer

            base = Detector("fast")
            return Detector("thorough", layers=[*base.layers,
                                                LLMLayer(Path(model_path).expanduser())])
        return Detector(mode)
    except DetectorUnavailable:
        raise
    except (ValueError, ImportError, OSError) as e:
        raise DetectorUnavailable(str(e)) from None


def detector_key(mode: str | None, model_path: str | None) -> tuple:
    """What identifies a detector build: the model path matters in thorough mode only."""
    return (mode, model_path if mode == "thorough" else None)


def default_protector_factory(detector, store, policy: dict[str, str], terms=None):
    from detector.protect import Protector

    return Protector(detector, store, policy=policy, terms=terms)


@dataclass
class TrySpan:
    start: int
    end: int
    text: str
    category: str
    layer: str
    action: str            # replace | keep | block
    standin: str | None    # the stand-in, when replaced
    source: str = ""       # why: the rule, model label, lexicon or list that matched
    score: float = 1.0     # the layer's confidence


@dataclass
class TryResult:
    text: str
    protected: str | None  # None when the policy blocks the text
    spans: list[TrySpan] = field(default_factory=list)
    blocked_category: str | None = None
    ms: float = 0.0


class Runtime:
    """Holds the detector, vault and Protector in use; see the module docstring.

    ``protector`` given (tests, `doppel demo`): used as is, and settings changes do not rebuild
    it. Otherwise ``load()`` (blocking: run it in a thread) opens the vault in ``data_dir`` and
    builds the detector the settings name.
    """

    def __init__(self, settings: SettingsStore, *, hosts: HostPolicy, events: EventLog,
                 data_dir: Path | None = None, protector=None, vault=None, store=None,
                 protector_factory: Callable[..., Any] = default_protector_factory,
                 detector_factory: Callable[..., Any] = build_detector) -> None:
        self.settings = settings
        self.hosts = hosts
        self.events = events
        self.data_dir = data_dir
        self.vault = vault
        # Every web-app scope also sees its site's profile scope (proxy/profiles.py).
        self._store = link_profiles(store if store is not None else vault)
        self._protector = protector
        self._fixed = protector is not None
        self._detector = getattr(protector, "detector", None)
        self._protector_factory = protector_factory
        self._detector_factory = detector_factory
        self._lock = threading.Lock()
        self.state = RUNNING if protector is not None else LOADING
        self.error: str | None = None
        self.active_mode: str | None = settings.current.detector_mode if protector else None
        self.active_model_path: str | None = None
        self.loading_mode: str | None = None
        settings.subscribe(self._on_settings_change)

    # --- the Protector surface the addon uses ------------------------------------------
    def protect(self, text: str, scope: str):
        protector = self._protector
        if protector is None:
            raise DetectionError("startup", "the detector is still loading")
        return protector.protect(text, scope)

    def protect_group(self, texts: list[str], scope: str) -> list:
        """Texts of one run protected together (detector.protect.Protector.protect_group), or
        one by one with a Protector that cannot."""
        protector = self._protector
        if protector is None:
            raise DetectionError("startup", "the detector is still loading")
        group = getattr(protector, "protect_group", None)
        if group is None:
            return [protector.protect(text, scope) for text in texts]
        return group(texts, scope)

    def restorer(self, scope: str):
        protector = self._protector
        if protector is None:
            raise DetectionError("startup", "the detector is still loading")
        return protector.restorer(scope)

    def _llm_layer(self):
        layers = getattr(self._detector, "layers", None) or ()
        return next((layer for layer in layers if hasattr(layer, "load_in_background")), None)

    def llm_event_counts(self) -> dict[str, int]:
        """What the LLM layer recorded ("timeout", "loading", "model_error"...): counts only."""
        llm = self._llm_layer()
        return llm.events.counts() if llm is not None else {}

    def llm_state(self) -> str:
        """The on-device LLM's state for /health: "off" (fast mode), "loading", "ready" or
        "unavailable" (its model could not load; the fast layers carry on)."""
        llm = self._llm_layer()
        if llm is None:
            return "off"
        if llm.loaded:
            return "ready"
        return "unavailable" if getattr(llm, "_load_error", None) is not None else "loading"

    def _new_protector(self, detector, policy: dict[str, str]):
        return self._protector_factory(detector, self._store, policy, self.terms)

    def rebind_scope(self, old_scope: str, new_scope: str) -> None:
        rebind = getattr(self.vault, "rebind_scope", None)
        if rebind is not None:
            rebind(old_scope, new_scope)

    # The continuation store of the OpenAI Responses adapter (proxy.sites.openai.responses
    # ContinuationStore): storage failures end here, so the adapter knows no vault errors.
    def remember_continuation(self, response_id: str, client: str, scope: str) -> None:
        remember = getattr(self.vault, "remember_continuation", None)
        if remember is not None:
            _continuation_kept(remember, response_id, client, scope)

    def continued_scope(self, response_id: str, client: str) -> str | None:
        lookup = getattr(self.vault, "continued_scope", None)
        return _continuation_kept(lookup, response_id, client) if lookup is not None else None

    # The history prefixes of the API adapters (proxy.sites.scope PrefixStore): storage
    # failures end here too; a request then gets a scope of its own text.
    def prefix_lookup(self, digests: list[str]) -> tuple[int, str, bool] | None:
        lookup = getattr(self.vault, "prefix_lookup", None)
        return _continuation_kept(lookup, digests, what=_HISTORY) if lookup is not None else None

    def prefix_claim(self, digest: str, child: str) -> bool:
        claim = getattr(self.vault, "prefix_claim", None)
        return bool(_continuation_kept(claim, digest, child, what=_HISTORY)) if claim else False

    def prefix_remember(self, digests: list[str], scope: str) -> None:
        remember = getattr(self.vault, "prefix_remember", None)
        if remember is not None:
            _continuation_kept(remember, digests, scope, what=_HISTORY)

    @property
    def ready(self) -> bool:
        return self._protector is not None

    # --- start-up ------------------------------------------------------------------------
    def load(self, mode: str | None = None) -> None:
        """Open the vault (if none was given) and build + warm the detector the settings name
        (or ``mode``, e.g. from `doppel start --detector`, saved once it loaded). Blocking;
        raises what failed (the caller reports it), leaving state=error."""
        settings = self.settings.current
        if mode is not None:
            settings = settings.model_copy(update={"detector_mode": mode})
        try:
            if self._store is None:
                from proxy.vault import Vault

                self.vault = Vault.open(self.data_dir)
                self._store = link_profiles(self.vault)
            detector = self._detector_factory(settings.detector_mode, settings.model_path)
            detector.warm()
        except Exception as e:
            self.state, self.error = ERROR, _describe(e)
            raise
        with self._lock:
            self._detector = detector
            self.active_mode, self.active_model_path = settings.detector_mode, settings.model_path
            self._protector = self._new_protector(detector, settings.protector_policy())
            self.state, self.error = RUNNING, None
        if settings.detector_mode != self.settings.current.detector_mode:
            self.settings.update(detector_mode=settings.detector_mode)

    # --- settings changes --------------------------------------------------------------------
    def check_detector(self, mode: str, model_path: str | None):
        """Build (not warm) the detector for ``mode``: raises DetectorUnavailable, changes nothing.
        Blocking (imports models' code): run it in a thread."""
        if self._fixed:
            raise DetectorUnavailable("this Doppel was started with a fixed protector")
        return self._detector_factory(mode, model_path)

    def switch_detector(self, detector, mode: str, model_path: str | None = None) -> None:
        """Warm ``detector`` in a thread, then protect with it; the current one works meanwhile."""
        self.loading_mode = mode
        threading.Thread(target=self._warm_and_swap, args=(detector, mode, model_path),
                         name="doppel-detector-load", daemon=True).start()

    def _warm_and_swap(self, detector, mode: str, model_path: str | None) -> None:
        try:
            detector.warm()
        except Exception as e:  # noqa: BLE001 - reported in /api/status, old detector kept
            log.warning("the %s detector could not load (%s); keeping the %s one",
                        mode, type(e).__name__, self.active_mode)
            with self._lock:
                self.error = f"the {mode} detector could not load: {_describe(e)}"
                self.loading_mode = None
                if self._protector is None:
                    self.state = ERROR
            return
        with self._lock:
            if self.loading_mode != mode:  # a newer switch superseded this one
                return
            self._detector = detector
            self.active_mode, self.active_model_path = mode, model_path
            self.loading_mode = None
            self.error = None
            self._protector = self._new_protector(detector, self.settings.current.protector_policy())
            self.state = RUNNING

    def _on_settings_change(self, old: Settings, new: Settings) -> None:
        if self._fixed or self._detector is None:
            return
        if old.policy != new.policy:
            with self._lock:
                self._protector = self._new_protector(self._detector, new.protector_policy())
        wanted = detector_key(new.detector_mode, new.model_path)
        if wanted != detector_key(self.active_mode, self.active_model_path) and \
                self.loading_mode != new.detector_mode:
            # Changed outside the API (the file was edited): build and warm in the background.
            threading.Thread(target=self._build_and_swap, args=(new.detector_mode, new.model_path),
                             name="doppel-detector-build", daemon=True).start()

    def _build_and_swap(self, mode: str, model_path: str | None) -> None:
        try:
            detector = self._detector_factory(mode, model_path)
        except Exception as e:  # noqa: BLE001
            self.error = f"the {mode} detector is not available: {_describe(e)}"
            return
        self.loading_mode = mode
        self._warm_and_swap(detector, mode, model_path)

    # --- the settings page's "try it" box ----------------------------------------------------
    def try_text(self, text: str) -> TryResult:
        """Spans, categories and stand-ins for ``text``, with the current policy, in a throwaway
        in-memory store (nothing reaches the vault). Blocking."""
        from detector.store import InMemoryStore

        detector = self._detector
        if detector is None:
            raise DetectionError("startup", "the detector is still loading")
        t0 = time.perf_counter()
        settings = self.settings.current
        trial = self._protector_factory(detector, InMemoryStore(), settings.protector_policy(),
                                        self.terms)
        spans = trial.spans(text)  # the detector's, with the user's terms applied
        result = TryResult(text=text, protected=None)
        try:
            protection = trial.protect(text, "try-it")
        except BlockedByPolicy as e:
            result.blocked_category = str(e.category)
            replaced = []
        else:
            result.protected = protection.protected
            replaced = protection.replacements
        # What was replaced (spans as the protector widened them), then what the policy kept.
        for r in replaced:
            result.spans.append(_try_span(r.span, "replace", r.replacement))
        for s in spans:
            if not any(r.span.start < s.end and s.start < r.span.end for r in replaced):
                result.spans.append(_try_span(s, settings.action(s.category), None))
        result.spans.sort(key=lambda t: t.start)
        result.ms = round((time.perf_counter() - t0) * 1000, 1)
        return result

    # --- the user's terms (proxy/vault/terms.py) ---------------------------------------------
    @property
    def terms(self):
        """The vault's TermStore (the Protector's TermSource), or None without a vault."""
        return getattr(self._store, "terms", None)

    def _term_store(self):
        if self.terms is None:
            raise RuntimeError("no vault is open: terms are kept in the vault")
        return self.terms

    def list_terms(self):
        return self._term_store().list()

    def add_term(self, term: str, kind: str = "always", category: str | None = None):
        return self._term_store().add(term, kind=kind, category=category)

    def remove_term(self, term: str) -> bool:
        return self._term_store().remove(term)

    def never_from_event(self, replacement_id: str):
        """Add the value behind a recent replacement to the never list (None: the id is
        unknown or no longer remembered). The value never leaves this process."""
        value = self.events.value(replacement_id)
        if value is None:
            return None
        return self._term_store().add(value, kind="never")

    def replacement_value(self, replacement_id: str) -> str | None:
        """The value behind a recent replacement id, for an explicit reveal on the settings page."""
        return self.events.value(replacement_id)

    # --- shadow mode: the addon asks what would be replaced ---------------------------------
    def detect(self, text: str):
        protector = self._protector
        if protector is None:
            raise DetectionError("startup", "the detector is still loading")
        return protector.detect(text)

    # --- vault -----------------------------------------------------------------------------
    def vault_stats(self) -> dict | None:
        stats = getattr(self.vault, "stats", None)
        return stats() if stats is not None else None

    def forget(self, *, conversation: str | None = None, everything: bool = False) -> int:
        forget = getattr(self.vault, "forget", None)
        if forget is None:
            raise RuntimeError("no vault is open")
        if everything:
            return forget(everything=True)
        return forget(conversation=conversation)


def _try_span(s, action: str, standin: str | None) -> TrySpan:
    return TrySpan(s.start, s.end, s.text, str(s.category), s.layer, action, standin,
                   s.source, round(s.score, 2))


def _continuation_kept(call: Callable[..., Any], *args: Any,
                       what: str = "a Responses continuation") -> Any:
    """``call(*args)``, or None when the vault fails: the conversation goes on in the adapter's
    memory, and a continuation (or a history) after a restart then gets the scope of its own
    text. The log names the error type only, never the ids, digests or scopes."""
    try:
        return call(*args)
    except (VaultError, sqlite3.Error) as e:
        log.warning("could not keep %s in the vault (%s)", what, type(e).__name__)
        return None


def _describe(e: BaseException) -> str:
    """A one-line reason that never echoes input text (exception messages here name files,
    modes and layers, not values)."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else ""
    return f"{type(e).__name__}: {text}" if text else type(e).__name__
