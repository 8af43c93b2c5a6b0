"""Masking of personal identifiers for lists, exports and logs (SPEC §6)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# Drawn once per process: a phone key is good for the sessions of this process and means nothing elsewhere.
_KEY_SECRET = secrets.token_bytes(32)


def mask_id(id_number: str | None) -> str | None:
    """620102********1234: area code and the last four kept."""
    if not id_number:
        return id_number
    if len(id_number) < 10:
        return "*" * len(id_number)
    return id_number[:6] + "*" * (len(id_number) - 10) + id_number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****1234."""
    if not phone:
        return phone
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def mask_name(name: str | None) -> str | None:
    """张*明 for three characters, 张* for two."""
    if not name:
        return name
    if len(name) == 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


# An ID number (18 characters, or an old 15-digit one) or a mobile number standing on its own in a
# text, such as the value quoted in a rejection reason ("身份证号“…”校验位错误").
_ID_IN_TEXT = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE_IN_TEXT = re.compile(r"(?<!\d)1\d{10}(?!\d)")


def mask_text(text: str | None) -> str | None:
    """Free text with every ID number and mobile number in it masked (messages, reasons)."""
    if not text:
        return text
    text = _ID_IN_TEXT.sub(lambda m: mask_id(m.group()), text)
    return _MOBILE_IN_TEXT.sub(lambda m: mask_phone(m.group()), text)


def phone_key(phone: str | None) -> str | None:
    """A key that stands for a phone in a session or a list (opening a cadre's file): not the phone, nor
    computable back to it without this process's secret (a plain hash of 11 digits could be)."""
    if not phone:
        return None
    return hmac.new(_KEY_SECRET, phone.encode("utf-8"), hashlib.sha256).hexdigest()[:20]
