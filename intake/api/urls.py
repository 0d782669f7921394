from django.urls import path
from rest_framework.routers import SimpleRouter

from intake.api import views

router = SimpleRouter(trailing_slash=True)
router.register("intake-submissions", views.SubmissionViewSet, basename="intake-submission")
router.register("documents", views.DocumentViewSet, basename="document")

urlpatterns = [
    path("clients/<int:client_id>/intake-link/", views.SendLinkView.as_view(), name="intake-link"),
    path("clients/<int:client_id>/outcomes/", views.OutcomesView.as_view(), name="outcomes"),
    path("clients/<int:client_id>/clearance/", views.ClearanceView.as_view(), name="clearance"),
    path(
        "clients/<int:client_id>/documents/",
        views.ClientDocumentsView.as_view(),
        name="client-documents",
    ),
    *router.urls,
]
