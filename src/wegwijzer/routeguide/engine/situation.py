"""The situation: what a worried professional knows, validated field by field (contract: route-guide.md).

`validate_situation(data, vocab)` returns a frozen `Situation` or raises `SituationError` whose
`errors` maps each bad field to Dutch messages. Pure Python: no Django import.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .vocabulary import Vocabulary

FIELDS = (
    "phase",
    "weeks_since_birth",
    "reporter",
    "wijk",
    "concerns",
    "buurtteam_involved",
    "urgent",
    "child_protection_order",
    "ambulant_sufficient",
    "related_to_baby_care",
    # revision 2 (all optional; absent means what a revision-1 situation meant)
    "involved",
    "parent_minor",
    "help_question",
)
REQUIRED = ("phase", "reporter", "concerns")
BOOLEAN_DEFAULTS = {
    "urgent": False,
    "child_protection_order": False,
    "ambulant_sufficient": True,
    "related_to_baby_care": True,
    "parent_minor": False,
}
BUURTTEAM = "buurtteam-jeugd-gezin"
# weeks_since_birth per phase: None = must be absent or null; (low, high) = inclusive range.
WEEKS_BY_PHASE: dict[str, tuple[int, int] | None] = {
    "kinderwens": None,
    "zwangerschap": None,
    "kraamperiode": (0, 6),
    "jonge-kind": (6, 110),
}
REQUIRED_MESSAGE = "Dit veld is verplicht."
NON_FIELD = "situation"


class SituationError(ValueError):
    """A malformed situation. `errors`: field -> list of Dutch messages."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {field: list(messages) for field, messages in errors.items()}
        super().__init__("; ".join(f"{f}: {' '.join(m)}" for f, m in self.errors.items()))

    detail = "De situatie is niet geldig; zie de fouten per veld."


@dataclass(frozen=True, slots=True)
class Situation:
    phase: str
    reporter: str
    concerns: frozenset[str]
    weeks_since_birth: int | None = None
    wijk: str | None = None
    buurtteam_involved: bool | None = None
    urgent: bool = False
    child_protection_order: bool = False
    ambulant_sufficient: bool = True
    related_to_baby_care: bool = True
    involved: frozenset[str] = frozenset()  # roles already involved (buurtteam_involved=True adds the buurtteam)
    parent_minor: bool = False
    help_question: bool | None = None
    acting_role: str | None = None  # the role the reporter acts as (vocabulary reporter_roles)

    @property
    def involved_sorted(self) -> tuple[str, ...]:
        return tuple(sorted(self.involved))

    @property
    def concerns_sorted(self) -> tuple[str, ...]:
        return tuple(sorted(self.concerns))

    def flag(self, name: str) -> bool | None:
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "weeks_since_birth": self.weeks_since_birth,
            "reporter": self.reporter,
            "wijk": self.wijk,
            "concerns": list(self.concerns_sorted),
            "buurtteam_involved": self.buurtteam_involved,
            "urgent": self.urgent,
            "child_protection_order": self.child_protection_order,
            "ambulant_sufficient": self.ambulant_sufficient,
            "related_to_baby_care": self.related_to_baby_care,
            "involved": list(self.involved_sorted),
            "parent_minor": self.parent_minor,
            "help_question": self.help_question,
        }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _choices(codes: Any) -> str:
    return ", ".join(codes)


