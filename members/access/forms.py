"""Login, password change and positions."""

from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from cellmeet.inputs import DATE_WIDGET, DateField
from members.access.lockout import locked_until, lockout_message
from members.auth import client_address
from members.enums import PositionRole
from members.forms import CleanInputMixin
from members.models import Member


class PasswordChangeForm(CleanInputMixin, auth_forms.PasswordChangeForm):
    """Django's password change form, refusing input as ours do. The old password is
    checked like a login's (members.auth): counted, and refused while locked."""

    def __init__(self, user, *args, request=None, **kwargs):
        self.request = request
        super().__init__(user, *args, **kwargs)

    def clean_old_password(self):
        password = self.cleaned_data["old_password"]
        username = self.user.get_username()
        ip = client_address(self.request)
        if until := locked_until(username, ip):
            raise forms.ValidationError(lockout_message(until), code="locked")
        if authenticate(self.request, username=username, password=password) is None:
            if until := locked_until(username, ip):
                raise forms.ValidationError(lockout_message(until), code="locked")
            raise forms.ValidationError(
                self.error_messages["password_incorrect"], code="password_incorrect"
            )
        return password


class PositionForm(CleanInputMixin, forms.Form):
    member = forms.ModelChoiceField(label=_("Đảng viên"), queryset=Member.objects.none())
    role = forms.ChoiceField(label=_("Chức vụ"), choices=PositionRole.choices)
    started_on = DateField(label=_("Từ ngày"), widget=DATE_WIDGET)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members


class EndPositionForm(CleanInputMixin, forms.Form):
    ended_on = DateField(label=_("Ngày kết thúc"), widget=DATE_WIDGET)


class LoginForm(CleanInputMixin, auth_forms.AuthenticationForm):
    """Django's login form, refusing input as ours do, and saying plainly when repeated
    failures locked the account."""

    def clean(self):
        username = self.cleaned_data.get("username")
        ip = client_address(self.request)
        if username and (until := locked_until(username, ip)):
            raise forms.ValidationError(lockout_message(until), code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if username and (until := locked_until(username, ip)):
                raise forms.ValidationError(lockout_message(until), code="locked") from None
            raise
