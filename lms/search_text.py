"""Text handling the search shares between indexing and querying, on every database.

German readers type "Foerderung" for "Förderung" and "Strasse" for "Straße", so both the
indexed text and the query are *folded* the same way (ä → ae, ö → oe, ü → ue, ß → ss) before
PostgreSQL's German configuration or the Snowball stemmer sees them. A query is reduced to its
word tokens here, so no character a person types ever reaches a query syntax: ``") OR 1=1--``
is the two tokens "or" and "1".
"""

import re
from functools import lru_cache

import snowballstemmer
from django.utils.html import escape

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TOKENS = 8
MAX_TOKEN_LENGTH = 40
SNIPPET_CHARS = 220


def fold(text: str) -> str:
    """Lower case with German umlauts and ß spelled out."""
    return text.lower().translate(_FOLD)


def query_tokens(query: str) -> list[str]:
    """The folded words of a query, at most ``MAX_QUERY_TOKENS``, each at most 40 characters;
    underscores (part of ``\\w``) are separators, as for the indexed text."""
    words = _WORD.findall(fold(query).replace("_", " "))
    unique = list(dict.fromkeys(word[:MAX_TOKEN_LENGTH] for word in words))
    return unique[:MAX_QUERY_TOKENS]


@lru_cache(maxsize=1)
def _stemmer():
    return snowballstemmer.stemmer("german")


@lru_cache(maxsize=50_000)
def stem(word: str) -> str:
    """The German Snowball stem of a folded word."""
    return _stemmer().stemWord(word)


def stems(text: str) -> list[str]:
    """Stems of every word of ``text``, in order."""
    return [stem(word) for word in _WORD.findall(fold(text).replace("_", " "))]


def term_document(title: str, body: str) -> str:
    """The embedded search's document: each stem once, space-delimited with a leading space,
    so ``" vergab"`` matches a word that starts with the stem and nothing inside a word."""
    unique = dict.fromkeys(stems(f"{title} {body}"))
    return " " + " ".join(unique) + " "


def vocabulary(text: str, *, min_length: int = 4) -> set[str]:
    """Distinct folded words worth suggesting as a correction of a misspelling."""
    return {
        word[:MAX_TOKEN_LENGTH]
        for word in _WORD.findall(fold(text))
        if len(word) >= min_length and not word.isdigit() and "_" not in word
    }


def _matches(word: str, query_stems: list[str]) -> bool:
    folded = stem(fold(word))
    return any(folded.startswith(query_stem) for query_stem in query_stems)


def highlight(text: str, tokens: list[str], *, length: int = SNIPPET_CHARS) -> tuple[str, str]:
    """An HTML-safe passage of ``text`` around the first word matching a query token, with
    matching words in ``<mark>``, and the first matching word itself (for a link that takes
    the browser to the passage). Without a match: the text's beginning and ``""``."""
    query_stems = [stem(token) for token in tokens]
    words = list(_WORD.finditer(text))
    first = next((m for m in words if _matches(m.group(), query_stems)), None)
    if first is None:
        start = 0
    else:
        start = max(0, first.start() - length // 3)
        space = text.rfind(" ", 0, start)
        start = 0 if space < 0 or start == 0 else space + 1
    end = min(len(text), start + length)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    passage = text[start:end]
    parts, cursor = [], 0
    for match in _WORD.finditer(passage):
        if _matches(match.group(), query_stems):
            parts.append(escape(passage[cursor : match.start()]))
            parts.append(f"<mark>{escape(match.group())}</mark>")
            cursor = match.end()
    parts.append(escape(passage[cursor:]))
    html = "".join(parts)
    if start > 0:
        html = "… " + html
    if end < len(text):
        html += " …"
    return html, first.group() if first else ""
