"""The starting questionnaires and rules a clinic gets (then edits in the admin).

All wording is ours. The Oswestry sections follow the structure of the
Oswestry Disability Index (ten areas of daily life, six statements each,
scored 0-5) in our own words.
"""

from __future__ import annotations

from typing import Any

from intake.vocabulary import FRONT_OF_BODY_TRIGGERS, PREGNANCY_STAGES

Q = dict[str, Any]


def _choices(mapping: dict[str, str]) -> list[dict[str, str]]:
    return [{"value": k, "label": v} for k, v in mapping.items()]


INTAKE_TITLE = "Before your first visit"
INTAKE_INTRO = (
    "This form helps your therapist understand your pain before you arrive. It takes about "
    "ten minutes. Everything you write is kept confidential and seen only by the people "
    "treating you."
)

INTAKE_QUESTIONS: list[Q] = [
    # Contact
    {
        "key": "phone",
        "section": "Your details",
        "label": "Mobile phone number",
        "help_text": "With the country code, e.g. +1 212 555 0100.",
        "type": "phone",
        "maps_to": "phone",
    },
    {
        "key": "emergency_name",
        "section": "Your details",
        "label": "Emergency contact: name",
        "type": "text",
        "required": True,
        "maps_to": "emergency_contact_name",
    },
    {
        "key": "emergency_phone",
        "section": "Your details",
        "label": "Emergency contact: phone",
        "type": "phone",
        "required": True,
        "maps_to": "emergency_contact_phone",
    },
    # Where and what
    {
        "key": "pain_map",
        "section": "Where it hurts",
        "label": "Tap every place where you feel pain now",
        "help_text": "Front and back views. You can choose as many as you need.",
        "type": "body_map",
        "required": True,
        "maps_to": "pain_regions",
    },
    {
        "key": "triggers",
        "section": "What brings it on",
        "label": "When does the pain start or get worse?",
        "type": "triggers",
        "maps_to": "triggers",
    },
    {
        "key": "nrs_now",
        "section": "How much it hurts",
        "label": "Your pain right now (0 = no pain, 10 = the worst pain imaginable)",
        "type": "nrs",
        "required": True,
        "maps_to": "nrs_now",
    },
    {
        "key": "nrs_worst",
        "section": "How much it hurts",
        "label": "Your pain at its worst in the last week",
        "type": "nrs",
        "required": True,
        "maps_to": "nrs_worst",
    },
    {
        "key": "nrs_best",
        "section": "How much it hurts",
        "label": "Your pain at its best in the last week",
        "type": "nrs",
        "required": True,
        "maps_to": "nrs_best",
    },
    # History
    {
        "key": "onset",
        "section": "How it started",
        "label": "When and how did it start?",
        "type": "textarea",
        "required": True,
    },
    {
        "key": "duration",
        "section": "How it started",
        "label": "How long have you had it?",
        "type": "choice",
        "required": True,
        "choices": _choices(
            {
                "days": "A few days",
                "weeks": "A few weeks",
                "months": "One to three months",
                "long": "More than three months",
            }
        ),
    },
    {
        "key": "earlier_episodes",
        "section": "How it started",
        "label": "Have you had this pain before?",
        "type": "boolean",
    },
    {
        "key": "doctor_seen",
        "section": "Doctors and scans",
        "label": "Have you seen a doctor about it?",
        "type": "boolean",
    },
    {
        "key": "imaging",
        "section": "Doctors and scans",
        "label": "Any X-ray, MRI or other scan? What did it show?",
        "type": "textarea",
    },
    # Life
    {"key": "occupation", "section": "Work and activity", "label": "Your work", "type": "text"},
    {
        "key": "sitting_hours",
        "section": "Work and activity",
        "label": "About how many hours a day do you sit?",
        "type": "integer",
    },
    {
        "key": "activity",
        "section": "Work and activity",
        "label": "Sports, exercise or other activity",
        "type": "textarea",
    },
    # Medication and safety
    {
        "key": "medications",
        "section": "Medication",
        "label": "Medicines you take at the moment",
        "type": "textarea",
    },
    {
        "key": "anticoagulants",
        "section": "Medication",
        "label": "Do you take blood thinners (for example warfarin, apixaban, rivaroxaban, "
        "or daily aspirin)?",
        "help_text": "These change how firmly we can work, so please tell us.",
        "type": "boolean",
        "maps_to": "anticoagulants",
    },
    {
        "key": "red_flags",
        "section": "Important health questions",
        "label": "Do any of these apply to you at the moment?",
        "help_text": "Tick any that apply. They help us decide whether you should see a doctor "
        "first.",
        "type": "red_flags",
        "maps_to": "red_flags",
    },
    {
        "key": "contraindications",
        "section": "Important health questions",
        "label": "Do any of these apply to you?",
        "type": "contraindications",
        "maps_to": "contraindications",
    },
    {
        "key": "pregnancy_stage",
        "section": "Important health questions",
        "label": "If you are pregnant, how far along?",
        "type": "choice",
        "choices": _choices(PREGNANCY_STAGES),
    },
    # Goals and consent
    {
        "key": "goals",
        "section": "Your goals",
        "label": "What would you like to be able to do again?",
        "type": "textarea",
    },
    {
        "key": "consent_treatment",
        "section": "Consent",
        "label": "I agree to be assessed and treated, and I will tell my therapist if anything "
        "hurts or feels wrong.",
        "type": "consent",
        "required": True,
        "maps_to": "consent_treatment",
    },
    {
        "key": "consent_privacy",
        "section": "Consent",
        "label": "I have read the privacy notice and agree that the clinic keeps these health "
        "details for my care.",
        "type": "consent",
        "required": True,
        "maps_to": "consent_privacy",
    },
    {
        "key": "signature",
        "section": "Consent",
        "label": "Type your full name to sign",
        "type": "signature",
        "required": True,
        "maps_to": "signature",
    },
]

