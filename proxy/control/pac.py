"""The PAC script that sends only the chosen chat hosts through Doppel (everything else DIRECT)."""
from __future__ import annotations

import json
from typing import Iterable


def pac_script(hosts: Iterable[str], proxy_host: str, proxy_port: int) -> str:
    """PAC text: the given hosts go to PROXY proxy_host:proxy_port, all others DIRECT.
    No hosts (protection off): every host goes DIRECT."""
    if proxy_host in ("0.0.0.0", "::", ""):
        proxy_host = "127.0.0.1"
    hosts = sorted({h.lower() for h in hosts})
    lines = ["// Doppel: route only chatbot hosts through the local privacy proxy.",
             "function FindProxyForURL(url, host) {"]
    if hosts:
        lines += [f"  var doppelHosts = {json.dumps(hosts)};",
                  "  host = host.toLowerCase();",
                  "  for (var i = 0; i < doppelHosts.length; i++) {",
                  f'    if (host === doppelHosts[i]) return "PROXY {proxy_host}:{proxy_port}";',
                  "  }"]
    lines += ['  return "DIRECT";', "}", ""]
    return "\n".join(lines)
