"""What the pages of both apps share."""

from django.contrib import messages
from django.shortcuts import redirect


def act_and_redirect(request, action, *, refused, done, to):
    """Run `action()` (a service call), say how it went, and go to `to`.

    `refused` is the error class (or tuple) the service raises with a message for the
    user; `done` is the success message, or a function of the action's result that
    returns it. A refusal is shown as an error and nothing else happens.
    """
    try:
        result = action()
    except refused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done(result) if callable(done) else done)
    return redirect(to)
