"""Seed the muscle atlas. Reference data: later changes come as new migrations
(or edits in the admin), so this list is frozen here on purpose."""

from django.db import migrations

# slug, name, region, functional group, sided, description
MUSCLES = [
    (
        "psoas-major",
        "Psoas major",
        "lower_back",
        "hip_flexors",
        True,
        "Runs from the sides of the lumbar vertebrae to the inner thigh bone. When short it "
        "draws the lumbar spine forward and down; a prime suspect in low back pain.",
    ),
    (
        "psoas-minor",
        "Psoas minor",
        "lower_back",
        "hip_flexors",
        True,
        "A small, often absent partner of psoas major that flexes the lumbar spine.",
    ),
    (
        "iliacus",
        "Iliacus",
        "pelvis",
        "hip_flexors",
        True,
        "Lines the inside of the pelvic bowl and joins psoas major; tilts the pelvis forward "
        "when short.",
    ),
    (
        "sartorius",
        "Sartorius",
        "thigh",
        "hip_flexors",
        True,
        "The long strap across the front of the thigh; flexes and turns out the hip and bends "
        "the knee.",
    ),
    (
        "rectus-femoris",
        "Rectus femoris",
        "thigh",
        "quadriceps",
        True,
        "The only quadriceps muscle that crosses the hip as well as the knee; tight, it tilts "
        "the pelvis forward and loads the sides of the lower back.",
    ),
    (
        "vastus-lateralis",
        "Vastus lateralis",
        "thigh",
        "quadriceps",
        True,
        "Outer quadriceps; straightens the knee.",
    ),
    (
        "vastus-medialis",
        "Vastus medialis",
        "thigh",
        "quadriceps",
        True,
        "Inner quadriceps with the teardrop above the knee; straightens and steadies the knee.",
    ),
    (
        "vastus-intermedius",
        "Vastus intermedius",
        "thigh",
        "quadriceps",
        True,
        "Deep quadriceps under rectus femoris; straightens the knee.",
    ),
    (
        "adductor-longus",
        "Adductor longus",
        "thigh",
        "adductors",
        True,
        "Inner-thigh muscle from the pubic bone; draws the leg in and helps flex the hip. "
        "Linked to pain in the middle of the lower back.",
    ),
    (
        "adductor-brevis",
        "Adductor brevis",
        "thigh",
        "adductors",
        True,
        "Short inner-thigh muscle beneath adductor longus.",
    ),
    (
        "adductor-magnus",
        "Adductor magnus",
        "thigh",
        "adductors",
        True,
        "The largest inner-thigh muscle; its rear part also extends the hip.",
    ),
    (
        "gracilis",
        "Gracilis",
        "thigh",
        "adductors",
        True,
        "Slim inner-thigh muscle crossing hip and knee.",
    ),
    (
        "pectineus",
        "Pectineus",
        "pelvis",
        "adductors",
        True,
        "Flat muscle at the top of the inner thigh; flexes and draws in the hip.",
    ),
    (
        "biceps-femoris",
        "Biceps femoris",
        "thigh",
        "hamstrings",
        True,
        "The outer hamstring; bends the knee, extends the hip and turns the leg out.",
    ),
    (
        "semitendinosus",
        "Semitendinosus",
        "thigh",
        "hamstrings",
        True,
        "Inner hamstring with a long tendon; bends the knee and turns the leg in.",
    ),
    (
        "semimembranosus",
        "Semimembranosus",
        "thigh",
        "hamstrings",
        True,
        "Deep inner hamstring beneath semitendinosus.",
    ),
    (
        "gluteus-maximus",
        "Gluteus maximus",
        "pelvis",
        "glutes",
        True,
        "The big buttock muscle; extends the hip, opposing the hip flexors.",
    ),
    (
        "gluteus-medius",
        "Gluteus medius",
        "pelvis",
        "glutes",
        True,
        "Side-hip muscle that keeps the pelvis level in walking; a common trigger-point site.",
    ),
    (
        "gluteus-minimus",
        "Gluteus minimus",
        "pelvis",
        "glutes",
        True,
        "Deepest glute, under gluteus medius.",
    ),
    (
        "piriformis",
        "Piriformis",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Deep rotator from the sacrum to the hip; runs close to the sciatic nerve.",
    ),
    (
        "obturator-internus",
        "Obturator internus",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Deep rotator arising inside the pelvis.",
    ),
    (
        "obturator-externus",
        "Obturator externus",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Deep rotator on the outer face of the pelvis.",
    ),
    (
        "gemellus-superior",
        "Gemellus superior",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Small deep rotator above obturator internus.",
    ),
    (
        "gemellus-inferior",
        "Gemellus inferior",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Small deep rotator below obturator internus.",
    ),
    (
        "quadratus-femoris",
        "Quadratus femoris",
        "pelvis",
        "deep_hip_rotators",
        True,
        "Square deep rotator at the bottom of the group.",
    ),
    (
        "tensor-fasciae-latae",
        "Tensor fasciae latae",
        "pelvis",
        "lateral_hip",
        True,
        "Small front-side hip muscle that tensions the iliotibial band.",
    ),
    (
        "quadratus-lumborum",
        "Quadratus lumborum",
        "lower_back",
        "lower_back",
        True,
        "Deep muscle between the lowest rib and the pelvis; hikes the hip and side-bends the "
        "trunk. A frequent trigger-point site.",
    ),
    (
        "erector-spinae",
        "Erector spinae",
        "lower_back",
        "lower_back",
        True,
        "The columns either side of the spine (iliocostalis, longissimus, spinalis); extend "
        "the back. Often the overstretched victim in low back pain.",
    ),
    (
        "multifidus",
        "Multifidus",
        "lower_back",
        "lower_back",
        True,
        "Short deep muscles that steady each vertebra.",
    ),
    (
        "latissimus-dorsi",
        "Latissimus dorsi",
        "lower_back",
        "lower_back",
        True,
        "Broad back muscle from the pelvis and lower spine to the upper arm.",
    ),
    (
        "rectus-abdominis",
        "Rectus abdominis",
        "abdomen",
        "core",
        True,
        "The front abdominal wall; flexes the trunk, opposing the back extensors.",
    ),
    (
        "external-oblique",
        "External oblique",
        "abdomen",
        "core",
        True,
        "Outer layer of the side abdominal wall; rotates and side-bends the trunk.",
    ),
    (
        "internal-oblique",
        "Internal oblique",
        "abdomen",
        "core",
        True,
        "Middle layer of the side abdominal wall.",
    ),
    (
        "transversus-abdominis",
        "Transversus abdominis",
        "abdomen",
        "core",
        True,
        "Deepest abdominal layer; a corset that braces the trunk.",
    ),
    (
        "diaphragm",
        "Diaphragm",
        "abdomen",
        "core",
        False,
        "The breathing muscle; its legs attach to the upper lumbar vertebrae.",
    ),
    (
        "pelvic-floor",
        "Pelvic floor (levator ani)",
        "pelvis",
        "core",
        False,
        "The sling that closes the base of the pelvis.",
    ),
    (
        "gastrocnemius",
        "Gastrocnemius",
        "lower_leg",
        "calf",
        True,
        "The two-headed calf muscle crossing knee and ankle.",
    ),
    (
        "soleus",
        "Soleus",
        "lower_leg",
        "calf",
        True,
        "Deep calf muscle under gastrocnemius; works with the knee bent.",
    ),
    (
        "popliteus",
        "Popliteus",
        "lower_leg",
        "calf",
        True,
        "Small muscle behind the knee that unlocks it.",
    ),
    (
        "tibialis-posterior",
        "Tibialis posterior",
        "lower_leg",
        "calf",
        True,
        "Deep calf muscle that supports the arch.",
    ),
    (
        "tibialis-anterior",
        "Tibialis anterior",
        "lower_leg",
        "shin",
        True,
        "Front-of-shin muscle that lifts the foot.",
    ),
    (
        "fibularis-longus",
        "Fibularis (peroneus) longus",
        "lower_leg",
        "shin",
        True,
        "Outer-leg muscle that turns the sole out and supports the arch.",
    ),
    (
        "fibularis-brevis",
        "Fibularis (peroneus) brevis",
        "lower_leg",
        "shin",
        True,
        "Short outer-leg muscle beneath fibularis longus.",
    ),
    (
        "trapezius",
        "Trapezius",
        "upper_back",
        "upper_back",
        True,
        "Kite-shaped muscle from the skull and spine to the shoulder blade.",
    ),
    (
        "rhomboids",
        "Rhomboids",
        "upper_back",
        "upper_back",
        True,
        "Draw the shoulder blades together.",
    ),
    (
        "serratus-anterior",
        "Serratus anterior",
        "upper_back",
        "upper_back",
        True,
        "Holds the shoulder blade to the ribs; opposes the rhomboids.",
    ),
    (
        "pectoralis-major",
        "Pectoralis major",
        "upper_back",
        "upper_back",
        True,
        "Chest muscle; when short it rounds the shoulders and overstretches the upper back.",
    ),
]

