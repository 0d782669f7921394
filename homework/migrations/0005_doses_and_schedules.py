# Doses that fit the exercise, schedules that agree with the frequency, and
# cautions that keep some exercises out of automatic proposals.

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models

import homework.models

# Each library exercise's dose kind (slugs of 0002_exercise_library): held
# stretches are static holds; the rocking frog, cat-camel and hip circles are
# moved through repeatedly (a few seconds each way); rolling and ball work are
# timed releases; strengthening is counted in sets of repetitions.
DOSE_KINDS = {
    "dynamic_reps": ["rocking-frog", "cat-camel", "hip-circles"],
    "release_time": [
        "foam-roll-front-thigh",
        "foam-roll-outer-thigh",
        "foam-roll-glutes",
        "ball-glute-medius",
        "ball-quadratus-lumborum",
    ],
    "strength_sets": [
        "back-extension",
        "glute-bridge",
        "dead-bug",
        "side-lying-leg-raise",
        "sit-to-stand",
        "calf-raise",
        "bird-dog",
    ],
}
# Never proposed automatically: the wide-knee rocking frog asks for hips that
# are already supple.
CAUTION_FLAGS = {"rocking-frog": ["flexible_only"]}

# Stretches the method advises against, in the library so that a therapist who
# adds one by hand is warned (never proposed automatically). Our own words.
# slug, name, area, sided, hold, targets, instructions, cautions, flags
DISCOURAGED = [
    (
        "standing-heel-to-buttock-quad",
        "Standing heel-to-buttock thigh stretch",
        "quadriceps",
        True,
        30,
        [
            ("vastus-lateralis", "L", True),
            ("vastus-intermedius", "L", True),
            ("vastus-medialis", "L", True),
            ("rectus-femoris", "L", False),
        ],
        "Stand holding a chair, bend one knee and draw that heel up behind you with your hand.",
        "With the hip bent forward this mostly folds the knee: it barely lengthens the front of "
        "the hip. The lying or kneeling versions with the hip straight reach it better.",
        ["discouraged"],
    ),
    (
        "standing-toe-touch",
        "Standing forward toe touch",
        "hamstrings",
        False,
        30,
        [
            ("biceps-femoris", "L", True),
            ("semitendinosus", "L", False),
            ("erector-spinae", "L", False),
        ],
        "Stand with straight knees and fold forward, reaching your hands towards your toes.",
        "Leaning forward reaches one line of the back of the thigh at best and does nothing for "
        "a pull from the front of the body; the strap stretches do each line on its own.",
        ["discouraged"],
    ),
    (
        "butterfly-knees-pressed",
        "Seated butterfly with the knees pressed down",
        "adductors",
        False,
        30,
        [
            ("adductor-longus", "L", True),
            ("adductor-brevis", "L", True),
            ("gracilis", "L", False),
        ],
        "Sit with the soles of the feet together and push the knees towards the floor.",
        "Forcing the knees down can strain a stiff groin; the gentle butterfly lets them fall on "
        "their own.",
        ["discouraged", "flexible_only"],
    ),
]


def forward(apps, schema_editor):
    Exercise = apps.get_model("homework", "Exercise")
    Target = apps.get_model("homework", "ExerciseTarget")
    Muscle = apps.get_model("clinic", "Muscle")
    for kind, slugs in DOSE_KINDS.items():
        Exercise.objects.filter(slug__in=slugs).update(dose_kind=kind)
    for slug, flags in CAUTION_FLAGS.items():
        Exercise.objects.filter(slug=slug).update(caution_flags=flags)
    muscles = {m.slug: m for m in Muscle.objects.all()}
    for slug, name, area, sided, hold, targets, instructions, cautions, flags in DISCOURAGED:
        if Exercise.objects.filter(slug=slug).exists():
            continue
        exercise = Exercise.objects.create(
            slug=slug,
            name=name,
            kind="stretch",
            area=area,
            sided=sided,
            default_hold_seconds=hold,
            default_repetitions=1,
            default_sets=1,
            contraindications=[],
            instructions=instructions,
            cautions=cautions,
            dose_kind="static_hold",
            caution_flags=flags,
        )
        for muscle_slug, effect, primary in targets:
            if muscle_slug in muscles:
                Target.objects.create(
                    exercise=exercise,
                    muscle=muscles[muscle_slug],
                    effect="lengthened" if effect == "L" else "worked",
                    primary=primary,
                )


def backward(apps, schema_editor):
    apps.get_model("homework", "Exercise").objects.filter(
        slug__in=[row[0] for row in DISCOURAGED]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("homework", "0004_input_limits"), ("clinic", "0002_muscle_atlas")]

    operations = [
        migrations.AddField(
            model_name="dosingprofile",
            name="dose_kinds",
            field=models.JSONField(
                default=homework.models.list_of_static_hold,
                help_text="The dose kinds this profile sets; other exercises keep their own dose.",
                validators=[homework.models.validate_dose_kinds],
            ),
        ),
        migrations.AddField(
            model_name="dosingprofile",
            name="how_to_move",
            field=models.TextField(
                blank=True,
                help_text="On the client's page (blank: the clinic's words).",
                max_length=1000,
            ),
        ),
        migrations.AddField(
            model_name="dosingprofile",
            name="if_it_hurts",
            field=models.TextField(
                blank=True,
                help_text="On the client's page (blank: the clinic's words).",
                max_length=1000,
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="caution_flags",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="Flagged exercises are never proposed automatically and warn when added.",
                validators=[homework.models.validate_caution_flags],
            ),
        ),
        migrations.AddField(
            model_name="exercise",
            name="dose_kind",
            field=models.CharField(
                choices=[
                    ("static_hold", "Static hold"),
                    ("dynamic_reps", "Dynamic repetitions"),
                    ("release_time", "Release or foam-rolling time"),
                    ("strength_sets", "Strengthening sets"),
                ],
                default="static_hold",
                help_text="How it is dosed; a dosing profile changes only the kinds it speaks for.",
                max_length=15,
            ),
        ),
        migrations.AddField(
            model_name="homeworkplan",
            name="days_set_by_hand",
            field=models.BooleanField(
                default=False,
                help_text="The therapist chose the days: a new dosing profile keeps them "
                "(and warns).",
            ),
        ),
        migrations.AddField(
            model_name="planitem",
            name="days_of_week",
            field=models.JSONField(
                blank=True,
                default=list,
                help_text="The item's own days (0 = Monday); empty: the plan's days.",
                validators=[homework.models.validate_weekdays],
            ),
        ),
        migrations.CreateModel(
            name="HomeworkSettings",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "max_proposed_exercises",
                    models.PositiveSmallIntegerField(
                        default=5,
                        help_text="At most this many exercises in a proposed plan.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(20),
                        ],
                    ),
                ),
                (
                    "max_per_culprit",
                    models.PositiveSmallIntegerField(
                        default=2,
                        help_text="At most this many exercises proposed for one culprit muscle.",
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(5),
                        ],
                    ),
                ),
                ("how_to_move", models.TextField(blank=True, max_length=1000)),
                ("if_it_hurts", models.TextField(blank=True, max_length=1000)),
                ("what_to_avoid", models.TextField(blank=True, max_length=1000)),
                ("flexible_only_words", models.TextField(blank=True, max_length=500)),
                ("discouraged_words", models.TextField(blank=True, max_length=500)),
                (
                    "clinic",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="homework_settings",
                        to="clinic.clinic",
                    ),
                ),
            ],
            options={"verbose_name_plural": "homework settings"},
        ),
        migrations.RunPython(forward, backward),
    ]
