from django.urls import path

from homework import views

app_name = "homework"
urlpatterns = [
    path("plan/<str:token>/", views.plan_page, name="plan"),
    path("reply/<str:token>/", views.reply_page, name="reply"),
]
