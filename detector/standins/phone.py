"""PHONE: same country code, trunk prefix, grouping and separators; a different number that
phonenumbers accepts as valid for the same region and line type. Never NANP 555 numbers."""
from __future__ import annotations

import phonenumbers
from phonenumbers import PhoneNumberType as T

from detector.formats import PHONE_REGIONS
from detector.standins.casing import fold
from detector.standins.part import Part, whole
from detector.standins.shape import ascii_digits, digit_slots_fill, reshape

_TRIES = 600


def _parse(surface: str):
    digits = ascii_digits(surface)
    text = surface.strip()
    candidates = []
    if text.startswith("+"):
        candidates.append((text, None))
    elif text.startswith("00") and len(digits) > 8:
        candidates.append(("+" + digits[2:], None))
    candidates += [(text, r) for r in PHONE_REGIONS]  # no country code: read it in these, in order
    for number, region in candidates:
        try:
            parsed = phonenumbers.parse(number, region)
        except phonenumbers.NumberParseException:
            continue
        if phonenumbers.is_valid_number(parsed):
            return parsed, region
    return None, None


def _same_type(a: int, b: int) -> bool:
    either = {T.FIXED_LINE, T.MOBILE, T.FIXED_LINE_OR_MOBILE}
    return a == b or (a in either and b in either and T.FIXED_LINE_OR_MOBILE in (a, b))


def _fictional(parsed) -> bool:
    nsn = phonenumbers.national_significant_number(parsed)
    return parsed.country_code == 1 and (nsn[3:6] == "555" or nsn[:3] == "555")


def make_phone(surface: str):
    parsed, _ = _parse(surface)
    digits = ascii_digits(surface)
    nsn = phonenumbers.national_significant_number(parsed) if parsed else ""
    if not parsed or not digits.endswith(nsn):
        return lambda rng, attempt: reshape(surface, rng, keep=1)
    region = phonenumbers.region_code_for_number(parsed)
    kind = phonenumbers.number_type(parsed)
    head = digits[: len(digits) - len(nsn)]

    def make(rng, attempt):
        for i in range(_TRIES):
            # Keep more of the leading digits as tries fail: small regions sharing a country
            # code (Guernsey in +44) own only a few number ranges.
            keep = min(1 + i // 100, max(len(nsn) - 3, 1))
            new = nsn[:keep] + "".join(rng.choice("0123456789") for _ in nsn[keep:])
            if new == nsn:
                continue
            cand = phonenumbers.PhoneNumber(country_code=parsed.country_code, national_number=int(new))
            if parsed.italian_leading_zero:
                cand.italian_leading_zero = True
                cand.number_of_leading_zeros = parsed.number_of_leading_zeros
            if (phonenumbers.is_valid_number(cand) and phonenumbers.region_code_for_number(cand) == region
                    and _same_type(phonenumbers.number_type(cand), kind) and not _fictional(cand)
                    and phonenumbers.national_significant_number(cand) == new):
                return digit_slots_fill(surface, head + new)
        return reshape(surface, rng, keep=len(head) + 1)

    return make


def parts(surface: str, session) -> list[Part]:
    digits = ascii_digits(surface)
    return whole(surface, "phone:" + fold(surface), "PHONE", make_phone(surface),
                 seed_key="phone-digits:" + digits)
