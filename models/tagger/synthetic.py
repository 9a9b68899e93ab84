"""Synthetic rows: templates filled with values, code and logs, generic requests, and the
noise of real typing (lower case, missing punctuation, several messages run together).

Offsets are exact by construction: a row is built piece by piece and every labelled piece's
place is recorded as it is appended; case changes are length-preserving.
"""
from __future__ import annotations

import random
import re

from models.tagger import templates as T
from models.tagger.values import Values
from models.train import lexicons as LX

SLOT = re.compile(r"\{([A-Z_]*):([a-z_0-9]+)\}")

CODE = [
    'def {fn}(items):\n    total = 0\n    for x in items:\n        total += x * {n}\n    return total',
    'for i in range({n}):\n    print(f"step {{i}}: {{loss:.4f}}")',
    'SELECT customer_id, COUNT(*) FROM orders WHERE created_at > \'2023-01-01\' GROUP BY customer_id;',
    'Traceback (most recent call last):\n  File "main.py", line {n}, in <module>\n    {fn}(data)\nKeyError: \'{key}\'',
    '[{ts}] INFO  worker-{n} started, queue={key} size={n}',
    '[{ts}] ERROR request failed: status=503 retry_in={n}ms',
    'const {fn} = (a, b) => a.{key}.localeCompare(b.{key});',
    '$ docker run -p {port}:{port} -e MODE=prod {key}/{fn}:latest',
    'git commit -m "fix {fn} off-by-one" && git push origin main',
    '{{"id": {n}, "status": "ok", "items": [], "version": "2.{n}.1"}}',
    'npm ERR! code ERESOLVE\nnpm ERR! peer dep missing: react@^18.{n}.0',
    'import numpy as np\nx = np.linspace(0, {n}, 100)\ny = np.sin(x)',
    'CREATE TABLE users (id SERIAL PRIMARY KEY, name TEXT, email TEXT, created_at TIMESTAMP);',
    'sha256: {hexstr}\nsize: {n} bytes',
    'Exception in thread "main" java.lang.NullPointerException at com.app.{fn}.run({fn}.java:{n})',
    'config = {{"mode": "production", "retries": {n}, "region": "us-east-1", "cache": "{key}"}}',
    'class {cls}(BaseModel):\n    title: str\n    count: int = {n}\n    tags: list[str] = []',
    '<div class="card"><h2>{{{{ title }}}}</h2><p class="{key}">{{{{ body }}}}</p></div>',
    "UPDATE products SET price = price * 1.{n} WHERE category = 'books';",
    'fetch("/api/{key}?page={n}").then(r => r.json()).then(data => setItems(data.items));',
    '@app.route("/{key}/<int:item_id>")\ndef {fn}(item_id):\n    return jsonify(db.get(item_id))',
    'export default function {cls}() {{ return <Button variant="primary">Save</Button>; }}',
    'LOG_LEVEL=debug\nPORT={port}\nWORKERS=4\nCACHE_DIR=/var/cache/{key}',
    'pip install pandas==2.{n}.0 numpy scikit-learn',
    'df = pd.read_csv("sales_{n}.csv")\ndf.groupby("region")["{key}"].sum().plot(kind="bar")',
    'kubectl get pods -n {key} | grep CrashLoopBackOff',
    'ValueError: could not convert string to float: \'{key}\'',
]
CODE_POSITIVE = [
    'DB_PASSWORD="{SECRET:password}"\nDB_HOST={IP_ADDRESS:ip}',
    'client = OpenAI(api_key="{SECRET:api_key}")',
    'curl -H "Authorization: Bearer {SECRET:api_key}" https://api.example.com/v1/me',
    '[{:ts}] login ok user={USERNAME:username} from {IP_ADDRESS:ip}',
    'git config user.email "{EMAIL:email}"',
    'ADMIN_EMAIL = "{EMAIL:email}"  # {PERSON:full}',
]
CLASSES = "OrderItem UserProfile SettingsPanel InvoiceRow CartView ReportCard".split()
FUNCS = "parse_rows load_config merge_users compute_stats render_page sync_orders fetch_all".split()
KEYS = "user_id payload config items status token_count orders".split()


