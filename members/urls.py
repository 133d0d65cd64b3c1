from django.urls import path

from members import views

app_name = "members"

urlpatterns = [
    path("orgs/", views.OrganisationTreeView.as_view(), name="organisation_tree"),
    path("orgs/<int:pk>/", views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path("orgs/<int:pk>/new/", views.OrganisationCreateView.as_view(), name="organisation_create"),
    path("orgs/<int:pk>/edit/", views.OrganisationUpdateView.as_view(), name="organisation_update"),
    path(
        "orgs/<int:pk>/dissolve/",
        views.OrganisationDissolveView.as_view(),
        name="organisation_dissolve",
    ),
    path("orgs/<int:pk>/roles/<int:role>/carry/", views.RoleCarryView.as_view(), name="role_carry"),
    path("orgs/<int:pk>/as-of/", views.OrganisationAsOfView.as_view(), name="organisation_as_of"),
    path("orgs/<int:pk>/audit/", views.AuditLogView.as_view(), name="audit_log"),
    path("orgs/<int:pk>/members/", views.MemberListView.as_view(), name="member_list"),
    path("orgs/<int:pk>/members/new/", views.MemberCreateView.as_view(), name="member_create"),
    path("orgs/<int:pk>/members/import/", views.MemberImportView.as_view(), name="member_import"),
    path(
        "orgs/<int:pk>/members/export.csv",
        views.MemberExportView.as_view(),
        {"fmt": "csv"},
        name="member_export_csv",
    ),
    path(
        "orgs/<int:pk>/members/export.xlsx",
        views.MemberExportView.as_view(),
        {"fmt": "xlsx"},
        name="member_export_xlsx",
    ),
    path(
        "orgs/<int:pk>/positions/new/", views.PositionCreateView.as_view(), name="position_create"
    ),
    path("positions/<int:pk>/end/", views.PositionEndView.as_view(), name="position_end"),
    path("members/<int:pk>/", views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", views.MemberUpdateView.as_view(), name="member_update"),
    path("members/<int:pk>/transfer/", views.MemberTransferView.as_view(), name="member_transfer"),
    path("members/<int:pk>/status/", views.MemberRecordStatusView.as_view(), name="member_status"),
    path("members/<int:pk>/official/", views.MemberRecogniseView.as_view(), name="member_official"),
    path("members/<int:pk>/exempt/", views.MemberExemptView.as_view(), name="member_exempt"),
    path(
        "members/<int:pk>/reinstate/", views.MemberReinstateView.as_view(), name="member_reinstate"
    ),
]
