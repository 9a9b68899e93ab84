"""llama.cpp's C logging, off for the whole process (the runtime and the model deriver share it)."""
from __future__ import annotations

_LOG_CALLBACK = None


def silence_llama_log() -> None:
    """llama.cpp prints to stderr from C even with verbose=False (e.g. at context creation or
    while quantizing); a proxy's console is no place for that. Installed once; kept referenced so
    it is not freed."""
    global _LOG_CALLBACK
    if _LOG_CALLBACK is not None:
        return
    import llama_cpp
    _LOG_CALLBACK = llama_cpp.llama_log_callback(lambda level, text, user_data: None)
    llama_cpp.llama_log_set(_LOG_CALLBACK, None)
