import re
import unicodedata
from functools import lru_cache


def fold(text):
    """Lower-case `text` and strip Vietnamese diacritics, for matching what people type.

    "Nguyễn Thị Hương" and "nguyen thi huong" fold to the same string; đ is not a
    combining mark in Unicode, so it is mapped by hand.
    """
    text = (text or "").replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def name_keys(full_name):
    """Search and sort keys for a person's name.

    Vietnamese lists are ordered by given name (the last word), then by the full name.
    """
    folded = fold(full_name)
    given = folded.rsplit(" ", 1)[-1]
    return {"search_name": folded, "sort_name": f"{given} {folded}"[:160]}


@lru_cache(maxsize=20_000)
def natural_key(text):
    """Sort key that ignores diacritics and orders "Tổ dân phố 2" before "Tổ dân phố 10".

    Kept for the names last seen: a province's tree sorts its 300 committees' names each
    time it is worked out."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", fold(text)))
