"""Identifiers with a shape: e-mail, URL, handle, IBAN, tax, insurance and file numbers,
phone numbers, licence plates.

Every expression here is linear-time: each starts behind a look-behind that fails inside a
run of the same characters, repeats a single character class (or a group that begins with
a separator the class cannot match) and bounds every repetition. Candidates are then
checked in Python with the official check digits (``python-stdnum``, ``phonenumbers``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final

import phonenumbers
from phonenumbers import Leniency, PhoneNumberMatcher, PhoneNumberType
from stdnum import iban as stdnum_iban
from stdnum.de import idnr as stdnum_idnr
from stdnum.de import stnr as stdnum_stnr

from bot.privacy.lexicon import plate_prefixes

#: A hit before merging: (kind, start, end).
Hit = tuple[str, int, int]

# ---------------------------------------------------------------------------------------
# E-mail, URL, handle
# ---------------------------------------------------------------------------------------

_EMAIL: Final = re.compile(
    r"(?<![\w.%+-])[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){0,6}\.[^\W\d_]{2,24}(?![\w-])"
)
_URL: Final = re.compile(r"(?i)(?<![\w@])(?:https?://|www\.)[^\s<>\"'“”„]{1,2000}")
_TOP_LEVEL_DOMAINS: Final = (
    "de|com|net|org|eu|info|tv|me|ru|ua|pl|tr|io|be|ly|gl|to|at|ch|app|blog|online|shop|"
    "social|gg|co|uk|fm|link|nl|fr|it|es|biz"
)
_BARE_DOMAIN: Final = re.compile(
    r"(?i)(?<![\w@./-])(?:[a-z0-9][a-z0-9-]{0,62}\.){1,4}(?:" + _TOP_LEVEL_DOMAINS + r")"
    r"(?![\w-])(?:/[^\s<>\"'“”„]{0,2000})?"
)
_HANDLE: Final = re.compile(r"(?<![\w@./])@[A-Za-z0-9_][A-Za-z0-9_.]{0,38}")
_TRAILING: Final = ".,;:!?'\"…"


def _trim_url(text: str, start: int, end: int) -> int:
    """End of a URL without trailing punctuation and an unbalanced closing bracket."""
    while end > start and text[end - 1] in _TRAILING + ")]}":
        if text[end - 1] in ")]}" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def find_emails(text: str) -> Iterator[Hit]:
    """E-mail addresses."""
    for match in _EMAIL.finditer(text):
        start, end = match.span()
        while text[start] == ".":
            start += 1
        yield "email", start, end


def find_urls(text: str) -> Iterator[Hit]:
    """Web addresses with a scheme, with "www." or as a bare domain with a known ending."""
    for pattern in (_URL, _BARE_DOMAIN):
        for match in pattern.finditer(text):
            start, end = match.span()
            end = _trim_url(text, start, end)
            if end - start > 4:
                yield "url", start, end


def find_handles(text: str) -> Iterator[Hit]:
    """Social-media handles: "@" followed by a name with at least one letter."""
    for match in _HANDLE.finditer(text):
        start, end = match.span()
        while end > start + 1 and text[end - 1] == ".":
            end -= 1
        name = text[start + 1 : end]
        if len(name) >= 2 and any(char.isalpha() for char in name):
            yield "handle", start, end


# ---------------------------------------------------------------------------------------
# Keyword context
# ---------------------------------------------------------------------------------------


def _near(pattern: re.Pattern[str], text: str, start: int, end: int, window: int) -> bool:
    """Whether ``pattern`` occurs within ``window`` characters around ``start``…``end``."""
    before = pattern.search(text, max(0, start - window), start) is not None
    return before or pattern.search(text, end, min(len(text), end + window)) is not None


def _near_before(pattern: re.Pattern[str], text: str, start: int, window: int) -> bool:
    """Whether ``pattern`` occurs within ``window`` characters before ``start``."""
    return pattern.search(text, max(0, start - window), start) is not None


# ---------------------------------------------------------------------------------------
# IBAN
# ---------------------------------------------------------------------------------------

_IBAN_CANDIDATE: Final = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?:[ -]?[A-Za-z0-9]){10,32}")
# Length of the IBAN per country (ISO 13616 registry).
_IBAN_LENGTHS: Final = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22,
    "BH": 22, "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22,
    "DK": 18, "DO": 28, "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27,
    "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28,
    "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27,
    "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15,
    "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23,
    "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip


def find_ibans(text: str) -> Iterator[Hit]:
    """IBANs with a valid check sum, and German ones with a typo in the check digits."""
    for match in _IBAN_CANDIDATE.finditer(text):
        start = match.start()
        country = text[start : start + 2].upper()
        length = _IBAN_LENGTHS.get(country)
        if length is None:
            continue
        positions = [i for i in range(start, match.end()) if text[i].isalnum()]
        if len(positions) < length:
            continue
        compact = "".join(text[i] for i in positions[:length]).upper()
        if stdnum_iban.is_valid(compact) or (country == "DE" and compact[2:].isdigit()):
            yield "iban", start, positions[length - 1] + 1


# ---------------------------------------------------------------------------------------
# Tax identifiers
# ---------------------------------------------------------------------------------------

_IDNR: Final = re.compile(r"(?<![\w/.,-])\d{2} ?\d{3} ?\d{3} ?\d{3}(?![\w/-]|[.,]\d)")
_IDNR_KEYWORD: Final = re.compile(
    r"(?i)steuer-?\s?id|steuer-?identifikations|identifikationsnummer|\bidnr\b|\btin\b"
)
_STNR: Final = re.compile(r"(?<![\w/.,-])\d{2,5}/\d{3,5}(?:/\d{4,5})?(?![\w/-]|[.,]\d)")
_STNR_KEYWORD: Final = re.compile(r"(?i)steuer-?\s?(?:nummer|nr)|\bst\.?-?nr\b|\bstnr\b")


def find_tax_ids(text: str) -> Iterator[Hit]:
    """Steuer-ID (11 digits, check digit) and Steuernummer (slash-separated groups)."""
    for match in _IDNR.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if stdnum_idnr.is_valid(digits) or _near_before(_IDNR_KEYWORD, text, match.start(), 60):
            yield "tax_id", match.start(), match.end()
    for match in _STNR.finditer(text):
        value = match.group()
        three_groups = value.count("/") == 2
        if (three_groups and stdnum_stnr.is_valid(value)) or (
            _near_before(_STNR_KEYWORD, text, match.start(), 40) and len(value) >= 11
        ):
            yield "tax_id", match.start(), match.end()


# ---------------------------------------------------------------------------------------
# Social-insurance and health-insurance numbers
# ---------------------------------------------------------------------------------------

_RVNR: Final = re.compile(r"(?<!\w)\d{2} ?\d{6} ?[A-Za-z] ?\d{2} ?\d(?!\w)")
_RVNR_KEYWORD: Final = re.compile(
    r"(?i)sozialversicherung|rentenversicherung|versicherungsnummer|\bs[vn]-?\s?n(?:r|ummer)"
    r"|\bsvnr\b|\brv-?\s?n(?:r|ummer)|\brvnr\b|\bdrv\b"
)
_KVNR: Final = re.compile(r"(?<!\w)[A-Za-z] ?\d{9}(?!\w)")
_KVNR_KEYWORD: Final = re.compile(
    r"(?i)versichert|krankenvers|\bkv-?\s?n(?:r|ummer)|\bkvnr\b|krankenkasse|gesundheitskarte"
    r"|\begk\b|kassennummer|\bkasse\b"
)


def _digit_sum(value: int) -> int:
    return value // 10 + value % 10


def rvnr_is_valid(number: str) -> bool:
    """Check digit of a Rentenversicherungsnummer ("15070649C103")."""
    digits = number[:8] + f"{ord(number[8].upper()) - 64:02d}" + number[9:11]
    weights = (2, 1, 2, 5, 7, 1, 2, 1, 2, 1, 2, 1)
    total = sum(_digit_sum(int(d) * w) for d, w in zip(digits, weights, strict=True))
    return total % 10 == int(number[11])


def kvnr_is_valid(number: str) -> bool:
    """Check digit of a Krankenversichertennummer ("A123456780")."""
    digits = f"{ord(number[0].upper()) - 64:02d}" + number[1:9]
    total = sum(_digit_sum(int(d) * (1 + i % 2)) for i, d in enumerate(digits))
    return total % 10 == int(number[9])


def _plausible_birth_date(ddmmyy: str) -> bool:
    day, month = int(ddmmyy[:2]), int(ddmmyy[2:4])
    return 1 <= day % 50 <= 31 and 1 <= month <= 12


def find_insurance_numbers(text: str) -> Iterator[Hit]:
    """Rentenversicherungsnummer (social insurance) and Krankenversichertennummer (health)."""
    for match in _RVNR.finditer(text):
        number = re.sub(r"\s", "", match.group())
        if rvnr_is_valid(number) or (
            _plausible_birth_date(number[2:8])
            and _near(_RVNR_KEYWORD, text, match.start(), match.end(), 60)
        ):
            yield "social_insurance", match.start(), match.end()
    for match in _KVNR.finditer(text):
        number = re.sub(r"\s", "", match.group())
        if kvnr_is_valid(number) or _near(_KVNR_KEYWORD, text, match.start(), match.end(), 60):
            yield "health_insurance", match.start(), match.end()


# ---------------------------------------------------------------------------------------
# Phone numbers
# ---------------------------------------------------------------------------------------

_PHONE_CANDIDATE: Final = re.compile(r"(?<![\w+])(?:\+|\(0|0)[\d ()/.\-]{5,30}\d")
_PHONE_KEYWORD: Final = re.compile(
    r"(?i)\b(?:tel|telefon\w*|handy\w*|mobil\w*|festnetz|fax|rufnummer|nummer|erreichbar"
    r"|whats-?app|anruf|rückruf|durchwahl)\b"
)
_LOCAL_PHONE: Final = re.compile(
    r"(?i)\b(?:tel|telefon|handy|mobil|festnetz|fax|rufnummer|telefonnummer|handynummer)"
    r"\b\.?:?\s{0,3}([1-9][\d /-]{3,12}\d)(?![\w/-])"
)
# Free, shared-cost and premium numbers are helplines and businesses, not families.
_SERVICE_TYPES: Final = frozenset(
    {
        PhoneNumberType.TOLL_FREE,
        PhoneNumberType.PREMIUM_RATE,
        PhoneNumberType.SHARED_COST,
        PhoneNumberType.UAN,
    }
)
#: Above this many candidates (only hostile input has so many) the format alone decides,
#: so that the check stays fast; the result can only be stricter.
MAX_VALIDATED_PHONE_CANDIDATES: Final = 64


def find_phones(text: str) -> Iterator[Hit]:
    """Phone numbers: German and international, validated with ``phonenumbers``."""
    candidates = list(_PHONE_CANDIDATE.finditer(text))
    validate = len(candidates) <= MAX_VALIDATED_PHONE_CANDIDATES
    for candidate in candidates:
        value = candidate.group()
        digit_count = sum(char.isdigit() for char in value)
        if not 6 <= digit_count <= 20:
            continue
        offset = candidate.start()
        if not validate:
            if digit_count >= 7:
                yield "phone", offset, candidate.end()
            continue
        found = False
        for number in PhoneNumberMatcher(value, "DE", leniency=Leniency.VALID):
            found = True
            if phonenumbers.number_type(number.number) in _SERVICE_TYPES:
                continue  # a helpline: nothing to report, and no fallback either
            yield "phone", offset + number.start, offset + number.end
        if (
            not found
            and digit_count >= 9
            and _near_before(_PHONE_KEYWORD, text, candidate.start(), 40)
        ):
            yield "phone", offset, candidate.end()
    for local in _LOCAL_PHONE.finditer(text):
        digits = sum(char.isdigit() for char in local.group(1))
        if 5 <= digits <= 15:
            yield "phone", local.start(1), local.end(1)


# ---------------------------------------------------------------------------------------
# File numbers
# ---------------------------------------------------------------------------------------

_FILE_KEYWORD: Final = re.compile(
    r"(?i)(?<![\w-])(?:az|aktenzeichen|akte|aktennummer|geschäftszeichen|gz|zeichen"
    r"|fallnummer|fall-?nr|fall-?nummer|vorgangsnummer|vorgangs-?nr|vorgang|kundennummer"
    r"|kunden-?nr|bg-?nummer|bg-?nr|bedarfsgemeinschaftsnummer|kassenzeichen|antragsnummer"
    r"|bescheid-?nr|hilfe-?nr|mitgliedsnummer|personenkennziffer)(?![\w-])"
)
# After the keyword: punctuation, up to three words ("der Polizei:"), then the code.
_FILE_AFTER_KEYWORD: Final = re.compile(
    r"[\s.:#]{0,6}(?:[^\W\d_]{1,20}[\s:]{1,3}){0,3}(?P<code>[A-Za-z0-9][A-Za-z0-9./-]{1,40})"
)
_COURT_FILE: Final = re.compile(
    r"(?<![\w/.-])\d{1,3} (?:F|UF|WF|XVII|VI|Js|Ds|Ls|Cs|AR|Ns|Qs|BvR|C|O|S|T|K|L)"
    r" \d{1,6}/\d{2}(?:\d{2})?(?![\w/])"
)
_OFFICE_FILE: Final = re.compile(
    r"(?<![\w/.,-])[1-9]\d(?:\.\d{1,2})?(?:[-/](?:\d{1,6}|[A-Za-z]{2,4})){1,4}(?![\w/-]|[.,]\d)"
)
_SLASH_FILE: Final = re.compile(r"(?<![\w/.,-])\d{3,6}/\d{2,4}(?![\w/-]|[.,]\d)")
_JOBCENTER_FILE: Final = re.compile(r"(?<!\w)\d{5}BG\d{7}(?!\w)")
_UNIT_AFTER: Final = re.compile(
    r"\s?(?:€|%|euro|eur\b|uhr|min|minuten|stunden|std|km|kg|m\b|m²|jahre|monate|tage"
    r"|wochen|kinder|personen|plätze|fälle)",
    re.IGNORECASE,
)


def _digits(value: str) -> int:
    return sum(char.isdigit() for char in value)


def _unit_follows(text: str, end: int) -> bool:
    return _UNIT_AFTER.match(text, end, min(len(text), end + 12)) is not None


def _is_year_pair(value: str) -> bool:
    """ "2024/25", "2023/2024": a school or financial year, not a file number."""
    first, _, second = value.partition("/")
    if len(first) != 4 or not 1900 <= int(first) <= 2100:
        return False
    return int(second) % 100 == (int(first) + 1) % 100 or second == first


def find_file_numbers(text: str) -> Iterator[Hit]:
    """Aktenzeichen and similar references of offices, courts, police and job centres."""
    for match in _FILE_KEYWORD.finditer(text):
        after = _FILE_AFTER_KEYWORD.match(text, match.end(), min(len(text), match.end() + 90))
        if after is None:
            continue
        code = after.group("code").rstrip("./-")
        start = after.start("code")
        letters = any(char.isalpha() for char in code)
        separators = any(char in "./-" for char in code)
        if _digits(code) >= 3 and (letters or separators or _digits(code) >= 5):
            yield "file_number", start, start + len(code)
    for pattern in (_COURT_FILE, _JOBCENTER_FILE):
        for match in pattern.finditer(text):
            yield "file_number", match.start(), match.end()
    for match in _OFFICE_FILE.finditer(text):
        value = match.group()
        parts = re.split(r"[-/]", value)
        if _digits(value) < 5 or _unit_follows(text, match.end()):
            continue
        if len(parts) > 2 or "." in parts[0] or _digits(parts[1]) >= 4:
            yield "file_number", match.start(), match.end()
    for match in _SLASH_FILE.finditer(text):
        value = match.group()
        if not _is_year_pair(value) and not _unit_follows(text, match.end()):
            yield "file_number", match.start(), match.end()


# ---------------------------------------------------------------------------------------
# Licence plates
# ---------------------------------------------------------------------------------------

_PLATE: Final = re.compile(r"(?<![\w-])([A-ZÄÖÜ]{1,3})[- ]([A-Z]{1,2}) ?(\d{1,4})[EH]?(?![\w-])")
_PLATE_KEYWORD: Final = re.compile(r"(?i)kennzeichen|nummernschild|\bkfz\b")


def find_licence_plates(text: str) -> Iterator[Hit]:
    """German licence plates with a known district code ("SE-AB 123", "HH AB 1234")."""
    prefixes = plate_prefixes()
    for match in _PLATE.finditer(text):
        if match.group(1) in prefixes or _near_before(_PLATE_KEYWORD, text, match.start(), 30):
            yield "licence_plate", match.start(), match.end()
