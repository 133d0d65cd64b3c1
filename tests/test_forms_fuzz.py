"""Every form is fuzzed: ours, and any of Django's that our views use (tests/fuzz.py).

The forms of each app are fuzzed in tests/<app>/test_forms_fuzz.py; the account forms,
which belong to the project, here.
"""

from django.urls import reverse
from hypothesis import strategies as st

import tests.meetings.test_forms_fuzz
import tests.members.test_forms_fuzz
from meetings.meeting.forms import PlanForm
from members.access.forms import LoginForm, PasswordChangeForm
from members.forms import CleanInputMixin
from members.people.forms import MemberForm
from tests.fuzz import (
    FUZZED,
    fuzz,
    fuzz_form_view,
    fuzzes,
    project_form_classes,
    texts,
    view_form_classes,
)

# Importing them registers their @fuzzes marks, whichever files pytest was asked to run.
FUZZ_MODULES = [tests.members.test_forms_fuzz, tests.meetings.test_forms_fuzz]


def test_every_form_is_fuzzed_through_a_view():
    forms = project_form_classes() | view_form_classes()
    assert {PlanForm, MemberForm, LoginForm} <= forms
    missing = sorted(f"{form.__module__}.{form.__name__}" for form in forms - set(FUZZED))
    assert not missing, f"no fuzz test posts these forms (mark one with @fuzzes): {missing}"


def test_every_form_of_ours_refuses_input_the_same_way():
    plain = sorted(
        form.__name__ for form in project_form_classes() if not issubclass(form, CleanInputMixin)
    )
    assert not plain, f"forms without CleanInputMixin: {plain}"


@fuzzes(LoginForm)
def test_fuzz_login_form(personas):
    username = st.one_of(st.just("secretary_a"), texts())
    password = st.one_of(st.just("pw-for-tests-1"), texts())
    data = st.fixed_dictionaries({"username": username, "password": password})
    fuzz(None, reverse("login"), data)


@fuzzes(PasswordChangeForm)
def test_fuzz_password_change_form(personas):
    old = st.one_of(st.just("pw-for-tests-1"), texts())
    extra = st.fixed_dictionaries({"old_password": old})
    valid = {"new_password1": "Núi Tây Côn Lĩnh 2428", "new_password2": "Núi Tây Côn Lĩnh 2428"}
    url = reverse("password_change")
    fuzz_form_view(personas["secretary_a"], url, valid=valid, extra=extra, skip=("old_password",))


def test_a_nul_character_at_login_is_refused_in_vietnamese(client, personas):
    data = {"username": "secretary_a", "password": "pw-for-tests-1\x00"}
    response = client.post(reverse("login"), data)
    assert "ký tự không hợp lệ (ký tự NUL)" in response.content.decode()
