"""Password hashing with salted scrypt (stdlib) and a constant-time check."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

_N, _R, _P, _DKLEN = 2**14, 8, 1, 32
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=_N, r=_R, p=_P, dklen=_DKLEN)
    return f"scrypt${_N}${_R}${_P}${base64.b64encode(salt).decode()}${base64.b64encode(digest).decode()}"


def verify_password(password: str, stored: str | None) -> bool:
    """True when ``password`` matches ``stored``; same work whether or not the user exists."""
    if not stored:
        # Burn comparable time so an unknown user is not distinguishable by timing.
        hashlib.scrypt(b"x", salt=b"0" * 16, n=_N, r=_R, p=_P, dklen=_DKLEN)
        return False
    try:
        scheme, n, r, p, salt_b64, digest_b64 = stored.split("$")
        if scheme != "scrypt":
            return False
        salt = base64.b64decode(salt_b64)
        expected = base64.b64decode(digest_b64)
        actual = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=int(n), r=int(r), p=int(p), dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


# Passwords that head every published breach list, and the stems people decorate with digits and
# symbols ("Password123!"). A password equal to one of these after removing digits, symbols and
# case is refused, as is one made of a single repeated block or a keyboard/number run.
_COMMON_STEMS = frozenset(
    [
        "password",
        "passw0rd",
        "passwort",
        "motdepasse",
        "contrasena",
        "qwerty",
        "qwertyuiop",
        "asdfgh",
        "asdfghjkl",
        "zxcvbnm",
        "letmein",
        "welcome",
        "admin",
        "administrator",
        "root",
        "login",
        "iloveyou",
        "monkey",
        "dragon",
        "sunshine",
        "princess",
        "football",
        "baseball",
        "master",
        "shadow",
        "superman",
        "batman",
        "trustno",
        "abc",
        "abcdef",
        "abcdefgh",
        "secret",
        "changeme",
        "default",
        "hospital",
        "doctor",
        "nurse",
        "bonemdt",
        "chair",
        "member",
        "coordinator",
        "analyst",
    ]
)
_RUNS = ("0123456789", "9876543210", "abcdefghijklmnopqrstuvwxyz", "qwertyuiop", "asdfghjkl", "zxcvbnm")


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` is too weak (a message that never repeats it), or None when acceptable."""
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if not password.strip() or len(set(password)) < 4:
        return "must not be blank or made of a few repeated characters"
    lowered = password.lower()
    stem = "".join(ch for ch in lowered if ch.isalpha())
    if stem in _COMMON_STEMS or lowered in _COMMON_STEMS or (not stem and lowered.isdigit()):
        return "is a commonly breached password; choose another"
    for size in range(1, len(lowered) // 2 + 1):
        block = lowered[:size]
        if len(lowered) % size == 0 and block * (len(lowered) // size) == lowered:
            return "must not be one block repeated"
    if any(lowered in run for run in _RUNS):
        return "must not be a keyboard or number sequence"
    name = username.strip().lower()
    if name and len(name) >= 3 and name in lowered:
        return "must not contain the username"
    return None
