import re
import unicodedata


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


def natural_key(text):
    """Sort key that ignores diacritics and orders "Tổ dân phố 2" before "Tổ dân phố 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", fold(text))]
