from rest_framework.routers import SimpleRouter

from homework.api import views

router = SimpleRouter(trailing_slash=True)
router.register("exercises", views.ExerciseViewSet, basename="exercise")
router.register("dosing-profiles", views.DosingProfileViewSet, basename="dosing-profile")
router.register("homework-plans", views.PlanViewSet, basename="homework-plan")
urlpatterns = router.urls
