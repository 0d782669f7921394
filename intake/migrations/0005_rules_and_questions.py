"""Culprit rules carry a source note; the intake form gains the red-flag
screen's date of birth and "new pain" answers and structured questions (known
diagnosis, pain below the knee, numbness or weakness in a leg). The data step
brings existing clinics up to the reviewed defaults, but only what a clinic has
not edited:

- a default rule still exactly as seeded (same name, fields, muscles and
  switched on) takes the reviewed values; the quadratus lumborum rule for
  bending is switched off (pain on bending points at the front of the body),
  not deleted, so suggestions made from it keep their rule;
- a clinic with rules gets the new knee and hip rules unless it already has a
  rule of that name;
- a clinic whose newest intake form is still the unedited default gets a new
  published version with the new questions: submissions keep pointing at the
  version they answered, and no version that exists is changed.

The defaults are frozen here (old and new) so that later edits of
``intake/data/`` do not change what this migration does.
"""

import hashlib
import json

from django.db import migrations, models

# The starting intake form as it was seeded before this migration (its hash).
OLD_INTAKE_FINGERPRINT = "bee55742d4dc413444ae3ddae4f3d79c8ba004e335c9c0e8d2641aee90ff17bd"

OLD_RULES = [
    {
        "name": "Side of the low back, on getting up or bending: front of the thigh",
        "priority": 10,
        "regions": ["lower_back_left", "lower_back_right"],
        "region_match": "any",
        "triggers": [
            "standing_up_after_sitting",
            "getting_up_after_lying",
            "standing_long",
            "bending_to_pick_up",
        ],
        "muscles": ["rectus-femoris"],
        "functional_groups": ["quadriceps"],
        "reason": "Pain on one or both sides of the low back that comes on when standing up after "
        "sitting or lying, after standing a while, or when bending to pick something up, "
        "often comes from tight muscles at the front of the thigh (rectus femoris above "
        "all) tilting the pelvis forward. Check the front of the thigh on the painful "
        "side.",
    },
    {
        "name": "Middle of the low back, on getting up or bending: inner thigh",
        "priority": 20,
        "regions": ["lower_back_centre"],
        "region_match": "any",
        "triggers": [
            "standing_up_after_sitting",
            "getting_up_after_lying",
            "standing_long",
            "bending_to_pick_up",
        ],
        "muscles": [],
        "functional_groups": ["adductors"],
        "reason": "Pain in the middle of the low back brought on by getting up, standing or bending "
        "often comes from tight inner-thigh muscles (the adductors). Check both inner "
        "thighs.",
    },
    {
        "name": "Low back with long sitting: hip flexors",
        "priority": 30,
        "regions": ["lower_back_left", "lower_back_right", "lower_back_centre"],
        "region_match": "any",
        "triggers": ["sitting_long", "standing_up_after_sitting"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "Long hours of sitting keep the hip flexors short. Psoas major attaches along the "
        "lumbar vertebrae and iliacus to the pelvis, so when they are tight they pull on "
        "the low back; several clinics see them as the first contributor to low back "
        "pain.",
    },
    {
        "name": "Low back when walking: hip flexors",
        "priority": 40,
        "regions": ["lower_back_left", "lower_back_right", "lower_back_centre"],
        "region_match": "any",
        "triggers": ["walking"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "When tight hips cannot swing the leg freely, the low back hikes the hip with "
        "every step, and the strain adds up over thousands of steps. Check hip flexor "
        "length (Thomas test).",
    },
    {
        "name": "Back of the thigh: the three hamstrings",
        "priority": 50,
        "regions": ["back_thigh_left", "back_thigh_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": [],
        "functional_groups": ["hamstrings"],
        "reason": "Pain at the back of the thigh: assess each of the three hamstrings (biceps "
        "femoris, semitendinosus, semimembranosus) separately; a toe-touch reaches at most "
        "one of them.",
    },
    {
        "name": "Buttock pain: glutes and piriformis",
        "priority": 60,
        "regions": ["buttock_left", "buttock_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["gluteus-medius", "piriformis"],
        "functional_groups": [],
        "reason": "Pain in the buttock: look for trigger points in gluteus medius and a tight "
        "piriformis on the painful side.",
    },
    {
        "name": "Low back on bending or lifting: quadratus lumborum",
        "priority": 70,
        "regions": ["lower_back_left", "lower_back_right", "lower_back_centre"],
        "region_match": "any",
        "triggers": ["bending_to_pick_up", "lifting", "twisting"],
        "muscles": ["quadratus-lumborum"],
        "functional_groups": [],
        "reason": "Low back pain on bending, lifting or twisting: check quadratus lumborum for "
        "trigger points; it is often overworked when the hips do not move freely.",
    },
]

NEW_RULES = [
    {
        "name": "Side of the low back, on getting up or bending: rectus femoris and hip flexors",
        "priority": 10,
        "regions": ["lower_back_left", "lower_back_right"],
        "region_match": "any",
        "triggers": [
            "standing_up_after_sitting",
            "getting_up_after_lying",
            "standing_long",
            "bending_to_pick_up",
        ],
        "muscles": ["rectus-femoris", "psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "Pain on one or both sides of the low back that starts when standing up after "
        "sitting or lying, after standing a while, or when bending to pick something up "
        "points at tight muscles on the front of the body. Of the four quadriceps only "
        "rectus femoris crosses the hip and can tilt the pelvis forward (the vasti cross "
        "the knee alone), so check rectus femoris and the hip flexors (psoas major, "
        "iliacus) on the painful side.",
        "source_note": "Article 'Back pain: the real cause': these triggers point at the front of "
        "the body, side pain at the front of the thigh. Rectus femoris is the one "
        "quadriceps muscle crossing the hip (Gray's Anatomy). A suggestion to check, "
        "not a diagnosis.",
    },
    {
        "name": "Middle of the low back, on getting up or bending: inner thigh",
        "priority": 20,
        "regions": ["lower_back_centre"],
        "region_match": "any",
        "triggers": [
            "standing_up_after_sitting",
            "getting_up_after_lying",
            "standing_long",
            "bending_to_pick_up",
        ],
        "muscles": [],
        "functional_groups": ["adductors"],
        "reason": "Pain in the middle of the low back brought on by getting up, standing or bending "
        "often comes from tight inner-thigh muscles (the adductors). Check both inner "
        "thighs.",
        "source_note": "Article 'Back pain: the real cause': with these triggers, pain in the middle "
        "of the low back points at the inner thighs, which can tilt the pelvis. A "
        "suggestion to check, not a diagnosis.",
    },
    {
        "name": "Low back with long sitting: hip flexors",
        "priority": 30,
        "regions": ["lower_back_left", "lower_back_right", "lower_back_centre"],
        "region_match": "any",
        "triggers": ["sitting_long", "standing_up_after_sitting"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "Long hours of sitting keep the hip flexors short. Psoas major attaches along the "
        "lumbar vertebrae and iliacus to the pelvis, so when they are tight they pull on "
        "the low back; several clinics see them as the first contributor to low back pain.",
        "source_note": "Articles 'What causes lower back pain?' (iliopsoas runs from the lumbar "
        "spine and pelvis to the thigh) and 'Effective Stretches for Back Pain' (hip "
        "flexors as the main contributor). A suggestion to check, not a diagnosis.",
    },
    {
        "name": "Low back when walking: hip flexors",
        "priority": 40,
        "regions": ["lower_back_left", "lower_back_right", "lower_back_centre"],
        "region_match": "any",
        "triggers": ["walking"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "When tight hips cannot swing the leg freely, the low back hikes the hip with "
        "every step, and the strain adds up over thousands of steps. Check hip flexor "
        "length (Thomas test).",
        "source_note": "Article on low back pain relief through hip function (Posture Rehab): tight "
        "hips make the low back hike the hip when walking. The Thomas test measures "
        "hip flexor length. A suggestion to check, not a diagnosis.",
    },
    {
        "name": "Back of the thigh: what tilts the pelvis from the front",
        "priority": 50,
        "regions": ["back_thigh_left", "back_thigh_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["psoas-major", "iliacus", "rectus-femoris"],
        "functional_groups": [],
        "reason": "Pain at the back of the thigh is often a hamstring held on stretch: tight hip "
        "flexors and rectus femoris tilt the pelvis forward and draw the hamstrings' top "
        "end up with it. Check the front of the hip and thigh on the painful side, and "
        "assess the three hamstrings (biceps femoris, semitendinosus, semimembranosus) one "
        "by one as the possible victim.",
        "source_note": "Culprit and victim model ('What causes lower back pain?'): look at what "
        "pulls on the muscle that hurts. Hip flexors and hamstrings oppose each other "
        "at the hip (Kendall, Muscles: Testing and Function). A suggestion to check, "
        "not a diagnosis.",
    },
    {
        "name": "Buttock: what pulls against the glutes",
        "priority": 60,
        "regions": ["buttock_left", "buttock_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": [
            "psoas-major",
            "iliacus",
            "adductor-longus",
            "adductor-brevis",
            "pectineus",
            "gracilis",
        ],
        "functional_groups": [],
        "reason": "A sore buttock is usually the losing side of a tug of war: the hip flexors pull "
        "against gluteus maximus, and the inner-thigh muscles against gluteus medius and "
        "minimus (adductor magnus is left out: its rear part works with gluteus maximus). "
        "Check them on the painful side. Trigger points in the glutes are for release, not "
        "for more stretching.",
        "source_note": "Culprit and victim model ('What causes lower back pain?'); glute medius "
        "trigger-point release ('Back Pain Treatment - Natural Way'). Opposing "
        "muscles at the hip: Kendall, Muscles: Testing and Function. A suggestion to "
        "check, not a diagnosis.",
    },
    {
        "name": "Knee: rectus femoris and hip flexors above it",
        "priority": 70,
        "regions": ["knee_left", "knee_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["rectus-femoris", "psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": "The hip and the knee affect each other. A tight rectus femoris crosses both "
        "joints and stops the knee bending fully, and tight hip flexors hold the thigh "
        "forward. Check them on the painful side before working on the knee itself.",
        "source_note": "Article on hip function (Posture Rehab): ankle, knee, hip and low back "
        "affect one another in a chain. 'Back pain: the real cause': tight quadriceps "
        "limit how far the knee bends. A suggestion to check, not a diagnosis.",
    },
    {
        "name": "Knee: the calf, for the ankle below it",
        "priority": 80,
        "regions": ["knee_left", "knee_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["gastrocnemius", "soleus"],
        "functional_groups": [],
        "reason": "A stiff ankle passes strain up to the knee. Tight calf muscles (gastrocnemius, "
        "which also crosses the knee, and soleus) limit how far the ankle bends. Check "
        "them on the painful side.",
        "source_note": "Article on hip function (Posture Rehab): a restricted ankle can lead to knee "
        "trouble. Gastrocnemius crosses the knee and the ankle, soleus the ankle "
        "(Gray's Anatomy). A suggestion to check, not a diagnosis.",
    },
    {
        "name": "Hip: hip flexors and the inner thigh",
        "priority": 90,
        "regions": ["hip_left", "hip_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": ["adductors"],
        "reason": "Pain at the side of the hip is often where the muscles that keep the pelvis level "
        "are held on stretch. Look at the front of the body and the other side of the "
        "joint: the hip flexors (psoas major, iliacus), which pull the hip up and forward, "
        "and the inner-thigh muscles, which pull against the side of the hip.",
        "source_note": "Article 'What causes lower back pain?': a short iliopsoas weighs on the hip "
        "as well as the low back. Adductors oppose the hip abductors (Kendall, "
        "Muscles: Testing and Function). A suggestion to check, not a diagnosis.",
    },
]

# Old default rule name -> reviewed rule name (None: switched off).
RENAMED = {
    "Side of the low back, on getting up or bending: front of the thigh": "Side of the low back, "
    "on getting up or "
    "bending: rectus "
    "femoris and hip "
    "flexors",
    "Middle of the low back, on getting up or bending: inner thigh": "Middle of the low back, on "
    "getting up or bending: "
    "inner thigh",
    "Low back with long sitting: hip flexors": "Low back with long sitting: hip flexors",
    "Low back when walking: hip flexors": "Low back when walking: hip flexors",
    "Back of the thigh: the three hamstrings": "Back of the thigh: what tilts the pelvis from the "
    "front",
    "Buttock pain: glutes and piriformis": "Buttock: what pulls against the glutes",
    "Low back on bending or lifting: quadratus lumborum": None,
}
ADDED = [
    "Knee: rectus femoris and hip flexors above it",
    "Knee: the calf, for the ankle below it",
    "Hip: hip flexors and the inner thigh",
]

SWITCHED_OFF_NOTE = (
    "Switched off in the review of the default rules: pain on bending points at tight muscles "
    "on the front of the body (article 'Back pain: the real cause'), not at quadratus lumborum."
)

NEW_INTAKE = {
    "title": "Before your first visit",
    "intro": "This form helps your therapist understand your pain before you arrive. It takes "
    "about ten minutes. Everything you write is kept confidential and seen only by the "
    "people treating you.",
    "questions": [
        {
            "key": "phone",
            "section": "Your details",
            "label": "Mobile phone number",
            "help_text": "With the country code, e.g. +1 212 555 0100.",
            "type": "phone",
            "choices": [],
            "required": False,
            "maps_to": "phone",
        },
        {
            "key": "emergency_name",
            "section": "Your details",
            "label": "Emergency contact: name",
            "help_text": "",
            "type": "text",
            "choices": [],
            "required": True,
            "maps_to": "emergency_contact_name",
        },
        {
            "key": "emergency_phone",
            "section": "Your details",
            "label": "Emergency contact: phone",
            "help_text": "",
            "type": "phone",
            "choices": [],
            "required": True,
            "maps_to": "emergency_contact_phone",
        },
        {
            "key": "date_of_birth",
            "section": "Your details",
            "label": "Date of birth",
            "help_text": "Some questions below matter more at certain ages, so your "
            "therapist reads them together.",
            "type": "date",
            "choices": [],
            "required": False,
            "maps_to": "date_of_birth",
        },
        {
            "key": "pain_map",
            "section": "Where it hurts",
            "label": "Tap every place where you feel pain now",
            "help_text": "Front and back views. You can choose as many as you need.",
            "type": "body_map",
            "choices": [],
            "required": True,
            "maps_to": "pain_regions",
        },
        {
            "key": "pain_below_knee",
            "section": "Where it hurts",
            "label": "Does the pain travel down a leg past the knee?",
            "help_text": "",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "leg_numbness",
            "section": "Where it hurts",
            "label": "Do you have numbness or pins and needles in a leg or foot?",
            "help_text": "",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "leg_weakness",
            "section": "Where it hurts",
            "label": "Does a leg or foot feel weak, for example the foot catches or the "
            "knee gives way?",
            "help_text": "",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "triggers",
            "section": "What brings it on",
            "label": "When does the pain start or get worse?",
            "help_text": "",
            "type": "triggers",
            "choices": [],
            "required": False,
            "maps_to": "triggers",
        },
        {
            "key": "nrs_now",
            "section": "How much it hurts",
            "label": "Your pain right now (0 = no pain, 10 = the worst pain imaginable)",
            "help_text": "",
            "type": "nrs",
            "choices": [],
            "required": True,
            "maps_to": "nrs_now",
        },
        {
            "key": "nrs_worst",
            "section": "How much it hurts",
            "label": "Your pain at its worst in the last week",
            "help_text": "",
            "type": "nrs",
            "choices": [],
            "required": True,
            "maps_to": "nrs_worst",
        },
        {
            "key": "nrs_best",
            "section": "How much it hurts",
            "label": "Your pain at its best in the last week",
            "help_text": "",
            "type": "nrs",
            "choices": [],
            "required": True,
            "maps_to": "nrs_best",
        },
        {
            "key": "onset",
            "section": "How it started",
            "label": "When and how did it start?",
            "help_text": "",
            "type": "textarea",
            "choices": [],
            "required": True,
            "maps_to": "",
        },
        {
            "key": "duration",
            "section": "How it started",
            "label": "How long have you had it?",
            "help_text": "",
            "type": "choice",
            "choices": [
                {"value": "days", "label": "A few days"},
                {"value": "weeks", "label": "A few weeks"},
                {"value": "months", "label": "One to three months"},
                {"value": "long", "label": "More than three months"},
            ],
            "required": True,
            "maps_to": "",
        },
        {
            "key": "new_pain",
            "section": "How it started",
            "label": "Is this a new pain for you, rather than one that comes and goes over "
            "the years?",
            "help_text": "Answer yes if it began in the last few weeks and you have not "
            "had it before.",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "new_pain",
        },
        {
            "key": "earlier_episodes",
            "section": "How it started",
            "label": "Have you had this pain before?",
            "help_text": "",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "doctor_seen",
            "section": "Doctors and scans",
            "label": "Have you seen a doctor about it?",
            "help_text": "",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "imaging",
            "section": "Doctors and scans",
            "label": "Any X-ray, MRI or other scan? What did it show?",
            "help_text": "",
            "type": "textarea",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "known_diagnosis",
            "section": "Doctors and scans",
            "label": "Has a doctor or a scan ever found any of these?",
            "help_text": "Tick all that apply. It helps your therapist choose what is safe "
            "for you.",
            "type": "multichoice",
            "choices": [
                {"value": "disc", "label": "A bulging or herniated (slipped) disc"},
                {
                    "value": "stenosis",
                    "label": "Spinal stenosis (narrowing around the spinal cord or nerves)",
                },
                {"value": "arthritis", "label": "Arthritis in the back, hips or knees"},
                {"value": "osteoporosis", "label": "Osteoporosis (thin bones)"},
                {"value": "none", "label": "None of these, or not that I know of"},
            ],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "occupation",
            "section": "Work and activity",
            "label": "Your work",
            "help_text": "",
            "type": "text",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "sitting_hours",
            "section": "Work and activity",
            "label": "About how many hours a day do you sit?",
            "help_text": "",
            "type": "integer",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "activity",
            "section": "Work and activity",
            "label": "Sports, exercise or other activity",
            "help_text": "",
            "type": "textarea",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "medications",
            "section": "Medication",
            "label": "Medicines you take at the moment",
            "help_text": "",
            "type": "textarea",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "anticoagulants",
            "section": "Medication",
            "label": "Do you take blood thinners (for example warfarin, apixaban, "
            "rivaroxaban, or daily aspirin)?",
            "help_text": "These change how firmly we can work, so please tell us.",
            "type": "boolean",
            "choices": [],
            "required": False,
            "maps_to": "anticoagulants",
        },
        {
            "key": "red_flags",
            "section": "Important health questions",
            "label": "Do any of these apply to you at the moment?",
            "help_text": "Tick any that apply; most people tick none. If you do, we may "
            "ask you to check in with a doctor first. That is a normal "
            "precaution, not a diagnosis.",
            "type": "red_flags",
            "choices": [],
            "required": False,
            "maps_to": "red_flags",
        },
        {
            "key": "contraindications",
            "section": "Important health questions",
            "label": "Do any of these apply to you?",
            "help_text": "",
            "type": "contraindications",
            "choices": [],
            "required": False,
            "maps_to": "contraindications",
        },
        {
            "key": "pregnancy_stage",
            "section": "Important health questions",
            "label": "If you are pregnant, how far along?",
            "help_text": "",
            "type": "choice",
            "choices": [
                {"value": "first_trimester", "label": "First trimester (up to week 12)"},
                {"value": "second_trimester", "label": "Second trimester (weeks 13-27)"},
                {"value": "third_trimester", "label": "Third trimester (week 28 on)"},
            ],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "goals",
            "section": "Your goals",
            "label": "What would you like to be able to do again?",
            "help_text": "",
            "type": "textarea",
            "choices": [],
            "required": False,
            "maps_to": "",
        },
        {
            "key": "consent_treatment",
            "section": "Consent",
            "label": "I agree to be assessed and treated, and I will tell my therapist if "
            "anything hurts or feels wrong.",
            "help_text": "",
            "type": "consent",
            "choices": [],
            "required": True,
            "maps_to": "consent_treatment",
        },
        {
            "key": "consent_privacy",
            "section": "Consent",
            "label": "I have read the privacy notice and agree that the clinic keeps these "
            "health details for my care.",
            "help_text": "",
            "type": "consent",
            "choices": [],
            "required": True,
            "maps_to": "consent_privacy",
        },
        {
            "key": "signature",
            "section": "Consent",
            "label": "Type your full name to sign",
            "help_text": "",
            "type": "signature",
            "choices": [],
            "required": True,
            "maps_to": "signature",
        },
    ],
}


def _fingerprint(questionnaire):
    questions = [
        {
            "key": q.key,
            "section": q.section,
            "label": q.label,
            "help_text": q.help_text,
            "type": q.type,
            "choices": q.choices,
            "required": q.required,
            "maps_to": q.maps_to,
        }
        for q in questionnaire.questions.order_by("order", "id")
    ]
    spec = {"title": questionnaire.title, "intro": questionnaire.intro, "questions": questions}
    return hashlib.sha256(json.dumps(spec, sort_keys=True).encode()).hexdigest()


def _unedited(rule, spec, known_slugs):
    """The rule is still exactly the seeded default (and switched on)."""
    return (
        rule.active
        and all(getattr(rule, field) == spec[field] for field in spec if field != "muscles")
        and {m.slug for m in rule.muscles.all()} == set(spec["muscles"]) & known_slugs
    )


def _apply(rule, spec, muscles):
    for field, value in spec.items():
        if field != "muscles":
            setattr(rule, field, value)
    rule.save()
    rule.muscles.set([muscles[slug] for slug in spec["muscles"] if slug in muscles])


def review_rules(apps, schema_editor):
    CulpritRule = apps.get_model("intake", "CulpritRule")
    Muscle = apps.get_model("clinic", "Muscle")
    muscles = {m.slug: m for m in Muscle.objects.all()}
    old = {spec["name"]: spec for spec in OLD_RULES}
    new = {spec["name"]: spec for spec in NEW_RULES}
    clinic_ids = set(CulpritRule.objects.values_list("clinic_id", flat=True))
    for rule in CulpritRule.objects.filter(name__in=list(old)).prefetch_related("muscles"):
        if not _unedited(rule, old[rule.name], set(muscles)):
            continue  # the clinic changed it: theirs to keep
        renamed = RENAMED[rule.name]
        if renamed is None:
            rule.active = False
            rule.source_note = SWITCHED_OFF_NOTE
            rule.save(update_fields=["active", "source_note"])
        else:
            _apply(rule, new[renamed], muscles)
    for clinic_id in sorted(clinic_ids):
        have = set(CulpritRule.objects.filter(clinic_id=clinic_id).values_list("name", flat=True))
        for name in ADDED:
            if name not in have:
                rule = CulpritRule(clinic_id=clinic_id)
                _apply(rule, new[name], muscles)


def review_intake_form(apps, schema_editor):
    Questionnaire = apps.get_model("intake", "Questionnaire")
    Question = apps.get_model("intake", "Question")
    clinic_ids = set(
        Questionnaire.objects.filter(kind="intake").values_list("clinic_id", flat=True)
    )
    for clinic_id in sorted(clinic_ids):
        latest = Questionnaire.objects.filter(clinic_id=clinic_id, kind="intake").latest("version")
        if not latest.published or _fingerprint(latest) != OLD_INTAKE_FINGERPRINT:
            continue  # edited, or a new version is being prepared: left alone
        version = Questionnaire.objects.create(
            clinic_id=clinic_id,
            kind="intake",
            version=latest.version + 1,
            title=NEW_INTAKE["title"],
            intro=NEW_INTAKE["intro"],
            published=True,
        )
        Question.objects.bulk_create(
            Question(questionnaire=version, order=(i + 1) * 10, **question)
            for i, question in enumerate(NEW_INTAKE["questions"])
        )


def forward(apps, schema_editor):
    review_rules(apps, schema_editor)
    review_intake_form(apps, schema_editor)


class Migration(migrations.Migration):
    # Only the atlas's slugs are read (seeded by clinic.0002, a dependency of
    # intake.0001): no dependency on a later clinic migration.
    dependencies = [("intake", "0004_clearance_and_documents")]

    operations = [
        migrations.AddField(
            model_name="culpritrule",
            name="source_note",
            field=models.TextField(
                blank=True,
                help_text="Where the rule comes from (an article, an anatomy reference, the "
                "clinic's own experience); shown with every suggestion it makes.",
                max_length=300,
            ),
        ),
        migrations.AlterField(
            model_name="question",
            name="maps_to",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "(free question)"),
                    ("pain_regions", "Pain regions"),
                    ("triggers", "Triggers"),
                    ("nrs_now", "Pain now"),
                    ("nrs_worst", "Pain at worst"),
                    ("nrs_best", "Pain at best"),
                    ("red_flags", "Red flags"),
                    ("contraindications", "Contraindications"),
                    ("anticoagulants", "Takes blood thinners"),
                    ("phone", "Phone"),
                    ("emergency_contact_name", "Emergency contact name"),
                    ("emergency_contact_phone", "Emergency contact phone"),
                    ("date_of_birth", "Date of birth (for the red-flag screen)"),
                    ("new_pain", "The pain is new (for the red-flag screen)"),
                    ("consent_treatment", "Consent to treatment"),
                    ("consent_privacy", "Consent to the privacy notice"),
                    ("signature", "Signature"),
                ],
                max_length=30,
            ),
        ),
        migrations.RunPython(forward, migrations.RunPython.noop),
    ]
