from django.urls import path

from intake import views

app_name = "intake"
urlpatterns = [path("<str:token>/", views.intake_page, name="page")]
