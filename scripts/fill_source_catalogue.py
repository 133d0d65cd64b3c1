"""Fill the Vietnamese catalogue from its own msgids.

cellmeet's source strings are written in Vietnamese, so the vi catalogue maps each
string to itself; keeping it explicit means `makemessages` shows at a glance that
nothing is missing, and a translator can still adjust wording without touching code.
"""

import sys

import polib

HEADER = {
    "Project-Id-Version": "cellmeet",
    "Language": "vi",
    "Language-Team": "Vietnamese",
    "Content-Type": "text/plain; charset=UTF-8",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def main(path):
    catalogue = polib.pofile(path)
    catalogue.metadata.update(HEADER)
    for entry in catalogue:
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        if entry.msgid_plural:
            entry.msgstr_plural = {0: entry.msgid_plural}
        else:
            entry.msgstr = entry.msgid
    catalogue.metadata_is_fuzzy = False
    catalogue.save(path)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "locale/vi/LC_MESSAGES/django.po")
