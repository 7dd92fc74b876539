"""The bytes of an .eml draft: To, From, Subject, Date and Message-ID headers over a text part
and an HTML part, as `email.message.EmailMessage` (the default policy) writes them.

Python's email package costs a letter more to load than the rest of its writing: for the usual
draft (plain ASCII names, addresses and subject, each header short enough to stand on one
line) the same bytes are written here directly. Anything else (a name or subject outside that,
an address the email package would have to judge) is handed to the email package, which then
decides, encodes and folds. tests/test_eml.py holds the two to the same bytes.
"""

from __future__ import annotations

import binascii
import random
import string
import sys
from datetime import datetime
from typing import NamedTuple

# RFC 5322 lines are folded beyond this many characters (the email package's max_line_length).
MAX_LINE = 78
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# What is written here without the email package (checked with str methods: a letter compiles
# no regular expression for them): a display name of words of these, one space apart; an
# address of dot-separated atoms of the first set (local part) and of the second (domain); a
# subject of printable ASCII words one space apart, without an encoded word's `=?`.
_NAME_CHARACTERS = frozenset(string.ascii_letters + string.digits + "'&.,()/- ")
_LOCAL_CHARACTERS = frozenset(string.ascii_letters + string.digits + "_+-")
_DOMAIN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-")
# A display name with one of these is written as a quoted string (RFC 5322 specials).
_SPECIALS = frozenset('()<>@,:;."[]')


class Draft(NamedTuple):
    """What an .eml draft says; the addresses are checked when it is written."""

    to_name: str
    to_address: str
    from_name: str
    from_address: str
    subject: str
    sent: datetime  # aware: the Date header keeps its UTC offset
    message_id: str  # with its angle brackets
    text: str
    html: str


class BadAddress(ValueError):
    """An address an email cannot carry: `which` is "to" or "from"."""

    def __init__(self, which: str) -> None:
        super().__init__(which)
        self.which = which


def message_id(idstring: str, domain: str) -> str:
    """A new Message-ID, as `email.utils.make_msgid(idstring, domain)` makes it."""
    import os
    import time

    return f"<{int(time.time() * 100)}.{os.getpid()}.{random.getrandbits(64)}.{idstring}@{domain}>"


def date_header(sent: datetime) -> str:
    """The Date header's value, as `email.utils.format_datetime` writes it."""
    return (
        f"{_DAYS[sent.weekday()]}, {sent.day:02d} {_MONTHS[sent.month - 1]} {sent.year:04d} "
        f"{sent.hour:02d}:{sent.minute:02d}:{sent.second:02d} {sent.strftime('%z')}"
    )


def written(draft: Draft) -> bytes:
    """The draft's bytes; BadAddress when an address cannot be written in an email."""
    plain = plain_written(draft, new_boundary())
    return plain if plain is not None else library_written(draft)


def library_written(draft: Draft, boundary: str | None = None) -> bytes:
    """The draft's bytes as the email package writes them (`boundary`: the multipart boundary,
    else the email package picks one)."""
    from email.errors import HeaderParseError
    from email.headerregistry import Address
    from email.message import EmailMessage

    mail = EmailMessage()
    try:
        mail["To"] = Address(display_name=draft.to_name, addr_spec=draft.to_address)
    except (ValueError, IndexError, HeaderParseError):
        raise BadAddress("to") from None
    try:
        mail["From"] = Address(display_name=draft.from_name, addr_spec=draft.from_address)
    except (ValueError, IndexError, HeaderParseError):
        raise BadAddress("from") from None
    mail["Subject"] = draft.subject
    # A draft to check and send: mail clients open it for editing, not as mail received.
    mail["X-Unsent"] = "1"
    mail["Date"] = date_header(draft.sent)
    mail["Message-ID"] = draft.message_id
    mail.set_content(draft.text)
    mail.add_alternative(draft.html, subtype="html")
    if boundary is not None:
        mail.set_boundary(boundary)
    return mail.as_bytes()


def new_boundary() -> str:
    """A multipart boundary as the email package's generator makes one."""
    return "=" * 15 + f"{random.randrange(sys.maxsize):019d}" + "=="


