from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "homework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Notes sit below homework and never import it: homework plugs its
        # replies since the last visit into a new note's subjective section.
        from homework.prefill import SUBJECTIVE_SOURCE
        from notes.services import register_subjective_source

        register_subjective_source("homework", SUBJECTIVE_SOURCE)
