"""Dates and times as a phone's number pad can type them, on every form."""

import datetime

import pytest

from cellmeet.inputs import DateField, TimeField, parse_date, parse_time
from meetings.meeting.forms import PlanForm
from meetings.minutes.forms import MinutesForm
from members.people.forms import MemberForm


@pytest.mark.parametrize("text", ["19:30", "1930", "19.30", "19h30", "19 30", "19H30", " 19:30 "])
def test_every_way_of_typing_half_past_seven_in_the_evening(text):
    assert parse_time(text) == datetime.time(19, 30)


@pytest.mark.parametrize("text", ["7:05", "705", "07.05", "7h05", "7h5"])
def test_an_hour_of_one_digit(text):
    assert parse_time(text) == datetime.time(7, 5)


@pytest.mark.parametrize("text", ["2460", "25:00", "19:75", "abc", "19:30:99", "1", "193012", ""])
def test_what_is_not_a_time_is_refused(text):
    assert parse_time(text) is None


@pytest.mark.parametrize("text", ["05/01/2027", "5/1/2027", "05012027", "05.01.2027", "5-1-2027",
                                  "2027-01-05"])  # fmt: skip
def test_every_way_of_typing_the_fifth_of_january(text):
    assert parse_date(text) == datetime.date(2027, 1, 5)


@pytest.mark.parametrize("text", ["31022027", "32/01/2027", "05/13/2027", "050127", "x", "5/1"])
def test_what_is_not_a_date_is_refused(text):
    assert parse_date(text) is None


def test_the_widgets_offer_the_number_pad_and_the_refusal_says_what_to_type():
    time_field, date_field = TimeField(), DateField()
    assert 'inputmode="numeric"' in time_field.widget.render("t", None)
    assert 'inputmode="numeric"' in date_field.widget.render("d", None)
    form = PlanForm(data={"kind": "regular", "day": "31/02/2027", "time": "7 giờ", "place": "x"})
    assert not form.is_valid()
    assert "05012027" in str(form.errors["day"]) and "1930" in str(form.errors["time"])


@pytest.mark.django_db
def test_the_plan_minutes_and_member_forms_take_digits_only():
    plan = PlanForm(
        data={"kind": "regular", "day": "05012027", "time": "1930", "place": "Nhà văn hóa"}
    )
    assert plan.is_valid(), plan.errors
    assert plan.cleaned_data["day"] == datetime.date(2027, 1, 5)
    assert plan.cleaned_data["time"] == datetime.time(19, 30)
    from members.models import Member

    minutes = MinutesForm(data={"version": 1, "opened_at": "19h30", "closed_at": "2115"},
                          members=Member.objects.none(), items=[])  # fmt: skip
    minutes.is_valid()
    assert minutes.cleaned_data["opened_at"] == datetime.time(19, 30)
    assert minutes.cleaned_data["closed_at"] == datetime.time(21, 15)
    member = MemberForm(data={"date_of_birth": "01021980"})
    member.is_valid()
    assert member.cleaned_data["date_of_birth"] == datetime.date(1980, 2, 1)
