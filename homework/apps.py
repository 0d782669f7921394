from django.apps import AppConfig


class HomeworkConfig(AppConfig):
    name = "homework"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Notes sit below homework and never import it: homework plugs its
        # replies since the last visit into a new note's subjective section.
        from homework import selectors
        from notes.services import SubjectiveSource, register_subjective_source

        register_subjective_source(
            "homework",
            SubjectiveSource(
                data=selectors.replies_since_last_visit,
                lines=selectors.replies_as_sentences,
            ),
        )