HAMSTRINGS = ["biceps-femoris", "semitendinosus", "semimembranosus"]
QUADS = ["rectus-femoris", "vastus-lateralis", "vastus-medialis", "vastus-intermedius"]
ADDUCTORS = ["adductor-longus", "adductor-brevis", "adductor-magnus", "gracilis", "pectineus"]
ABDUCTORS = ["gluteus-medius", "gluteus-minimus", "tensor-fasciae-latae"]

# Pairs that usually pull against each other (stored both ways).
ANTAGONISTS = [
    *[(flexor, "gluteus-maximus") for flexor in ["psoas-major", "iliacus", "rectus-femoris"]],
    *[(flexor, ham) for flexor in ["psoas-major", "iliacus"] for ham in HAMSTRINGS],
    *[(quad, ham) for quad in QUADS for ham in HAMSTRINGS],
    *[(add, abd) for add in ADDUCTORS for abd in ABDUCTORS],
    ("piriformis", "adductor-magnus"),
    ("rectus-abdominis", "erector-spinae"),
    ("rectus-abdominis", "multifidus"),
    ("psoas-major", "erector-spinae"),
    ("quadratus-lumborum", "external-oblique"),
    ("gastrocnemius", "tibialis-anterior"),
    ("soleus", "tibialis-anterior"),
    ("tibialis-posterior", "fibularis-longus"),
    ("rhomboids", "serratus-anterior"),
    ("pectoralis-major", "rhomboids"),
    ("pectoralis-major", "trapezius"),
]


def seed_atlas(apps, schema_editor):
    Muscle = apps.get_model("clinic", "Muscle")
    by_slug = {}
    for slug, name, region, group, sided, description in MUSCLES:
        muscle, _ = Muscle.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "region": region,
                "functional_group": group,
                "sided": sided,
                "description": description,
            },
        )
        by_slug[slug] = muscle
    # Historical models do not apply `symmetrical`, so store both directions.
    for a, b in ANTAGONISTS:
        by_slug[a].antagonists.add(by_slug[b])
        by_slug[b].antagonists.add(by_slug[a])


def unseed_atlas(apps, schema_editor):
    Muscle = apps.get_model("clinic", "Muscle")
    Muscle.objects.filter(slug__in=[m[0] for m in MUSCLES]).delete()


class Migration(migrations.Migration):
    dependencies = [("clinic", "0001_initial")]
    operations = [migrations.RunPython(seed_atlas, unseed_atlas)]
