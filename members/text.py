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


def natural_key(text):
    """Sort key that ignores diacritics and orders "Tổ dân phố 2" before "Tổ dân phố 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", fold(text))]
