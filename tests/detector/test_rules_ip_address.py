import pytest

from detector.rules.ip_address import IpAddressRecognizer
from tests.detector.rules_helpers import validated, values

R = IpAddressRecognizer()


@pytest.mark.parametrize("text, expected", [
    ("keep getting address 41.173.96.26 blocked", "41.173.96.26"),
    ("server at 10.0.0.12.", "10.0.0.12"),
    ("subnet 192.168.1.0/24", "192.168.1.0/24"),
    ("v6 6e40:4041:c617:e898:c11:40d2:c669:2eb4 here", "6e40:4041:c617:e898:c11:40d2:c669:2eb4"),
    ("link-local fe80::1ff:fe23:4567:890a", "fe80::1ff:fe23:4567:890a"),
    ("client_ip = ?%//!%20\\|106.31.73.20", "106.31.73.20"),
])
def test_addresses(text, expected):
    assert values(R, text) == [expected]
    assert validated(R, text)[expected] is True


@pytest.mark.parametrize("text", [
    "version 1.2.3.4 is out",
    "upgrade to v10.0.19041.1",
    "numbers 1.2.3",
    "999.1.1.1 is not an address",
    "localhost 127.0.0.1",
    "bind 0.0.0.0",
    "netmask 255.255.255.0",
    "at 12:30:45 today",
    "std::vector and a::b",
    "dead::beef",
])
def test_ignores_non_addresses(text):
    assert values(R, text) == []