def validate_situation(data: object, vocab: Vocabulary) -> Situation:
    """Validate `data` (parsed JSON/YAML) against the contract; every problem is reported at once."""
    if not isinstance(data, dict):
        raise SituationError({NON_FIELD: ["De situatie moet een JSON-object zijn met de velden van het contract."]})
    errors: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    for key in data:
        if not isinstance(key, str) or key not in FIELDS:
            add(str(key), f"Onbekend veld '{key}'. Toegestaan zijn: {_choices(FIELDS)}.")
    for field in REQUIRED:
        if field not in data:
            add(field, REQUIRED_MESSAGE)

    phase = data.get("phase")
    phase_ok = False
    if "phase" in data:
        if not isinstance(phase, str):
            add("phase", "Moet een fasecode zijn (tekst).")
        elif phase not in vocab.phases:
            add("phase", f"Onbekende fase '{phase}'. Kies uit: {_choices(vocab.phases)}.")
        else:
            phase_ok = True

    reporter = data.get("reporter")
    if "reporter" in data:
        if not isinstance(reporter, str):
            add("reporter", "Moet een code voor de melder zijn (tekst).")
        elif reporter not in vocab.reporters:
            add("reporter", f"Onbekende melder '{reporter}'. Kies uit: {_choices(vocab.reporters)}.")

    wijk = data.get("wijk")
    if wijk is not None:
        if not isinstance(wijk, str):
            add("wijk", "Moet een wijkcode (tekst) of null zijn.")
        elif wijk not in vocab.wijken:
            add("wijk", f"Onbekende wijk '{wijk}'. Kies uit: {_choices(vocab.wijken)}.")

    concerns: list[str] = []
    if "concerns" in data:
        raw = data["concerns"]
        if not isinstance(raw, list):
            add("concerns", "Moet een lijst van zorgcodes zijn (mag leeg zijn), bijvoorbeeld [\"geen-netwerk\"].")
        else:
            for i, code in enumerate(raw):
                if not isinstance(code, str):
                    add("concerns", f"Positie {i}: moet een zorgcode (tekst) zijn.")
                elif code not in vocab.concerns:
                    add("concerns", f"Positie {i}: onbekende zorg '{code}'.")
                else:
                    concerns.append(code)

    involved = data.get("buurtteam_involved")
    if involved is not None and not isinstance(involved, bool):
        add("buurtteam_involved", "Moet true, false of null (onbekend) zijn.")

    roles_involved: list[str] = []
    if data.get("involved") is not None:
        raw_involved = data["involved"]
        if not isinstance(raw_involved, list):
            add("involved", "Moet een lijst van rolcodes zijn (mag leeg zijn), bijvoorbeeld [\"jgz\"].")
        else:
            for i, code in enumerate(raw_involved):
                if not isinstance(code, str):
                    add("involved", f"Positie {i}: moet een rolcode (tekst) zijn.")
                elif code not in vocab.roles:
                    add("involved", f"Positie {i}: onbekende rol '{code}'. Kies uit: {_choices(vocab.roles)}.")
                elif code not in roles_involved:
                    roles_involved.append(code)
    if involved is False and BUURTTEAM in roles_involved:
        add(
            "involved",
            "Spreekt buurtteam_involved tegen: het buurtteam staat bij de betrokkenen, maar buurtteam_involved is"
            " false. Pas een van beide aan.",
        )
    elif involved is None and BUURTTEAM in roles_involved:
        involved = True  # the two mean the same (contract revision 2)
    if involved is True and BUURTTEAM not in roles_involved:
        roles_involved.append(BUURTTEAM)

    help_question = data.get("help_question")
    if help_question is not None and not isinstance(help_question, bool):
        add("help_question", "Moet true, false of null (onbekend) zijn.")

    flags: dict[str, bool] = {}
    for field, default in BOOLEAN_DEFAULTS.items():
        if field not in data:
            flags[field] = default
            continue
        value = data[field]
        if not isinstance(value, bool):
            add(field, "Moet true of false zijn.")
        else:
            flags[field] = value

    weeks = data.get("weeks_since_birth")
    if weeks is not None:
        if not _is_int(weeks):
            add("weeks_since_birth", "Moet een geheel getal (0 of meer) of null zijn.")
            weeks = None
        elif weeks < 0:
            add("weeks_since_birth", "Mag niet negatief zijn.")
            weeks = None
    if phase_ok and "weeks_since_birth" not in errors:
        allowed = WEEKS_BY_PHASE.get(str(phase))
        if allowed is None and weeks is not None:
            add(
                "weeks_since_birth",
                f"Past niet bij de fase '{phase}': vóór de geboorte blijft dit veld leeg (null).",
            )
        elif allowed is not None and weeks is not None and not allowed[0] <= weeks <= allowed[1]:
            add(
                "weeks_since_birth",
                f"Past niet bij de fase '{phase}': verwacht {allowed[0]} tot en met {allowed[1]} weken.",
            )

    if errors:
        raise SituationError(errors)
    return Situation(
        phase=str(phase),
        reporter=str(reporter),
        concerns=frozenset(concerns),
        weeks_since_birth=weeks,
        wijk=wijk,
        buurtteam_involved=involved,
        involved=frozenset(roles_involved),
        help_question=help_question,
        acting_role=vocab.acting_role(str(reporter)),
        **flags,
    )
