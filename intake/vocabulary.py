"""The controlled vocabulary of intake: body regions, triggers, red flags and
massage contraindications. Codes are stable (rules and stored submissions
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
RED_FLAGS: dict[str, str] = {
    "bladder_bowel": "New trouble controlling your bladder or bowels",
    "saddle_numbness": "Numbness or tingling between your legs or around your bottom",
    "progressive_leg_weakness": "Weakness in a leg or foot that is getting worse",
    "fever": "Fever, or feeling generally unwell, with the pain",
    "weight_loss": "Losing weight without trying",
    "cancer_history": "Cancer now or in the past",
    "major_trauma": "A recent fall, accident or serious injury",
    "night_pain": "Pain at night that does not ease when you rest or change position",
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
