from django.urls import path

from records.api import views

urlpatterns = [
    path("clients/<int:client_id>/timeline/", views.TimelineView.as_view(), name="timeline"),
]
