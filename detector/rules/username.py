"""Usernames and handles: "@handle" (not e-mail, not code annotations or CSS at-rules) and the
value after "username:", "my handle is", "Instagram: x", "login: x"..."""
import re

from spacy.lang.en.stop_words import STOP_WORDS

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer, near
from detector.rules.secret import PAIR_TRIGGERS, credential_pairs
from detector.span import Layer, Span
from detector.text import words_regex

_NAME = r"@?(?P<value>[A-Za-z0-9_][\w.\-]{1,30}[A-Za-z0-9_])(?![\w@])"
AT_HANDLE = re.compile(r"(?<![\w@.\-/`])@(?P<value>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@(/])(?!\.\w)")
_PLATFORMS = r"instagram|insta|ig|twitter|tiktok|snapchat|reddit|github|gitlab|discord|telegram|skype|steam|xbox|psn|twitch|youtube"
# "username is x", "my handle was x", "my instagram handle is x"
NAMED = re.compile(
    r"(?i:\b(?:(?:" + _PLATFORMS + r")\s+)?(?:user\s?name|uname|login\s+name|user\s?id|handle|screen\s?name|gamertag|nickname|account\s+name)"
    r"\s*(?:[:=]|\s(?:is|was)\b\s*[:=]?)\s*)" + _NAME
)
# "login: x", "IG: x", "Twitter = x" (a colon or equals sign after a platform or login label)
LABELLED = re.compile(r"(?i:\b(?:login|" + _PLATFORMS + r")\s*[:=]\s*)" + _NAME + r"(?!:/)")
# "dana_m_1990 on insta", "add me: k.walsh84 on discord": a handle-shaped word (a digit, "_" or
# "." inside) before a platform's name.
PLATFORM_AFTER = re.compile(r"\s(?i:on|at|via)\s+(?i:" + _PLATFORMS + r"|snap|facebook|fb|threads|bluesky|mastodon)\b")
# "my user is ines_r_2001", "her login was kwalsh84": a handle-shaped word after a person's user
# or login (a plain word there is a state: "my user is locked").
MY_USER = re.compile(r"(?i:\b(?:my|his|her|their|our)\s+(?:user|login)\s+(?:is|was)\s+)" + _NAME)
# "pls reset pw for acct jdoe_1987": a handle-shaped word right after an account's word.
ACCOUNT_HANDLE = re.compile(r"(?i:\b(?:acct|account|profile)(?:\s+|\s*#\s*))" + _NAME)
HANDLE_BEFORE = re.compile(r"(?<![\w@.\-/])(?P<value>[A-Za-z0-9_][\w.]{1,28}[A-Za-z0-9_])\s*$")
HANDLE_SHAPED = re.compile(r"^(?=.*[A-Za-z])(?=.*[\d_.])(?![vV]?\d+(?:\.\d+)+$)")  # not a version
# ...after a word that points to a person: "send it to", "add me", "my", "follow", "she is".
HANDLE_CUE = words_regex(["me", "my", "to", "follow", "add", "dm", "message", "text", "find", "contact",
                          "is", "her", "his", "their", "named", "called", "ping", "tag"])
# Annotations, at-rules and mentions that name no one.
NOT_HANDLES = frozenset("""
media import keyframes font-face charset supports page namespace layer container property
param return returns throws throw see since author version deprecated todo example type typedef
override interface end implementation synthesize protocol selector objc dynamic autoreleasepool
test before after beforeeach aftereach autowired component service entity table column id value
staticmethod classmethod dataclass abstractmethod cached_property pytest everyone here channel
all tailwind apply use extend include mixin function if else each for while error warn debug
click submit input change taken invalid incorrect wrong available required unique different
username user userid login name password passwd email handle
admin administrator root guest test tester demo postgres mysql ubuntu debian pi sa oracle
superuser sysadmin anonymous nobody default public shared runner vagrant ec2-user jenkins
www-data node app docker you yourname your_name yourusername your_username me someone
""".split())  # the last lines: label words and the default accounts of systems, nobody's name
# The account name inside a home folder, as stack traces and pasted paths carry it:
# "C:\Users\lidor\Desktop\...", "/home/fxu80pep/public_html", "/Users/jane/Library".
HOME_PARENTS = r"users|home|documents and settings"  # the folders that hold one folder per account
WINDOWS_HOME = re.compile(r"(?i:\b[a-z]:[\\/]+(?:" + HOME_PARENTS + r")[\\/]+)"
                          r"(?P<value>[^\\/:*?\"<>|%$\r\n\t]{1,40}?)(?=[\\/])")
