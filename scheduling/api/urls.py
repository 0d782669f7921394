from __future__ import annotations

from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.api import views

router = SimpleRouter(trailing_slash=True)
router.register("services", views.ServiceViewSet, basename="service")
router.register("rooms", views.RoomViewSet, basename="room")
router.register("appointments", views.AppointmentViewSet, basename="appointment")
router.register("availability-overrides", views.OverrideViewSet, basename="availability-override")
router.register("waitlist", views.WaitlistViewSet, basename="waitlist")

urlpatterns = [
    path("slots/", views.SlotsView.as_view(), name="slots"),
    path("day/", views.DayView.as_view(), name="day"),
    path("calendar-feed/", views.CalendarFeedView.as_view(), name="calendar-feed"),
    path("waitlist-offers/<int:pk>/accept/", views.AcceptOfferView.as_view(), name="offer-accept"),
    *router.urls,
]