ODI_TITLE = "How your back affects daily life"
ODI_INTRO = (
    "For each part of daily life, pick the one sentence that fits you best today. "
    "It takes about five minutes and helps us measure your progress."
)

_ODI_SECTIONS: list[tuple[str, str, list[str]]] = [
    (
        "pain_intensity",
        "Pain right now",
        [
            "I have no pain at the moment.",
            "The pain is very mild at the moment.",
            "The pain is moderate at the moment.",
            "The pain is fairly severe at the moment.",
            "The pain is very severe at the moment.",
            "The pain is the worst I can imagine at the moment.",
        ],
    ),
    (
        "personal_care",
        "Washing and dressing",
        [
            "I look after myself normally and it causes no extra pain.",
            "I look after myself normally but it is very painful.",
            "Looking after myself hurts, so I am slow and careful.",
            "I need some help but manage most of my own care.",
            "I need help every day with most of my own care.",
            "I do not get dressed, wash with difficulty and stay in bed.",
        ],
    ),
    (
        "lifting",
        "Lifting",
        [
            "I can lift heavy things without extra pain.",
            "I can lift heavy things but it causes extra pain.",
            "Pain stops me lifting heavy things off the floor, but I manage if they are placed "
            "conveniently, for example on a table.",
            "Pain stops me lifting heavy things, but I manage light to medium things placed "
            "conveniently.",
            "I can lift only very light things.",
            "I cannot lift or carry anything.",
        ],
    ),
    (
        "walking",
        "Walking",
        [
            "Pain does not stop me walking any distance.",
            "Pain stops me walking more than about 1.5 km (1 mile).",
            "Pain stops me walking more than about 750 m (half a mile).",
            "Pain stops me walking more than about 100 m.",
            "I can only walk with a stick or crutches.",
            "I am in bed most of the time.",
        ],
    ),
    (
        "sitting",
        "Sitting",
        [
            "I can sit in any chair as long as I like.",
            "I can sit as long as I like only in my favourite chair.",
            "Pain stops me sitting for more than an hour.",
            "Pain stops me sitting for more than half an hour.",
            "Pain stops me sitting for more than ten minutes.",
            "Pain stops me sitting at all.",
        ],
    ),
    (
        "standing",
        "Standing",
        [
            "I can stand as long as I like without extra pain.",
            "I can stand as long as I like but it causes extra pain.",
            "Pain stops me standing for more than an hour.",
            "Pain stops me standing for more than half an hour.",
            "Pain stops me standing for more than ten minutes.",
            "Pain stops me standing at all.",
        ],
    ),
    (
        "sleeping",
        "Sleeping",
        [
            "My sleep is never disturbed by pain.",
            "My sleep is occasionally disturbed by pain.",
            "Because of pain I sleep less than six hours.",
            "Because of pain I sleep less than four hours.",
            "Because of pain I sleep less than two hours.",
            "Pain stops me sleeping at all.",
        ],
    ),
    (
        "sex_life",
        "Sex life (leave blank if it does not apply)",
        [
            "My sex life is normal and causes no extra pain.",
            "My sex life is normal but causes some extra pain.",
            "My sex life is nearly normal but very painful.",
            "My sex life is severely limited by pain.",
            "My sex life is nearly absent because of pain.",
            "Pain prevents any sex life at all.",
        ],
    ),
    (
        "social_life",
        "Social life",
        [
            "My social life is normal and causes no extra pain.",
            "My social life is normal but increases the pain.",
            "Pain only limits my more energetic interests, such as sport.",
            "Pain has limited my social life and I go out less often.",
            "Pain has limited my social life to my home.",
            "I have no social life because of pain.",
        ],
    ),
    (
        "travelling",
        "Travelling",
        [
            "I can travel anywhere without pain.",
            "I can travel anywhere but it causes extra pain.",
            "Pain is bad but I manage journeys over two hours.",
            "Pain limits me to journeys of less than an hour.",
            "Pain limits me to short necessary journeys under 30 minutes.",
            "Pain stops me travelling except to receive treatment.",
        ],
    ),
]