UNIX_HOME = re.compile(r"(?<![\w.])/(?:home|Users)/(?P<value>[A-Za-z0-9_][\w.\-]{0,31})(?=/|[\s'\":,;)]|$)")
DECORATED = re.compile(r"\s*(?:@|def\b|class\b|async\b|public\b|private\b|protected\b|function\b)")


class UsernameRecognizer(Recognizer):
    category = Category.USERNAME
    PATTERNS = (
        Pattern("at_handle", AT_HANDLE, score=0.6, triggers=("@",)),
        Pattern("named", NAMED, score=0.6, triggers=("name", "handle", "user", "tag")),  # "uname" holds "name"
        Pattern("labelled", LABELLED, score=0.5, triggers=(":", "=")),
        Pattern("my_user", MY_USER, score=0.5, triggers=("user", "login")),
        Pattern("account_handle", ACCOUNT_HANDLE, score=0.45, triggers=("acct", "account", "profile")),
        Pattern("home_folder", WINDOWS_HOME, score=0.6,
                triggers=("\\users", "/users", "\\documents and", "/documents and")),
        Pattern("home_folder", UNIX_HOME, score=0.6, triggers=("/home/", "/users/")),
    )
    context_rescues = False

    def find(self, text: str, regions=None) -> list[Span]:
        spans = super().find(text, regions)
        if regions is None:
            spans += self._before_platforms(text)
        if regions is None and any(t in text.lower() for t in PAIR_TRIGGERS):
            # The user half of "login is ops_bot / x9-Tq" (the password is the secret family's).
            taken = {(s.start, s.end) for s in spans}
            for start, end, _, _ in credential_pairs(text):
                if (start, end) not in taken and not nobody(text[start:end]):
                    spans.append(Span(start, end, text[start:end], self.category, Layer.RULES, 0.6,
                                      source=self.source("credential_pair")))
        return spans

    def judge(self, text: str, start: int, end: int, pattern: Pattern) -> Span | None:
        if pattern.name == "at_handle" and self._decorator(text, start, end):
            return None
        return super().judge(text, start, end, pattern)

    def _before_platforms(self, text: str) -> list[Span]:
        """The handle before "on insta": found from the platform's name back (a scan for handles
        before every " on " cost 0.2 ms per 200 words)."""
        spans = []
        for platform in PLATFORM_AFTER.finditer(text):
            m = HANDLE_BEFORE.search(text, max(0, platform.start() - 31), platform.start())
            if m is None:
                continue
            start, end = m.span("value")
            value = text[start:end]
            # "photos on instagram", "me on discord", "v1.2 on github"
            if HANDLE_SHAPED.search(value) and not nobody(value) and near(text, start, end, HANDLE_CUE, before=24):
                spans.append(Span(start, end, value, self.category, Layer.RULES, 0.5,
                                  source=self.source("on_platform")))
        return spans

    @staticmethod
    def _decorator(text: str, start: int, end: int) -> bool:
        # "@login_required" alone on its line above a def/class is code, not a person.
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", end)
        if text[line_start:start - 1].strip() or line_end < 0 or text[end:line_end].strip(" ()\"'\t"):
            return False
        return bool(DECORATED.match(text, line_end + 1))

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        if nobody(value):
            return False
        if pattern.name == "at_handle" and value.isdigit():
            return False  # "@2x", "@3" are sizes and counts
        if pattern.name in ("my_user", "account_handle") and not HANDLE_SHAPED.search(value):
            return False
        if pattern.name == "account_handle" and not re.search(r"[A-Za-z].*\d|\d.*[A-Za-z]|_", value):
            return False  # "account 2024.01", "profile v2.1.3": a number or a version, not a handle
        return None


def nobody(value: str) -> bool:
    """A label word, a system's default account or a plain English word: no one's user name."""
    word = value.lower()
    return word in NOT_HANDLES or word in STOP_WORDS