def plain_written(draft: Draft, boundary: str) -> bytes | None:
    """The draft's bytes with this boundary, written here; None when the email package must
    write it (see the module's docstring)."""
    headers = _plain_headers(draft)
    if headers is None:
        return None
    text, html = _part(draft.text, "plain", ""), _part(draft.html, "html", "MIME-Version: 1.0\n")
    if _crosses(boundary, text) or _crosses(boundary, html):
        return None
    return b"".join(
        (
            headers.encode("ascii"),
            f'MIME-Version: 1.0\nContent-Type: multipart/alternative;\n boundary="{boundary}"\n\n--{boundary}\n'.encode("ascii"),
            text,
            f"\n--{boundary}\n".encode("ascii"),
            html,
            f"\n--{boundary}--\n".encode("ascii"),
        )
    )


def _plain_headers(draft: Draft) -> str | None:
    to, sender = _plain_address(draft.to_name, draft.to_address), _plain_address(draft.from_name, draft.from_address)
    if to is None or sender is None or not _words(draft.subject) or "=?" in draft.subject:
        return None
    if not draft.subject.isascii() or not draft.subject.isprintable() or not _plain_message_id(draft.message_id):
        return None
    lines = [f"To: {to}", f"From: {sender}", f"Subject: {draft.subject}", "X-Unsent: 1", f"Date: {date_header(draft.sent)}"]
    if any(len(line) > MAX_LINE for line in lines):
        return None
    identified = f"Message-ID: {draft.message_id}"
    lines.append(identified if len(identified) <= MAX_LINE else f"Message-ID:\n {draft.message_id}")
    return "\n".join(lines) + "\n"


def _words(text: str) -> bool:
    """Not empty, one space between words, none before or after."""
    return bool(text) and text == text.strip(" ") and "  " not in text


def _atoms(text: str, characters: frozenset[str]) -> bool:
    """Dot-separated, each of `characters` and not empty."""
    return all(atom and characters.issuperset(atom) for atom in text.split("."))


def _plain_address(name: str, address: str) -> str | None:
    if not isinstance(name, str) or not isinstance(address, str) or address.count("@") != 1:
        return None
    local, domain = address.split("@")
    if not _atoms(local, _LOCAL_CHARACTERS) or not _atoms(domain, _DOMAIN_CHARACTERS):
        return None
    if not name:
        return address
    if not _words(name) or not _NAME_CHARACTERS.issuperset(name):
        return None
    return f'"{name}" <{address}>' if not _SPECIALS.isdisjoint(name) else f"{name} <{address}>"


def _plain_message_id(identifier: str) -> bool:
    """`<left@right>` of letters, digits, dots and hyphens, short enough for a line of its own."""
    if not identifier.startswith("<") or not identifier.endswith(">") or identifier.count("@") != 1:
        return False
    left, right = identifier[1:-1].split("@")
    allowed = _DOMAIN_CHARACTERS | {"."}
    return bool(left) and bool(right) and allowed.issuperset(left) and allowed.issuperset(right) and len(identifier) + 1 <= MAX_LINE


def _part(content: str, subtype: str, more_headers: str) -> bytes:
    """One part, its headers and body, as `set_content` and the generator write it."""
    encoding, body = _encoded_body(content)
    head = f'Content-Type: text/{subtype}; charset="utf-8"\nContent-Transfer-Encoding: {encoding}\n{more_headers}\n'
    return head.encode("ascii") + body


def _encoded_body(content: str) -> tuple[str, bytes]:
    """The transfer encoding `set_content` picks for this text, and the body in it (the email
    package's contentmanager._encode_text, for the default policy)."""
    lines = content.encode("utf-8").splitlines()
    body = b"\n".join(lines) + b"\n"
    if max((len(line) for line in lines), default=0) <= MAX_LINE:
        return ("7bit" if body.isascii() else "8bit"), body
    from email import quoprimime

    sniffed = b"\n".join(lines[:10]) + b"\n"
    sniffed_qp = quoprimime.body_encode(sniffed.decode("latin-1"), MAX_LINE)
    if len(sniffed_qp) > len(binascii.b2a_base64(sniffed)):
        per_line = MAX_LINE // 4 * 3
        return "base64", b"".join(binascii.b2a_base64(body[at : at + per_line]) for at in range(0, len(body), per_line))
    if len(lines) <= 10:
        return "quoted-printable", sniffed_qp.encode("ascii")
    return "quoted-printable", quoprimime.body_encode(body.decode("latin-1"), MAX_LINE).encode("ascii")


def _crosses(boundary: str, part: bytes) -> bool:
    """Whether the boundary stands anywhere in the part (the generator would pick another if it
    stood as a line of its own; here any sight of it hands the draft to the email package)."""
    return f"--{boundary}".encode("ascii") in part
