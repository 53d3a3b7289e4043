"""Finding a child by name or reference: the text a search matches, folded once when the
record is written (``Child.search_text``), and the words of a search, folded the same way.

Folding is lower case without accents (Unicode NFKD with the combining marks removed, so
"Zoë" is "zoe" and "Siân" "sian"), with the few Latin letters that do not decompose spelt
out ("Øyvind" is "oyvind"), apostrophes dropped ("O'Brien" is "obrien") and any other
character that is not a letter or a digit a space between words ("Smith-Jones" is "smith
jones", "LA-0042" "la 0042"). A child is found when every word of the search is part of
their text, in any order: "Katherine Rowanfield", "rowanfield kath" and "0042" all find
Katherine Rowanfield, LA-0042. Plain Python: no Django, so a migration can use it as it is.
"""

from __future__ import annotations

import re
import unicodedata

#: Letters NFKD leaves whole, as they are written without the mark.
_SPELT_OUT = str.maketrans(
    {"ø": "o", "ł": "l", "đ": "d", "ħ": "h", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"}
)
_APOSTROPHES = re.compile(r"['’‘`]")
_NOT_A_WORD = re.compile(r"[^0-9a-z]+")

#: The fields of ``Child`` that ``search_text`` is made of.
SEARCHED_FIELDS = ("first_name", "last_name", "preferred_name", "local_reference", "upn")


def fold(text: str) -> str:
    """``text`` lower case, without accents, its words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c)).translate(_SPELT_OUT)
    return _NOT_A_WORD.sub(" ", _APOSTROPHES.sub("", bare)).strip()


def search_words(query: str) -> list[str]:
    """The folded words of what was typed in the search box, each once, longest first."""
    return sorted(set(fold(query).split()), key=lambda word: (-len(word), word))


def search_text(
    *, first_name: str, last_name: str, preferred_name: str = "", local_reference: str = "", upn: str = ""
) -> str:
    """What a search of the children matches: the names and references, folded, and each
    reference written without its separators too ("la 0042 la0042"), so "LA0042" finds LA-0042."""
    words = [fold(value) for value in (first_name, last_name, preferred_name, local_reference, upn) if value]
    joined = [fold(value).replace(" ", "") for value in (local_reference, upn) if " " in fold(value)]
    return " ".join([w for w in words if w] + joined)
