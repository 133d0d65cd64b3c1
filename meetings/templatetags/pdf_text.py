"""Filters for the text of printed documents."""

import re
import unicodedata

from django import template

register = template.Library()

# No Vietnamese word, and few web addresses, are longer than this. A longer run of
# characters without a space (text pasted by accident, or on purpose) is given a place
# to break every STEP characters: laid out as one unbreakable token, its cost would grow
# with the square of its length, and tens of thousands of characters hold a worker for
# minutes.
LONGEST_WORD = 40
STEP = 20
BREAK = "\u200b"  # zero-width space: a break opportunity that prints nothing
# Marks that change the direction of the text after them: in a name or an opinion they
# would print the document's own words backwards. Vietnamese needs none of them.
DIRECTION_MARKS = dict.fromkeys(
    map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
)
OVERLONG = re.compile(rf"\S{{{LONGEST_WORD + 1},}}")


def _with_breaks(match):
    out = []
    run = 0
    for char in match.group():
        if not unicodedata.combining(char):  # never between a letter and its accent
            if run == STEP:
                out.append(BREAK)
                run = 0
            run += 1
        out.append(char)
    return "".join(out)


@register.filter
def breakable(value):
    """User text as a document prints it: without direction marks, and with a break
    opportunity every STEP characters inside overlong runs."""
    text = str(value).translate(DIRECTION_MARKS)
    if len(text) <= LONGEST_WORD:
        return text
    return OVERLONG.sub(_with_breaks, text)
