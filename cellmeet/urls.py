from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from meetings.views import HomeView
from members.access.forms import LoginForm
from members.access.views import PasswordChangeView


class FaviconView(RedirectView):
    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")  # at request time: the hashed name exists by then


urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    # Browsers ask for /favicon.ico on their own, e.g. when they show a PDF.
    path("favicon.ico", FaviconView.as_view(), name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(form_class=LoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("members.urls")),
    path("", include("meetings.urls")),
]

# Django looks the 500 handler up here; a database outage answers 503 (see errors.py).
handler500 = "cellmeet.errors.server_error"
