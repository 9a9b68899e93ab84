"""OpenAI's wire formats: chat completions, the Responses API (HTTP and WebSocket)."""