class Synthesizer:
    def __init__(self, rng: random.Random, addresses: list[dict] | None = None):
        self.rng = rng
        self.values = Values(rng, addresses)
        self.families = [(name, rows, weight) for name, (rows, weight) in T.FAMILIES.items()]

    def fill(self, template: str) -> tuple[str, list[list]]:
        text, spans, pos = "", [], 0
        for m in SLOT.finditer(template):
            text += template[pos:m.start()]
            value = self._value(m.group(2))
            if m.group(1) and value:
                spans.append([len(text), len(text) + len(value), m.group(1)])
            text += value
            pos = m.end()
        text += template[pos:]
        return _tidy(text, spans)

    def _value(self, kind: str) -> str:
        if kind == "ts":
            return self.values.timestamp()
        return self.values.value(kind)

    def template_row(self) -> dict:
        r = self.rng
        name, rows, _ = r.choices(self.families, weights=[w for *_, w in self.families])[0]
        text, spans = self.fill(r.choice(rows))
        return {"text": text, "spans": spans, "source": f"synthetic-{name}"}

    def code_row(self) -> dict:
        r = self.rng
        if r.random() < 0.15:
            text, spans = self.fill(r.choice(CODE_POSITIVE))
            return {"text": text, "spans": spans, "source": "synthetic-code"}
        text = r.choice(CODE).format(fn=r.choice(FUNCS), cls=r.choice(CLASSES), n=r.randint(1, 9999), key=r.choice(KEYS),
                                     port=r.choice([80, 443, 3000, 5432, 8080]),
                                     ts=self.values.timestamp(),
                                     hexstr="".join(r.choice("0123456789abcdef") for _ in range(64)))
        return {"text": text, "spans": [], "source": "synthetic-code"}

    def ask_row(self) -> dict:
        return {"text": self.rng.choice(LX.GENERIC_ASKS), "spans": [], "source": "synthetic-negative"}


def _tidy(text: str, spans: list[list]) -> tuple[str, list[list]]:
    """Collapse the double spaces an empty slot leaves, keeping offsets in step."""
    out, shift, kept = [], [0] * (len(text) + 1), 0
    for i, c in enumerate(text):
        shift[i] = kept
        if c == " " and (not out or out[-1] == " "):
            continue
        out.append(c)
        kept += 1
    shift[len(text)] = kept
    joined = "".join(out)
    spans = [[shift[s], shift[s] + (e - s), lab] for s, e, lab in spans]
    return joined, [s for s in spans if joined[s[0]:s[1]].strip()]


def fold(text: str) -> str:
    """Lower case without changing length (str.lower can grow "İ"), so offsets hold."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def noisy(row: dict, rng: random.Random) -> dict:
    """How people type: a share of rows in lower case, without final punctuation, or shouting."""
    text = row["text"]
    roll = rng.random()
    if roll < 0.3:
        text = fold(text)
    elif roll < 0.32:
        text = "".join(c.upper() if len(c.upper()) == 1 else c for c in text)
    if rng.random() < 0.3 and text[-1:] in ".?!" and not any(e == len(text) for _, e, _ in row["spans"]):
        text = text[:-1]
    return {**row, "text": text}


def joined(rows: list[dict], rng: random.Random) -> dict:
    """Several rows as one message (sentences or paragraphs), offsets shifted."""
    text, spans = "", []
    for row in rows:
        sep = "" if not text else rng.choice([" ", " ", "\n", "\n\n", ". "])
        base = len(text) + len(sep)
        text += sep + row["text"]
        spans += [[s + base, e + base, lab] for s, e, lab in row["spans"]]
    return {"text": text, "spans": spans, "source": "joined:" + "+".join(sorted({r["source"] for r in rows}))}
