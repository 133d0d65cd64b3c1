import datetime

import pytest
from django.urls import reverse

from meetings import services
from meetings.meeting import services as meeting_services
from meetings.models import Lesson, Rating, RatingTemplate
from meetings.rotation_plan import ratings
from members.enums import RoleKind
from tests.factories import make_user
from tests.meetings.conftest import at

# The shipped rating templates, whatever ran before in this process.
pytestmark = pytest.mark.usefixtures("rating_templates")


@pytest.fixture
def model_meeting(cell_people):
    p = cell_people
    meeting = meeting_services.plan_meeting(actor=p["secretary_user"], cell=p["cell"], kind="model",
                                    planned_at=at(datetime.date(2018, 5, 5)), place="NVH")  # fmt: skip
    meeting_services.record_committee_session(actor=p["secretary_user"], meeting=meeting,
                                      held_on=datetime.date(2018, 5, 1), attendees=[],
                                      agreed_content="x")  # fmt: skip
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="prepared")
    services.change_state(actor=p["secretary_user"], meeting=meeting, to="held")
    meeting.refresh_from_db()
    return meeting


def test_the_shipped_templates_and_their_bands(db):
    points = RatingTemplate.objects.get(code="thang-100")
    assert points.max_total == 100
    assert [points.band_for(n) for n in (80, 79, 70, 69, 50, 49)] == [
        "Tốt", "Khá", "Khá", "Trung bình", "Trung bình", "Yếu"]  # fmt: skip
    checklist = RatingTemplate.objects.get(code="hd12")
    assert checklist.kind == "checklist" and checklist.max_total == 7
    assert checklist.band_for(7) == "Đạt yêu cầu" and checklist.band_for(6) == "Chưa đạt yêu cầu"


def test_an_organisation_chooses_its_template(tree, model_meeting):
    assert ratings.template_for(tree["a"]).code == "thang-100"
    hd12 = RatingTemplate.objects.get(code="hd12")
    hd12.organisation = tree["x"]
    hd12.save()
    assert ratings.template_for(tree["a"]).code == "hd12"
    assert ratings.template_for(tree["b"]).code == "thang-100"


def test_host_and_superior_rate_and_observers_write_lessons(
    client, tree, model_meeting, cell_people
):
    url = reverse("meetings:meeting_rating", args=[model_meeting.pk, "host"])
    client.force_login(cell_people["secretary_user"])
    scores = {"preparation": 18, "attendance": 9, "conduct": 40, "principles": 14, "reports": 8}
    assert client.post(url, scores).status_code == 302
    host = Rating.objects.get(meeting=model_meeting, role="host")
    assert (host.total, host.band) == (89, "Tốt")
    response = client.post(url, {**scores, "conduct": 46})
    assert response.status_code == 200 and Rating.objects.get(pk=host.pk).total == 89
    assert (
        client.get(
            reverse("meetings:meeting_rating", args=[model_meeting.pk, "superior"])
        ).status_code
        == 403
    )
    staff = make_user(tree["x"], username="staff_rates")
    client.force_login(staff)
    superior = reverse("meetings:meeting_rating", args=[model_meeting.pk, "superior"])
    client.post(superior, {**scores, "conduct": 30})
    assert Rating.objects.get(meeting=model_meeting, role="superior").band == "Khá"
    guest = make_user(tree["a"], RoleKind.MEMBER, username="observer_a")
    client.force_login(guest)
    assert client.get(url).status_code == 403
    client.post(reverse("meetings:lesson_create", args=[model_meeting.pk]),
                {"text": "Học cách điều hành thảo luận"})  # fmt: skip
    assert Lesson.objects.get(meeting=model_meeting).author == guest
    page = client.get(model_meeting.get_absolute_url()).content.decode()
    assert "89/100" in page and "Học cách điều hành thảo luận" in page


def test_only_model_meetings_are_rated(held_meeting, cell_people):
    with pytest.raises(ratings.RatingError, match="chi bộ điểm"):
        ratings.rate_meeting(actor=cell_people["secretary_user"], meeting=held_meeting,
                             role="host", scores={})  # fmt: skip


def test_other_cells_cannot_reach_ratings(client, tree, model_meeting):
    client.force_login(make_user(tree["b"], RoleKind.SECRETARY, username="sec_b"))
    assert (
        client.get(reverse("meetings:meeting_rating", args=[model_meeting.pk, "host"])).status_code
        == 404
    )
    assert client.get(reverse("meetings:lesson_create", args=[model_meeting.pk])).status_code == 404
