"""Fuzzing forms through their views: strategies, the runner and the registry.

Every form class of the project, and every form a view of ours takes from Django, must
be posted with hostile data by at least one test marked `@fuzzes(FormClass)`;
tests/test_forms_fuzz.py fails when one is not. The data for each field is drawn from
the form the view itself renders, so dynamic fields and the view's querysets are used.
"""

import datetime
import importlib
import os
import pkgutil

from django import forms
from django.apps import apps
from django.db import transaction
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils.functional import Promise
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

# Small enough for every fuzz file together to run in about a minute on SQLite; set
# CELLMEET_FUZZ_EXAMPLES to look harder.
FUZZ_SETTINGS = settings(
    max_examples=int(os.environ.get("CELLMEET_FUZZ_EXAMPLES", 20)),
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
)

FUZZED = {}  # form class -> names of the tests that post it through a view


def fuzzes(*form_classes):
    """Register a test as the fuzz of these form classes."""

    def mark(test):
        for form_class in form_classes:
            FUZZED.setdefault(form_class, []).append(f"{test.__module__}.{test.__name__}")
        return test

    return mark


# -- what a hostile or clumsy user types -------------------------------------------

HUGE = 100_000
ODD_TEXT = [
    "",
    " ",
    "\t\r\n",
    "\x00",
    "Nguyễn\x00Văn An",
    "\x00" * 50,
    "\x01\x02\x1b[31m\x7f",
    "\u202eRTL override\u202c",
    "\u200f\u200e\u200b\u2066",
    "\ufeffBOM",
    "\uffff\ufffe\U0010ffff",
    "👨‍👩‍👧‍👦🇻🇳🚩",
    "Ngu\u0303\u0302yê\u0309\u0300n" + "\u0301" * 40,
    "Nguye\u0302\u0303n Thi\u0323 Hu\u031bo\u031b\u0300ng",
    "<script>alert(1)</script>",
    "{{ form }}{% debug %}",
    "%(name)s %s %d {0}",
    "' OR 1=1 --",
    "../../etc/passwd",
    "x" * HUGE,
    "ệ" * HUGE,
    "\x00" * HUGE,
]
BAD_DATES = [
    "31/02/2018",
    "29/02/2019",
    "0000-00-00",
    "00/00/0000",
    "32/01/2020",
    "01/13/2020",
    "99999-01-01",
    "01/01/99999",
    "31/12/9999",
    "9999-12-31",
    "01/01/0001",
    "0001-01-01",
    "1/1/1",
    "01/01/1899",
    "-1",
    "2018-02-31",
    "١٥/٠٣/٢٠١٨",
    "05/03/2018\x00",
    "today",
]
BAD_TIMES = ["25:00", "24:00", "23:60", "-1:00", "8", "08:00:00", "99999:00", "12:5x", "٠٨:٠٠"]
BAD_INTEGERS = [
    "-1",
    "0",
    str(10**30),
    str(-(10**30)),
    str(2**63),
    str(2**31),
    "32768",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e309",
    "1e3",
    "1.5",
    " 7 ",
    "٣",
    "0x10",
    "9" * 5000,
    "1\x00",
]
BAD_PKS = ["-1", "0", str(10**20), str(2**63), str(2**63 - 1), "1.0", "abc", "1\x00", "", "[]"]


def texts():
    return st.one_of(
        st.sampled_from(ODD_TEXT),
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), min_size=250, max_size=600),
    )


def date_texts():
    return st.one_of(
        st.sampled_from(BAD_DATES),
        st.dates().map(lambda d: f"{d.day:02}/{d.month:02}/{d.year:04}"),
        st.dates(datetime.date(2015, 1, 1), datetime.date(2030, 12, 31)).map(
            lambda d: d.strftime("%d/%m/%Y")
        ),
        texts(),
    )


