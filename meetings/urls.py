from django.urls import path

from meetings.compliance import views as compliance_views
from meetings.documents import views as document_views
from meetings.follow_up import views as follow_up_views
from meetings.meeting import views as meeting_views
from meetings.minutes import part_views as minutes_part_views
from meetings.minutes import views as minutes_views
from meetings.notices import views as notice_views
from meetings.reopening import views as reopen_views
from meetings.reorganisation import views as reorganise_views
from meetings.rotation_plan import views as rotation_views
from meetings.screen import views as screen_views

app_name = "meetings"

urlpatterns = [
    path("orgs/<int:pk>/meetings/", meeting_views.MeetingListView.as_view(), name="meeting_list"),
    path(
        "orgs/<int:pk>/meetings/new/",
        meeting_views.MeetingCreateView.as_view(),
        name="meeting_create",
    ),
    path("meetings/<int:pk>/", meeting_views.MeetingDetailView.as_view(), name="meeting_detail"),
    path(
        "meetings/<int:pk>/edit/", meeting_views.MeetingUpdateView.as_view(), name="meeting_update"
    ),
    path(
        "meetings/<int:pk>/committee/",
        meeting_views.CommitteeSessionView.as_view(),
        name="meeting_committee",
    ),
    path("meetings/<int:pk>/agenda/", minutes_views.AgendaView.as_view(), name="meeting_agenda"),
    path(
        "meetings/<int:pk>/attendance/",
        minutes_views.AttendanceView.as_view(),
        name="meeting_attendance",
    ),
    path("meetings/<int:pk>/minutes/", minutes_views.MinutesView.as_view(), name="meeting_minutes"),
    # the meeting night on one screen, offline first
    path("meetings/sw.js", screen_views.service_worker, name="screen_worker"),
    path("meetings/<int:pk>/screen/", screen_views.MeetingScreenView.as_view(), name="screen"),
    path(
        "meetings/<int:pk>/screen/operations/",
        screen_views.MeetingOperationsView.as_view(),
        name="screen_operations",
    ),
    path(
        "meetings/<int:pk>/screen/action/",
        screen_views.MeetingScreenActionView.as_view(),
        name="screen_action",
    ),
    path(
        "meetings/<int:pk>/minutes/draft/",
        minutes_views.MinutesDraftView.as_view(),
        name="meeting_draft",
    ),
    path(
        "meetings/<int:pk>/opinions/new/",
        minutes_part_views.OpinionCreateView.as_view(),
        name="opinion_create",
    ),
    path(
        "opinions/<int:pk>/delete/",
        minutes_part_views.OpinionDeleteView.as_view(),
        name="opinion_delete",
    ),
    path(
        "meetings/<int:pk>/votes/new/",
        minutes_part_views.VoteCreateView.as_view(),
        name="vote_create",
    ),
    path("votes/<int:pk>/delete/", minutes_part_views.VoteDeleteView.as_view(), name="vote_delete"),
    path(
        "meetings/<int:pk>/state/<str:to>/",
        meeting_views.MeetingStateView.as_view(),
        name="meeting_state",
    ),
    path("meetings/<int:pk>/sign/", meeting_views.MeetingSignView.as_view(), name="meeting_sign"),
    path("meetings/<int:pk>/reopen/ask/", reopen_views.ReopenAskView.as_view(), name="reopen_ask"),
    path(
        "meetings/<int:pk>/reopen/agree/",
        reopen_views.ReopenAgreeView.as_view(),
        name="reopen_agree",
    ),
    path(
        "meetings/<int:pk>/verify/",
        document_views.MeetingVerifyView.as_view(),
        name="meeting_verify",
    ),
    path(
        "meetings/<int:pk>/minutes.pdf", document_views.MeetingPdfView.as_view(), name="meeting_pdf"
    ),
    path(
        "meetings/<int:pk>/resolution.pdf",
        document_views.ResolutionPdfView.as_view(),
        name="resolution_pdf",
    ),
    path(
        "meetings/<int:pk>/documents/issue/",
        document_views.MeetingDocumentsView.as_view(),
        name="meeting_documents",
    ),
    path("orgs/<int:pk>/minute-book/", document_views.MinuteBookView.as_view(), name="minute_book"),
    path("verify/<str:code>/", document_views.VerifyCodeView.as_view(), name="verify_code"),
    path("orgs/<int:pk>/reorganise/", reorganise_views.ReorganiseView.as_view(), name="reorganise"),
    path("orgs/<int:pk>/split/", reorganise_views.SplitView.as_view(), name="split"),
    path("orgs/<int:pk>/rotation/", rotation_views.RotationView.as_view(), name="rotation"),
    path("orgs/<int:pk>/compliance/", compliance_views.ComplianceView.as_view(), name="compliance"),
    path("rotation/<int:pk>/", rotation_views.RotationSlotView.as_view(), name="rotation_slot"),
    path(
        "meetings/<int:pk>/addendum/",
        follow_up_views.AddendumCreateView.as_view(),
        name="meeting_addendum",
    ),
    path(
        "meetings/<int:pk>/tasks/new/", follow_up_views.TaskCreateView.as_view(), name="task_create"
    ),
    path("tasks/<int:pk>/", follow_up_views.TaskUpdateView.as_view(), name="task_update"),
    path(
        "meetings/<int:pk>/rating/<str:role>/",
        rotation_views.RatingView.as_view(),
        name="meeting_rating",
    ),
    path(
        "meetings/<int:pk>/lessons/new/",
        rotation_views.LessonCreateView.as_view(),
        name="lesson_create",
    ),
    path(
        "meetings/<int:pk>/disseminations/new/",
        follow_up_views.DisseminationCreateView.as_view(),
        name="dissemination_create",
    ),
    # before the meeting: notice, documents, replies, written opinions
    path("meetings/<int:pk>/notice/", notice_views.NoticeView.as_view(), name="meeting_notice"),
    path(
        "meetings/<int:pk>/documents/new/",
        notice_views.AttachmentCreateView.as_view(),
        name="attachment_create",
    ),
    path(
        "documents/<int:pk>/",
        notice_views.AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),  # fmt: skip
    path(
        "documents/<int:pk>/delete/",
        notice_views.AttachmentDeleteView.as_view(),
        name="attachment_delete",
    ),
    path("meetings/<int:pk>/reply/", notice_views.ReplyView.as_view(), name="meeting_reply"),
    path(
        "meetings/<int:pk>/written-opinions/new/",
        notice_views.WrittenOpinionCreateView.as_view(),
        name="written_opinion_create",
    ),
    path(
        "written-opinions/<int:pk>/bring/",
        notice_views.BringOpinionView.as_view(),
        name="written_opinion_bring",
    ),
    path("notifications/", notice_views.NotificationListView.as_view(), name="notifications"),
    path(
        "notifications/<int:pk>/open/",
        notice_views.NotificationOpenView.as_view(),
        name="notification_open",
    ),
]
