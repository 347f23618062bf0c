"""Sorting and finding people by name the way a German HR office expects.

``name_fold`` drops case and diacritics (DIN 5007-1: "Ö" sorts and matches as "O", "ß" as
"ss"; letters without a decomposition such as "Ł", "ø", "æ" are spelled out), so "Oztürk"
finds "Öztürk" and "Łukasz" sorts under L, not after Z. ``name_sort_key`` puts the family name
(the last word) first. Both are plain strings computed in Python and stored, so SQLite and
PostgreSQL sort and search alike, through an index, without a collation of their own.
"""

import unicodedata

SPELLED_OUT = str.maketrans(
    {"ß": "ss", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "đ": "d", "ı": "i", "þ": "th", "ħ": "h"}
)


def name_fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().translate(SPELLED_OUT)
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.split())


def name_sort_key(full_name: str) -> str:
    """ "Dr. Jörg Weiß" → "weiss dr. jorg": family name first, then the rest as written."""
    words = name_fold(full_name).split()
    if len(words) < 2:
        return " ".join(words)
    return " ".join([words[-1], *words[:-1]])
