"""Verification codes people can type: Crockford base32 (no I, L, O, U), 26 random symbols
plus one check symbol (the value mod 37, which catches every single wrong symbol and every
swap of neighbours), shown in groups of four. Codes whose check value would need one of
Crockford's five extra check symbols (* ~ $ = U) are drawn again, so every symbol is a letter
or digit that is safe in URLs and file names: 130 bits less log2(37/32), about 129.8 bits.
Reading is forgiving: case, spaces and hyphens do not matter, and O/I/L are read as 0/1/1;
a mistyped symbol fails the check instead of naming another certificate. Codes issued before
(URL-safe base64, case-sensitive) keep working as they are."""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_SYMBOLS = 26  # 26 × 5 = 130 bits
GROUP = 4
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_value(symbols: str) -> int:
    value = 0
    for symbol in symbols:
        value = value * 32 + ALPHABET.index(symbol)
    return value % 37


def _grouped(symbols: str) -> str:
    return "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def new_verification_code() -> str:
    """A fresh code, e.g. ``7K3M-Q9TD-…-X2``, in the form stored and printed."""
    while True:
        symbols = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_SYMBOLS))
        check = _check_value(symbols)
        if check < len(ALPHABET):
            return _grouped(symbols + ALPHABET[check])


def canonical_verification_code(typed: str) -> str | None:
    """The stored form of a code as a person typed it, or None when it is not a valid code
    of this kind (wrong length or check symbol)."""
    symbols = "".join(typed.split()).replace("-", "").upper().translate(_READ_AS)
    if len(symbols) != RANDOM_SYMBOLS + 1:
        return None
    body, check = symbols[:-1], symbols[-1]
    if any(symbol not in ALPHABET for symbol in symbols):
        return None
    if ALPHABET.index(check) != _check_value(body):
        return None
    return _grouped(symbols)
