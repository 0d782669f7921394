from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from clinic.core.two_factor import views as two_factor_views
from clinic.project import views
from records import views as records_views
from scheduling import views as scheduling_views

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # The admin signs in through our pages too, so its sign-in has the same
    # second step and lockout (its own login view would sign in on the password).
    path("admin/login/", two_factor_views.SignInView.as_view(next_page="admin:index")),
    path("admin/", admin.site.urls),
    path("accounts/login/", two_factor_views.SignInView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", two_factor_views.SecondStepView.as_view(), name="two-factor"),
    path(
        "accounts/two-factor/setup/",
        two_factor_views.SetUpView.as_view(),
        name="two-factor-setup",
    ),
    path(
        "accounts/two-factor/settings/",
        two_factor_views.TwoFactorSettingsView.as_view(),
        name="two-factor-settings",
    ),
    path("api/v1/", include("clinic.core.api.urls")),
    path("api/v1/", include("scheduling.api.urls")),
    path("api/v1/", include("intake.api.urls")),
    path("api/v1/", include("notes.api.urls")),
    path("api/v1/", include("records.api.urls")),
    path("api/v1/", include("homework.api.urls")),
    path("work/", include("workspace.urls")),
    path("messages/", include("clinic.notifications.urls")),
    path("intake/", include("intake.urls")),
    path("homework/", include("homework.urls")),
    path("clients/<int:client_id>/timeline/", records_views.timeline_page, name="timeline-page"),
    path("calendars/<str:token>.ics", scheduling_views.calendar_feed, name="calendar-feed-ics"),
    path("book/offer/<str:token>/", scheduling_views.waitlist_offer, name="waitlist-offer"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # Our template: drf-spectacular's, made to work under the strict CSP.
        SpectacularSwaggerView.as_view(url_name="schema", template_name="clinic/api_docs.html"),
        name="api-docs",
    ),
]

handler404 = "clinic.project.handlers.not_found"
handler500 = "clinic.project.handlers.server_error"