ODI_QUESTIONS: list[Q] = [
    {
        "key": key,
        "section": "Daily life",
        "label": label,
        "type": "odi_section",
        "required": key != "sex_life",
        "choices": [{"value": str(i), "label": text, "score": i} for i, text in enumerate(texts)],
    }
    for key, label, texts in _ODI_SECTIONS
]

_LOWER_BACK_SIDES = ["lower_back_left", "lower_back_right"]
_ALL_LOWER_BACK = [*_LOWER_BACK_SIDES, "lower_back_centre"]

DEFAULT_RULES: list[dict[str, Any]] = [
    {
        "name": "Side of the low back, on getting up or bending: front of the thigh",
        "priority": 10,
        "regions": _LOWER_BACK_SIDES,
        "region_match": "any",
        "triggers": FRONT_OF_BODY_TRIGGERS,
        "muscles": ["rectus-femoris"],
        "functional_groups": ["quadriceps"],
        "reason": (
            "Pain on one or both sides of the low back that comes on when standing up after "
            "sitting or lying, after standing a while, or when bending to pick something up, "
            "often comes from tight muscles at the front of the thigh (rectus femoris above "
            "all) tilting the pelvis forward. Check the front of the thigh on the painful side."
        ),
    },
    {
        "name": "Middle of the low back, on getting up or bending: inner thigh",
        "priority": 20,
        "regions": ["lower_back_centre"],
        "region_match": "any",
        "triggers": FRONT_OF_BODY_TRIGGERS,
        "muscles": [],
        "functional_groups": ["adductors"],
        "reason": (
            "Pain in the middle of the low back brought on by getting up, standing or bending "
            "often comes from tight inner-thigh muscles (the adductors). Check both inner "
            "thighs."
        ),
    },
    {
        "name": "Low back with long sitting: hip flexors",
        "priority": 30,
        "regions": _ALL_LOWER_BACK,
        "region_match": "any",
        "triggers": ["sitting_long", "standing_up_after_sitting"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": (
            "Long hours of sitting keep the hip flexors short. Psoas major attaches along the "
            "lumbar vertebrae and iliacus to the pelvis, so when they are tight they pull on "
            "the low back; several clinics see them as the first contributor to low back pain."
        ),
    },
    {
        "name": "Low back when walking: hip flexors",
        "priority": 40,
        "regions": _ALL_LOWER_BACK,
        "region_match": "any",
        "triggers": ["walking"],
        "muscles": ["psoas-major", "iliacus"],
        "functional_groups": [],
        "reason": (
            "When tight hips cannot swing the leg freely, the low back hikes the hip with "
            "every step, and the strain adds up over thousands of steps. Check hip flexor "
            "length (Thomas test)."
        ),
    },
    {
        "name": "Back of the thigh: the three hamstrings",
        "priority": 50,
        "regions": ["back_thigh_left", "back_thigh_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": [],
        "functional_groups": ["hamstrings"],
        "reason": (
            "Pain at the back of the thigh: assess each of the three hamstrings (biceps "
            "femoris, semitendinosus, semimembranosus) separately; a toe-touch reaches at most "
            "one of them."
        ),
    },
    {
        "name": "Buttock pain: glutes and piriformis",
        "priority": 60,
        "regions": ["buttock_left", "buttock_right"],
        "region_match": "any",
        "triggers": [],
        "muscles": ["gluteus-medius", "piriformis"],
        "functional_groups": [],
        "reason": (
            "Pain in the buttock: look for trigger points in gluteus medius and a tight "
            "piriformis on the painful side."
        ),
    },
    {
        "name": "Low back on bending or lifting: quadratus lumborum",
        "priority": 70,
        "regions": _ALL_LOWER_BACK,
        "region_match": "any",
        "triggers": ["bending_to_pick_up", "lifting", "twisting"],
        "muscles": ["quadratus-lumborum"],
        "functional_groups": [],
        "reason": (
            "Low back pain on bending, lifting or twisting: check quadratus lumborum for "
            "trigger points; it is often overworked when the hips do not move freely."
        ),
    },
]
