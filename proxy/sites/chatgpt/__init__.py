"""ChatGPT web (chatgpt.com): turns, the delta-encoded stream, the WebSocket handoff."""
