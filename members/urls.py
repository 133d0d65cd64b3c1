from django.urls import path

from members.access import views as access_views
from members.imports import views as imports_views
from members.people import views as people_views
from members.tree import views as tree_views

app_name = "members"

urlpatterns = [
    path("orgs/", tree_views.OrganisationTreeView.as_view(), name="organisation_tree"),
    path("orgs/<int:pk>/", tree_views.OrganisationDetailView.as_view(), name="organisation_detail"),
    path(
        "orgs/<int:pk>/new/",
        tree_views.OrganisationCreateView.as_view(),
        name="organisation_create",
    ),
    path(
        "orgs/<int:pk>/edit/",
        tree_views.OrganisationUpdateView.as_view(),
        name="organisation_update",
    ),
    path(
        "orgs/<int:pk>/dissolve/",
        tree_views.OrganisationDissolveView.as_view(),
        name="organisation_dissolve",
    ),
    path(
        "orgs/<int:pk>/roles/<int:role>/carry/",
        access_views.RoleCarryView.as_view(),
        name="role_carry",
    ),
    path(
        "orgs/<int:pk>/as-of/", tree_views.OrganisationAsOfView.as_view(), name="organisation_as_of"
    ),
    path("orgs/<int:pk>/audit/", tree_views.AuditLogView.as_view(), name="audit_log"),
    path("orgs/<int:pk>/members/", people_views.MemberListView.as_view(), name="member_list"),
    path(
        "orgs/<int:pk>/members/new/", people_views.MemberCreateView.as_view(), name="member_create"
    ),
    path(
        "orgs/<int:pk>/members/import/",
        imports_views.MemberImportView.as_view(),
        name="member_import",
    ),
    path(
        "orgs/<int:pk>/members/export.csv",
        imports_views.MemberExportView.as_view(),
        {"fmt": "csv"},
        name="member_export_csv",
    ),
    path(
        "orgs/<int:pk>/members/export.xlsx",
        imports_views.MemberExportView.as_view(),
        {"fmt": "xlsx"},
        name="member_export_xlsx",
    ),
    path(
        "orgs/<int:pk>/positions/new/",
        access_views.PositionCreateView.as_view(),
        name="position_create",
    ),
    path("positions/<int:pk>/end/", access_views.PositionEndView.as_view(), name="position_end"),
    path("members/<int:pk>/", people_views.MemberDetailView.as_view(), name="member_detail"),
    path("members/<int:pk>/edit/", people_views.MemberUpdateView.as_view(), name="member_update"),
    path(
        "members/<int:pk>/transfer/",
        people_views.MemberTransferView.as_view(),
        name="member_transfer",
    ),
    path(
        "members/<int:pk>/status/",
        people_views.MemberRecordStatusView.as_view(),
        name="member_status",
    ),
    path(
        "members/<int:pk>/official/",
        people_views.MemberRecogniseView.as_view(),
        name="member_official",
    ),
    path("members/<int:pk>/exempt/", people_views.MemberExemptView.as_view(), name="member_exempt"),
    path(
        "members/<int:pk>/reinstate/",
        people_views.MemberReinstateView.as_view(),
        name="member_reinstate",
    ),
]
