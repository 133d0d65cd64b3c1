"""Server errors: a database outage answers 503 with a page that needs no database."""

import pytest
from django.db import (
    DatabaseError,
    IntegrityError,
    InterfaceError,
    OperationalError,
    ProgrammingError,
    connection,
)
from django.urls import reverse

from members.models import Member

OUTAGE_TITLE = "Cơ sở dữ liệu tạm thời không truy cập được"
ERROR_TITLE = "Hệ thống đang gặp sự cố"


def failing_database(error):
    """Every query raises `error`, as when PostgreSQL is stopped or drops the connection.

    The error page is rendered while this is in force, so it shows that the page
    itself runs no query.
    """

    def execute(execute, sql, params, many, context):
        raise error

    return connection.execute_wrapper(execute)


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["staff_x"])
    client.raise_request_exception = False  # answer as the server would, with handler500
    return client


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("connection to server at 127.0.0.1, port 5432 failed: Connection refused"),
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        DatabaseError("could not receive data from server"),
    ],
)
def test_database_outage_shows_the_outage_page_without_a_traceback(staff, error):
    with failing_database(error):
        response = staff.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "120" and response["Cache-Control"] == "no-store"
    assert OUTAGE_TITLE in page
    assert "Không có dữ liệu nào bị ghi dở" in page and "thử lại sau ít phút" in page
    assert "Traceback" not in page and str(error) not in page


def test_a_form_posted_during_an_outage_gets_the_outage_page_and_writes_nothing(staff, tree):
    data = {"full_name": "Hoàng Văn Mới", "sex": "male", "date_of_birth": "01/02/1980",
            "admitted_on": "03/02/2005"}  # fmt: skip
    with failing_database(OperationalError("server closed the connection unexpectedly")):
        response = staff.post(reverse("members:member_create", args=[tree["a"].pk]), data)
    assert response.status_code == 503 and OUTAGE_TITLE in response.content.decode()
    assert not Member.objects.filter(full_name="Hoàng Văn Mới").exists()


@pytest.mark.parametrize(
    "error",
    [ProgrammingError('relation "members_member" does not exist'), IntegrityError("duplicate")],
)
def test_other_database_errors_keep_the_ordinary_error_page(staff, error):
    """Retrying will not cure a bug or a conflict, so these do not promise it will."""
    with failing_database(error):
        response = staff.get(reverse("home"))
    page = response.content.decode()
    assert response.status_code == 500 and "Retry-After" not in response
    assert ERROR_TITLE in page and OUTAGE_TITLE not in page and "Traceback" not in page


@pytest.mark.parametrize("error", [OperationalError("down"), ProgrammingError("bug")])
def test_error_pages_carry_no_inline_script_or_style(staff, error):
    with failing_database(error):
        page = staff.get(reverse("home")).content.decode()
    assert "<script" not in page and "style=" not in page and "<style" not in page
    assert "css/errors.css" in page
