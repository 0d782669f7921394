from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from clinic.project import views
from records import views as records_views
from scheduling import views as scheduling_views

admin.site.site_header = "Clinic administration"
admin.site.site_title = "Clinic admin"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="clinic/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api/v1/", include("clinic.core.api.urls")),
    path("api/v1/", include("scheduling.api.urls")),
    path("api/v1/", include("intake.api.urls")),
    path("api/v1/", include("notes.api.urls")),
    path("api/v1/", include("records.api.urls")),
    path("api/v1/", include("homework.api.urls")),
    path("messages/", include("clinic.notifications.urls")),
    path("intake/", include("intake.urls")),
    path("homework/", include("homework.urls")),
    path("clients/<int:client_id>/timeline/", records_views.timeline_page, name="timeline-page"),
    path("calendars/<str:token>.ics", scheduling_views.calendar_feed, name="calendar-feed-ics"),
    path("book/offer/<str:token>/", scheduling_views.waitlist_offer, name="waitlist-offer"),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

handler404 = "clinic.project.handlers.not_found"
handler500 = "clinic.project.handlers.server_error"
