"""Log lines kept as their source message and parameters, shown in the reader's language.

Services write `_("Giải thể %(name)s từ ngày %(date)s") % {...}` with `_` from here: the
text is the actor's language as before, and it remembers the message and the values
put into it. The audit row stores both (members.services.record_audit); a page shows
the line translated for whoever reads it (AuditEvent.text).
"""

from django.utils.translation import gettext


class KeptText(str):
    """A translated message that remembers its source message and its parameters."""

    def __new__(cls, text, msgid=None, params=None):
        kept = super().__new__(cls, text)
        kept.msgid, kept.params = msgid, params
        return kept

    def __mod__(self, params):
        return KeptText(str.__mod__(self, params), self.msgid, params)

    def __reduce__(self):
        return KeptText, (str(self), self.msgid, self.params)


def gettext_kept(message):
    return KeptText(gettext(message), message)


def plain_params(params):
    """The parameters as JSON values: numbers stay numbers, the rest their text."""
    if not isinstance(params, dict):
        return None
    return {key: _plain(value) for key, value in params.items()}


def _plain(value):
    if isinstance(value, int | float):
        return value
    if isinstance(value, KeptText) and value.msgid:  # a title made of a message itself
        return {"message": value.msgid, "params": plain_params(value.params)}
    return str(value)


def shown(message, params, fallback):
    """`message` in the reader's language with `params`; the stored labels among the
    parameters (a status, a post, a role) translated too. `fallback` when it cannot be."""
    if not message:
        return fallback
    values = {key: _shown_value(value) for key, value in (params or {}).items()}
    try:
        return gettext(message) % values if params is not None else gettext(message)
    except (KeyError, TypeError, ValueError):
        return fallback


def _shown_value(value):
    if isinstance(value, dict):
        return shown(value.get("message"), value.get("params"), "")
    return gettext(value) if isinstance(value, str) and value else value
