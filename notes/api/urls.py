from django.urls import path
from rest_framework.routers import SimpleRouter

from notes.api import views

router = SimpleRouter(trailing_slash=True)
router.register("notes", views.NoteViewSet, basename="note")
router.register("note-templates", views.TemplateViewSet, basename="note-template")
router.register("problems", views.ProblemViewSet, basename="problem")

urlpatterns = [
    path(
        "clients/<int:client_id>/body-chart/",
        views.ClientBodyChartView.as_view(),
        name="client-body-chart",
    ),
    path("clients/<int:client_id>/pain-trend/", views.PainTrendView.as_view(), name="pain-trend"),
    path("clients/<int:client_id>/culprits/", views.CulpritHistoryView.as_view(), name="culprits"),
    path(
        "clients/<int:client_id>/problems/",
        views.ClientProblemsView.as_view(),
        name="client-problems",
    ),
    *router.urls,
]