def time_texts():
    return st.one_of(
        st.sampled_from(BAD_TIMES), st.times().map(lambda t: t.strftime("%H:%M")), texts()
    )


def integer_texts(low=-5, high=120):
    return st.one_of(
        st.sampled_from(BAD_INTEGERS), st.integers(low, high).map(str), st.integers().map(str)
    )


def as_post(value):
    """A Python value as a browser would post it."""
    if value is None:
        return ""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, QuerySet | list | tuple):
        return [as_post(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return f"{value.day:02}/{value.month:02}/{value.year:04}"
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value)


def _choice_values(choices):
    values = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            values += _choice_values(label)
        else:
            values.append(str(getattr(value, "value", value)))
    return values


def values_for(field):
    """Strategy for what gets posted for one form field."""
    if isinstance(field, forms.ModelChoiceField):
        model = field.queryset.model
        own = [str(pk) for pk in field.queryset.values_list("pk", flat=True)[:30]]
        anyone = [str(pk) for pk in model._default_manager.values_list("pk", flat=True)[:60]]
        one = st.sampled_from(own + anyone + BAD_PKS)
        if isinstance(field, forms.ModelMultipleChoiceField):
            return st.one_of(st.lists(one, max_size=6), one)
        return one
    if isinstance(field, forms.BooleanField):
        return st.one_of(st.sampled_from(["on", "", "false", "0", "1"]), texts())
    if isinstance(field, forms.IntegerField):
        low = field.min_value if field.min_value is not None else -5
        high = field.max_value if field.max_value is not None else 120
        return integer_texts(low - 1, high + 1)
    if isinstance(field, forms.DateField):
        return date_texts()
    if isinstance(field, forms.TimeField):
        return time_texts()
    if isinstance(field, forms.ChoiceField):
        return st.one_of(st.sampled_from(_choice_values(field.choices) or [""]), texts())
    if isinstance(field, forms.CharField):
        return texts()
    raise NotImplementedError(f"no fuzz values for {type(field).__name__}")


MISSING = object()


def post_data(form, prefix="", skip=(), valid=None):
    """Strategy for a whole POST of `form`: a few fields fuzzed (or left out), the others
    as the page shows them or as `valid` fills them in, so that many posts get past
    the form to the service behind it."""
    base = {name: as_post(form[name].value()) for name in form.fields if name not in skip}
    base.update({name: value for name, value in (valid or {}).items() if name in base})
    fuzzers = {name: st.one_of(values_for(form.fields[name]), st.just(MISSING)) for name in base}

    @st.composite
    def data(draw):
        fuzzed = draw(st.sets(st.sampled_from(sorted(fuzzers)))) if fuzzers else set()
        drawn = {name: draw(fuzzers[name]) if name in fuzzed else base[name] for name in base}
        return {prefix + name: value for name, value in drawn.items() if value is not MISSING}

    return data()


def formset_data(formset):
    """Strategy for a POST of `formset`: each of its forms as post_data() draws it, and
    in half the posts a management form tampered with."""
    management = formset.management_form
    shown = {
        management.add_prefix(name): as_post(management[name].value()) for name in management.fields
    }
    tampered = st.fixed_dictionaries(
        {}, optional=dict.fromkeys(shown, st.one_of(integer_texts(-1, 30), st.just(MISSING)))
    )
    counts = st.one_of(st.just({}), tampered).map(
        lambda changes: {k: v for k, v in {**shown, **changes}.items() if v is not MISSING}
    )
    rows = [post_data(form, prefix=form.prefix + "-") for form in formset.forms]
    return st.tuples(counts, *rows).map(
        lambda parts: {k: v for part in parts for k, v in part.items()}
    )


# -- running -----------------------------------------------------------------------


def rejection_messages(context, names=("form",)):
    """Everything the forms (and formsets) in `context` say is wrong."""
    messages = []
    for name in names:
        thing = context.get(name)
        if thing is None:
            continue
        if isinstance(thing, forms.BaseFormSet):
            if thing.is_bound:
                messages += list(thing.non_form_errors())
                for form in thing.forms:
                    messages += [e for errors in form.errors.values() for e in errors]
            continue
        if isinstance(thing, str | Promise):
            messages.append(str(thing))
        elif isinstance(thing.errors, list):  # an import's result: the first rows shown
            messages += [error.message for error in thing.errors[:200]]
        else:
            messages += [e for errors in thing.errors.values() for e in errors]
    return messages


def check_response(response, *, allowed=(200, 302), shown=("form",), refused=True):
    """No server error; a page shown again says, visibly, why the data was refused.

    `refused`: a 200 means the data was refused (a POST that succeeds redirects);
    for GET forms a 200 is also the normal answer.
    """
    assert response.status_code in allowed, response.status_code
    if response.status_code != 200 or response.context is None:
        return
    messages = rejection_messages(response.context, shown)
    assert messages or not refused, "the form came back without saying what is wrong"
    page = response.content.decode()
    for message in messages:
        assert escape(message) in page, f"error not shown on the page: {message[:200]!r}"


def fuzz(
    user,
    url,
    strategy,
    *,
    method="post",
    send=None,
    allowed=(200, 302),
    shown=("form",),
    check=None,
):
    """Send each drawn `data` to `url` as `user` (None: anonymous), each example rolled back.

    `send(client, data)` replaces the plain GET or POST; `check(response, data)` adds
    assertions of the caller's.
    """

    @FUZZ_SETTINGS
    @given(data=strategy)
    def run(data):
        with transaction.atomic():
            client = Client(raise_request_exception=True)
            if user is not None:
                client.force_login(user)
            if send is not None:
                response = send(client, data)
            else:
                response = getattr(client, method)(url, data)
            check_response(response, allowed=allowed, shown=shown, refused=method == "post")
            if check is not None:
                check(response, data)
            transaction.set_rollback(True)

    run()


def shown_form(user, url, name="form"):
    """The form (or formset) the view renders on GET, to draw the data from."""
    client = Client(raise_request_exception=True)
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.context[name]


def fuzz_form_view(
    user, url, *, method="post", name="form", valid=None, extra=None, skip=(), **kwargs
):
    """Fuzz the fields of the form `url` shows to `user`, sending it back to `url`.

    `valid`: acceptable values for fields the page leaves empty; `extra`: a strategy
    for more data to send along.
    """
    form = shown_form(user, url, name)
    strategy = post_data(form, skip=skip, valid=valid)
    if extra is not None:
        strategy = st.tuples(strategy, extra).map(lambda pair: {**pair[1], **pair[0]})
    fuzz(user, url, strategy, method=method, shown=(name,), **kwargs)


# -- which forms there are ---------------------------------------------------------


def project_form_classes():
    """Every form class defined in a module of our own apps or of the project package."""
    packages = [config.module for config in apps.get_app_configs() if _ours(config.path)]
    packages.append(importlib.import_module("cellmeet"))
    found = set()
    for package in packages:
        modules = [package]
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if ".migrations" not in info.name:
                modules.append(importlib.import_module(info.name))
        for module in modules:
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, forms.BaseForm)
                    and value.__module__ == module.__name__
                ):
                    found.add(value)
    return found


def _ours(path):
    return "site-packages" not in path and "dist-packages" not in path


def view_form_classes():
    """Form classes our URLs' views use, any of Django's among them; the admin is
    Django's and is left out."""
    found = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name != "admin":
                    walk(pattern.url_patterns)
                continue
            view = getattr(pattern.callback, "view_class", None)
            initkwargs = getattr(pattern.callback, "view_initkwargs", {})
            form_class = initkwargs.get("form_class", getattr(view, "form_class", None))
            if form_class is not None:
                found.add(form_class)

    walk(get_resolver().url_patterns)
    return found
