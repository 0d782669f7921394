"""The atlas reviewed against standard anatomy references, which every muscle
now cites in its own ``reference`` field.

What changed and why (explicit lists below; each step only touches a value
that still holds what 0002 seeded, so a clinic's admin edits stay, and running
it again changes nothing):

- psoas minor leaves the hip flexors: it ends on the pelvic brim and does not
  cross the hip, so it cannot flex it; it is a weak flexor of the lumbar spine
  and joins the trunk flexors ("core") with rectus abdominis (Gray's Anatomy).
- pairs that are not antagonists are removed: psoas major and erector spinae
  (both hold the lumbar spine in lordosis in standing), quadratus lumborum and
  external oblique (both side-bend the trunk to the same side: synergists),
  piriformis and adductor magnus (no opposing action in a standard reference).
- piriformis, a lateral rotator of the hip, is paired with the medial
  rotators instead: tensor fasciae latae and gluteus minimus (Kendall).
- every other pair was checked and kept: hip flexors against gluteus maximus
  and the hamstrings (flexion/extension of the hip), quadriceps against the
  hamstrings (knee), adductors against the abductors (gluteus medius, gluteus
  minimus, tensor fasciae latae), rectus abdominis against erector spinae and
  multifidus (trunk flexion/extension), calf against tibialis anterior
  (plantar/dorsiflexion), tibialis posterior against fibularis longus
  (inversion/eversion), rhomboids against serratus anterior (retraction /
  protraction of the shoulder blade). Pectoralis major against rhomboids and
  trapezius is not a single-joint pair but the postural opposition of the
  upper crossed pattern (Janda); it stays, cited as such.
- every other functional group was checked against the same references and
  kept.
"""

from django.db import migrations, models

KENDALL = "Kendall FP et al., Muscles: Testing and Function with Posture and Pain, 5th ed. (2005)"
GRAYS = "Gray's Anatomy, 42nd ed. (2020)"
JANDA = (
    "Page P, Frank CC, Lardner R, Assessment and Treatment of Muscle Imbalance: "
    "The Janda Approach (2010)"
)

REFERENCE = f"Actions, functional group and antagonists: {KENDALL}; {GRAYS}."
REFERENCE_POSTURAL = (
    f"Actions and functional group: {KENDALL}; {GRAYS}. Pectoralis major against the "
    f"rhomboids and trapezius is a postural opposition (upper crossed pattern): {JANDA}."
)
REFERENCE_PSOAS_MINOR = (
    f"{GRAYS}: psoas minor (often absent) ends on the pelvic brim at the iliopubic eminence "
    f"and does not cross the hip; it weakly flexes the lumbar spine. {KENDALL}."
)
# slug -> reference; every other muscle of the atlas gets REFERENCE.
REFERENCES = {
    "psoas-minor": REFERENCE_PSOAS_MINOR,
    "pectoralis-major": REFERENCE_POSTURAL,
    "rhomboids": REFERENCE_POSTURAL,
    "trapezius": REFERENCE_POSTURAL,
}
# Every value the column can get here (the migration-forward test reads it).
ALL_REFERENCES = ("", REFERENCE, REFERENCE_POSTURAL, REFERENCE_PSOAS_MINOR)

# slug, field, value seeded by 0002, reviewed value
CHANGED = [
    ("psoas-minor", "functional_group", "hip_flexors", "core"),
    (
        "psoas-minor",
        "description",
        "A small, often absent partner of psoas major that flexes the lumbar spine.",
        "A small, often absent muscle in front of psoas major. It ends on the pelvic brim "
        "without crossing the hip, so it helps bend the lumbar spine forward but does not "
        "flex the hip.",
    ),
]

REMOVED_ANTAGONISTS = [
    ("psoas-major", "erector-spinae"),
    ("quadratus-lumborum", "external-oblique"),
    ("piriformis", "adductor-magnus"),
]
ADDED_ANTAGONISTS = [
    ("piriformis", "tensor-fasciae-latae"),
    ("piriformis", "gluteus-minimus"),
]


def _pairs(Muscle, pairs):
    by_slug = {m.slug: m for m in Muscle.objects.filter(slug__in={s for p in pairs for s in p})}
    return [(by_slug[a], by_slug[b]) for a, b in pairs if a in by_slug and b in by_slug]


def _link(Muscle, pairs, add):
    # Historical models do not apply `symmetrical`: both directions by hand.
    for a, b in _pairs(Muscle, pairs):
        for one, other in ((a, b), (b, a)):
            (one.antagonists.add if add else one.antagonists.remove)(other)


def review_atlas(apps, schema_editor):
    Muscle = apps.get_model("clinic", "Muscle")
    for slug, field, seeded, reviewed in CHANGED:
        Muscle.objects.filter(slug=slug, **{field: seeded}).update(**{field: reviewed})
    _link(Muscle, REMOVED_ANTAGONISTS, add=False)
    _link(Muscle, ADDED_ANTAGONISTS, add=True)
    for muscle in Muscle.objects.filter(reference=""):
        muscle.reference = REFERENCES.get(muscle.slug, REFERENCE)
        muscle.save(update_fields=["reference"])


def unreview_atlas(apps, schema_editor):
    Muscle = apps.get_model("clinic", "Muscle")
    for slug, field, seeded, reviewed in CHANGED:
        Muscle.objects.filter(slug=slug, **{field: reviewed}).update(**{field: seeded})
    _link(Muscle, ADDED_ANTAGONISTS, add=False)
    _link(Muscle, REMOVED_ANTAGONISTS, add=True)
    Muscle.objects.filter(reference__in=ALL_REFERENCES).update(reference="")


class Migration(migrations.Migration):
    dependencies = [("clinic", "0012_two_factor_and_api_tokens")]

    operations = [
        migrations.AddField(
            model_name="muscle",
            name="reference",
            field=models.TextField(
                blank=True,
                help_text="The anatomy reference this muscle's actions, functional group and "
                "antagonists follow (e.g. Kendall, Muscles: Testing and Function; Gray's Anatomy).",
                max_length=500,
            ),
        ),
        migrations.RunPython(review_atlas, unreview_atlas),
    ]
