from __future__ import annotations

from django.urls import path
from rest_framework.routers import DefaultRouter

from clinic.core.api import views

router = DefaultRouter(trailing_slash=True)
router.register("clients", views.ClientViewSet, basename="client")
router.register("therapists", views.TherapistViewSet, basename="therapist")
router.register("locations", views.LocationViewSet, basename="location")
router.register("muscles", views.MuscleViewSet, basename="muscle")
router.register("audit-events", views.AuditEventViewSet, basename="audit-event")
router.register("auth/tokens", views.ApiTokenViewSet, basename="api-token")

urlpatterns = [
    path("auth/token/", views.LoginView.as_view(), name="auth-token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("clinic/", views.ClinicView.as_view(), name="clinic"),
    *router.urls,
]
