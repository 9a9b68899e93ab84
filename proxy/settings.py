"""The user's settings (on/off, sites, detector mode, category policy), kept in the data dir.

One ``SettingsStore`` per process: the control server writes it, the addon reads it on every
request. The file (settings.json, 0600) is re-read when it changes on disk, so an edit by hand or
by another `doppel` process is followed on the next request too. Listeners hear every change
(the runtime rebuilds its protector when the policy changes).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path
from typing import Callable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from detector.categories import Category
from proxy.files import write_private
from proxy.hostnames import normalize_host

log = logging.getLogger("doppel.settings")

SETTINGS_FILE = "settings.json"
# "strict" replaces everything found in a category, also what looks public or like code
# (detector/protect.py: ACTIONS).
PolicyAction = Literal["replace", "strict", "keep", "block"]
DetectorMode = Literal["fast", "thorough"]
DEFAULT_ACTION: PolicyAction = "replace"

Listener = Callable[["Settings", "Settings"], None]  # (old, new)


class Settings(BaseModel):
    """What the user chose. Hosts missing from ``sites`` are on; categories missing from
    ``policy`` are replaced by stand-ins."""
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Protection on for every chat site.")
    sites: dict[str, bool] = Field(default_factory=dict,
                                   description="Per chat host: false turns protection off there.")
    detector_mode: DetectorMode = Field("fast", description="fast: rules + NER; thorough: + LLM.")
    model_path: str | None = Field(None, description="A local GGUF for thorough mode "
                                                     "(none: the catalog's default model).")
    policy: dict[Category, PolicyAction] = Field(
        default_factory=dict, description="Per category: replace (stand-in), strict (stand-in "
                                          "also for what looks public or like code), keep (send "
                                          "as is) or block (refuse the request).")
    shadow: bool = Field(False, description="Shadow mode: detect and record as usual, but send "
                                            "every request unchanged (nothing is protected).")

    def site_on(self, host: str) -> bool:
        return self.enabled and self.sites.get(normalize_host(host), True)

    def action(self, category: str) -> PolicyAction:
        return self.policy.get(Category(category), DEFAULT_ACTION)

    def protector_policy(self) -> dict[str, str]:
        """The policy in the form detector.protect.Protector takes (category -> action)."""
        return {str(cat): action for cat, action in self.policy.items()}


class SettingsStore:
    """The current Settings, persisted to ``path`` (None: in memory only)."""

    def __init__(self, path: Path | None, settings: Settings | None = None) -> None:
        self.path = Path(path) if path is not None else None
        self._lock = threading.RLock()
        self._settings = settings or Settings()
        self._signature: tuple[int, int, int] | None = None  # (mtime_ns, size, inode)
        self._listeners: list[Listener] = []

    @classmethod
    def load(cls, data_dir: Path) -> "SettingsStore":
        store = cls(Path(data_dir) / SETTINGS_FILE)
        store._reload_if_changed(notify=False)
        return store

    @property
    def current(self) -> Settings:
        self._reload_if_changed(notify=True)
        return self._settings

    def subscribe(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def update(self, **changes) -> Settings:
        """Validate ``changes`` on top of the current settings, save, tell the listeners.
        Raises pydantic.ValidationError (nothing changes) for a bad value."""
        with self._lock:
            old = self.current
            new = Settings.model_validate({**old.model_dump(), **changes})
            self._save(new)
            self._settings = new
        self._notify(old, new)
        return new

    def site_on(self, host: str) -> bool:
        return self.current.site_on(host)

    # --- file ---
    def _save(self, settings: Settings) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_private(self.path, settings.model_dump_json(indent=2) + "\n")  # atomic: no half file
        self._signature = _signature(self.path.stat())

    def _reload_if_changed(self, *, notify: bool) -> None:
        if self.path is None:
            return
        try:
            signature = _signature(self.path.stat())
        except FileNotFoundError:
            return
        if signature == self._signature:
            return
        with self._lock:
            if signature == self._signature:
                return
            self._signature = signature
            try:
                new = Settings.model_validate(json.loads(self.path.read_text()))
            except (OSError, ValueError, ValidationError) as e:
                # The error names the field, never a value (settings hold no private values).
                log.warning("ignoring %s: it is not valid (%s); keeping the previous settings",
                            self.path.name, type(e).__name__)
                return
            old, self._settings = self._settings, new
        if notify and old != new:
            self._notify(old, new)

    def _notify(self, old: Settings, new: Settings) -> None:
        for listener in list(self._listeners):
            try:
                listener(old, new)
            except Exception:  # noqa: BLE001 - one bad listener must not stop the others
                log.exception("a settings listener failed")


def _signature(st: os.stat_result) -> tuple[int, int, int]:
    # Size and inode too: a coarse file-system clock can give two writes the same mtime.
    return (st.st_mtime_ns, st.st_size, st.st_ino)
