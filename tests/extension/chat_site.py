"""A local stand-in for a chat site, for the browser tests: one HTTPS aiohttp server that serves
a small chat page at / and an OpenAI-compatible /v1/chat/completions that streams (SSE, in
small pieces) a reply quoting the user's text. It records every request body, so a test can
check what "the cloud" received.

It presents a self-signed certificate for ``host``; the browser trusts it through
--ignore-certificate-errors-spki-list (``spki_hash``), and Doppel (mitmproxy) with ssl_insecure.
"""
from __future__ import annotations

import asyncio
import base64
import datetime
import hashlib
import json
import ssl
from dataclasses import dataclass, field
from pathlib import Path

from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.e2e.upstreams import last_user_text, openai_chat

REPLY = "You said: {text} Noted, {text}!"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Chat (test)</title></head>
<body>
<h1>Test chat</h1>
<textarea id="prompt" rows="3" cols="80"></textarea>
<button id="send">Send</button>
<div id="reply" data-state="idle"></div>
<div id="error"></div>
<script>
document.getElementById("send").addEventListener("click", async () => {
  const reply = document.getElementById("reply");
  const error = document.getElementById("error");
  reply.dataset.state = "sending"; reply.textContent = ""; error.textContent = "";
  try {
    const resp = await fetch("/v1/chat/completions", {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer sk-test-browser"},
      body: JSON.stringify({model: "test-model", stream: true, messages: [
        {role: "user", content: document.getElementById("prompt").value}]}),
    });
    if (!resp.ok) {
      const body = await resp.json();
      error.textContent = body.error ? body.error.message : ("HTTP " + resp.status);
      reply.dataset.state = "error";
      return;
    }
    const reader = resp.body.getReader();
    const decoder = new TextDecoder();
    let buf = "";
    for (;;) {
      const {value, done} = await reader.read();
      if (done) break;
      buf += decoder.decode(value, {stream: true});
      const events = buf.split("\\n\\n");
      buf = events.pop();
      for (const event of events) {
        const data = event.replace(/^data: /, "");
        if (data === "[DONE]") continue;
        for (const choice of JSON.parse(data).choices) {
          reply.textContent += choice.delta.content || "";
        }
      }
    }
    reply.dataset.state = "done";
  } catch (e) {
    error.textContent = String(e);
    reply.dataset.state = "error";
  }
});
</script>
</body></html>
"""


def self_signed(host: str, folder: Path) -> tuple[Path, Path, str]:
    """(cert file, key file, base64 SHA-256 of the SubjectPublicKeyInfo) for ``host``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(host)]), critical=False)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / f"{host}.crt", folder / f"{host}.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file, spki_hash(cert)


def spki_hash(cert: x509.Certificate) -> str:
    der = cert.public_key().public_bytes(serialization.Encoding.DER,
                                         serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(hashlib.sha256(der).digest()).decode()


def spki_hash_of_pem(pem: Path) -> str:
    return spki_hash(x509.load_pem_x509_certificate(Path(pem).read_bytes()))


@dataclass
class Seen:
    path: str
    body: bytes


@dataclass
class ChatSite:
    host: str
    folder: Path
    seen: list[Seen] = field(default_factory=list)
    port: int = 0
    spki: str = ""
    runner: web.AppRunner | None = None

    async def start(self) -> "ChatSite":
        cert, key, self.spki = self_signed(self.host, self.folder)
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        app = web.Application()
        app.router.add_get("/", self.page)
        app.router.add_post("/v1/chat/completions", self.chat)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=ctx)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()

    def user_texts(self) -> list[str]:
        return [last_user_text(s.path, json.loads(s.body)) for s in self.seen]

    async def page(self, request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    async def chat(self, request: web.Request) -> web.StreamResponse:
        raw = await request.read()
        self.seen.append(Seen(request.path, raw))
        text = REPLY.format(text=last_user_text(request.path, json.loads(raw)))
        body, ctype = openai_chat(text, stream=True, tool=False, thinking=False, generate=False)
        resp = web.StreamResponse(headers={"content-type": ctype, "cache-control": "no-cache"})
        await resp.prepare(request)
        data = body.encode()
        for i in range(0, len(data), 97):  # odd-sized pieces: stand-ins get cut across reads
            await resp.write(data[i:i + 97])
            await asyncio.sleep(0.001)
        await resp.write_eof()
        return resp
