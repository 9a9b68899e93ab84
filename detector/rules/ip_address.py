"""IPv4 and IPv6 addresses, validated by the stdlib's ipaddress module.

Version numbers ("1.2.3", "version 10.0.19041.1") and addresses that identify no one
(loopback, unspecified, multicast, netmasks) are not reported.
"""
import ipaddress
import re

from detector.categories import Category
from detector.rules.base import Pattern, Recognizer
from detector.text import words_regex

IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?:/\d{1,2})?(?!\w|\.\d)")
# Hex groups joined by ':' (with at most one '::'); ipaddress decides what is real.
IPV6 = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:[0-9A-Fa-f]{1,4}|(?:\d{1,3}\.){3}\d{1,3})?(?:/\d{1,3})?(?![\w:])")
VERSION_WORDS = words_regex(["version", "ver", "v", "build", "release", "firmware", "kernel", "python", "node", "chrome"])


class IpAddressRecognizer(Recognizer):
    category = Category.IP_ADDRESS
    PATTERNS = (Pattern("ipv4", IPV4, score=0.6, triggers=(".",)), Pattern("ipv6", IPV6, score=0.6, triggers=("::", ":")))
    context_rescues = False  # an invalid address is not an address, whatever the context

    def find(self, text: str):
        return [s for s in super().find(text) if not self._version_number(text, s.start)]

    @staticmethod
    def _version_number(text: str, start: int) -> bool:
        before = text[max(0, start - 12):start]
        return bool(VERSION_WORDS.search(before)) or before.endswith(("v", "V"))

    def validate(self, value: str, pattern: Pattern) -> bool | None:
        address = value.split("/", 1)[0]
        if pattern.name == "ipv6" and ("::" not in address and address.count(":") < 7):
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.is_loopback or ip.is_unspecified or ip.is_multicast or address.startswith("255."):
            return False
        if pattern.name == "ipv6" and not any(c.isdigit() for c in address):
            return False  # "dead::beef", "a::b" (C++ scopes) are words, not addresses
        return True
