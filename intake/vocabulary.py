"""The controlled vocabulary of intake: body regions, triggers, red flags,
known diagnoses and massage contraindications, and which muscles lie under
each body region. Codes are stable (rules and stored submissions
point at them); labels are the words clients read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Region:
    code: str
    label: str
    area: str  # the region without its side, e.g. "lower_back"
    side: str  # "left", "right" or "centre"
    view: str  # "front" or "back" of the body map


def _sided(area: str, label: str, view: str) -> list[Region]:
    return [
        Region(f"{area}_left", f"{label}, left", area, "left", view),
        Region(f"{area}_right", f"{label}, right", area, "right", view),
    ]


REGIONS: list[Region] = [
    Region("neck", "Neck", "neck", "centre", "back"),
    *_sided("shoulder", "Shoulder", "back"),
    *_sided("upper_back", "Upper back", "back"),
    Region("mid_back", "Middle of the back", "mid_back", "centre", "back"),
    Region("lower_back_left", "Lower back, left side", "lower_back", "left", "back"),
    Region("lower_back_centre", "Lower back, middle", "lower_back", "centre", "back"),
    Region("lower_back_right", "Lower back, right side", "lower_back", "right", "back"),
    *_sided("buttock", "Buttock", "back"),
    *_sided("hip", "Hip", "front"),
    *_sided("groin", "Groin", "front"),
    *_sided("front_thigh", "Front of thigh", "front"),
    *_sided("inner_thigh", "Inner thigh", "front"),
    *_sided("outer_thigh", "Outer thigh", "front"),
    *_sided("back_thigh", "Back of thigh", "back"),
    *_sided("knee", "Knee", "front"),
    *_sided("calf", "Calf", "back"),
    *_sided("ankle_foot", "Ankle and foot", "front"),
]
REGION_BY_CODE = {r.code: r for r in REGIONS}
AREAS = sorted({r.area for r in REGIONS})

TRIGGERS: dict[str, str] = {
    "standing_up_after_sitting": "Standing up after sitting for a while",
    "getting_up_after_lying": "Getting up after lying down",
    "standing_long": "Standing for a long time",
    "bending_to_pick_up": "Bending down to pick something up",
    "lifting": "Lifting or carrying",
    "walking": "Walking",
    "sitting_long": "Sitting for a long time",
    "morning_stiffness": "First thing in the morning",
    "at_night": "At night in bed",
    "twisting": "Twisting or turning",
    "climbing_stairs": "Climbing stairs",
    "coughing_sneezing": "Coughing or sneezing",
}
# The low-back screening set, in calm words for the client: any one ticked
# sets the submission's referral flag (see intake.services.submissions).
RED_FLAGS: dict[str, str] = {
    "bladder_bowel": "A new change in how you control your bladder or bowels",
    "saddle_numbness": "Numbness or tingling between your legs or around your bottom",
    "progressive_leg_weakness": "Weakness in a leg or foot that is getting worse",
    "fever": "A fever, or feeling generally unwell, along with the pain",
    "weight_loss": "Losing weight without trying",
    "cancer_history": "Cancer now or in the past",
    "iv_drug_use": "Injecting drugs, now or in the past",
    "immunosuppression": (
        "A weakened immune system, for example from steroid tablets taken for a long time, "
        "transplant medicines or chemotherapy"
    ),
    "major_trauma": "A recent fall, accident or heavy blow",
    "night_pain": "Pain at night or at rest that stays the same when you lie still or change "
    "position",
}
# Red flags worked out from the answers rather than ticked: the age from the
# date of birth, with the answer that the pain is new.
DERIVED_RED_FLAGS: dict[str, str] = {
    "age_with_new_pain": "Over 50 or under 20, with pain that is new",
}
RED_FLAG_LABELS: dict[str, str] = RED_FLAGS | DERIVED_RED_FLAGS
# Ages at which new pain is screened: older than NEW_PAIN_AGE_ABOVE or younger
# than NEW_PAIN_AGE_BELOW (whole years on the day of the form).
NEW_PAIN_AGE_ABOVE = 50
NEW_PAIN_AGE_BELOW = 20

# Known diagnoses the intake asks about (a doctor's or a scan's finding).
KNOWN_DIAGNOSES: dict[str, str] = {
    "disc": "A bulging or herniated (slipped) disc",
    "stenosis": "Spinal stenosis (narrowing around the spinal cord or nerves)",
    "arthritis": "Arthritis in the back, hips or knees",
    "osteoporosis": "Osteoporosis (thin bones)",
    "none": "None of these, or not that I know of",
}

# The muscles that lie under each area of the body map, as the client points
# at it from that side of the body (the surface layer and the muscles directly
# beneath it). A default rule never suggests one of these for pain in that
# area: the method looks away from where it hurts, at the muscles that pull on
# it. Anatomy: Gray's Anatomy, 42nd ed. (2020); Netter, Atlas of Human
# Anatomy, 8th ed. (2022).
MUSCLES_UNDER: dict[str, frozenset[str]] = {
    "neck": frozenset({"trapezius"}),
    "shoulder": frozenset({"trapezius"}),
    "upper_back": frozenset({"trapezius", "rhomboids"}),
    "mid_back": frozenset({"trapezius", "latissimus-dorsi", "erector-spinae"}),
    "lower_back": frozenset(
        {"quadratus-lumborum", "erector-spinae", "multifidus", "latissimus-dorsi"}
    ),
    "buttock": frozenset(
        {
            "gluteus-maximus",
            "gluteus-medius",
            "gluteus-minimus",
            "piriformis",
            "obturator-internus",
            "gemellus-superior",
            "gemellus-inferior",
            "quadratus-femoris",
        }
    ),
    "hip": frozenset({"gluteus-medius", "gluteus-minimus", "tensor-fasciae-latae"}),
    "groin": frozenset(
        {"pectineus", "adductor-longus", "adductor-brevis", "psoas-major", "iliacus"}
    ),
    "front_thigh": frozenset(
        {
            "rectus-femoris",
            "vastus-lateralis",
            "vastus-medialis",
            "vastus-intermedius",
            "sartorius",
        }
    ),
    "inner_thigh": frozenset({"adductor-longus", "adductor-brevis", "adductor-magnus", "gracilis"}),
    "outer_thigh": frozenset({"vastus-lateralis", "tensor-fasciae-latae"}),
    "back_thigh": frozenset(
        {"biceps-femoris", "semitendinosus", "semimembranosus", "adductor-magnus"}
    ),
    "knee": frozenset({"popliteus", "vastus-medialis"}),
    "calf": frozenset({"gastrocnemius", "soleus", "tibialis-posterior", "popliteus"}),
    "ankle_foot": frozenset({"tibialis-anterior", "fibularis-longus", "fibularis-brevis"}),
}

CONTRAINDICATIONS: dict[str, str] = {
    "blood_clots": "Blood clots (deep vein thrombosis) now or in the past",
    "recent_surgery": "An operation in the last three months",
    "pregnancy": "Pregnancy",
    "skin_conditions": "Rashes, open wounds, infections or other skin conditions",
    "osteoporosis": "Osteoporosis (thin bones)",
    "varicose_veins": "Varicose veins",
    "heart_condition": "A heart condition or a pacemaker",
    "diabetes": "Diabetes",
}
