"""JSON API of the route guide: POST /api/v1/advice (a situation in, an advice out).

The schemas below generate the OpenAPI description; the codes are enums taken from the loaded vocabulary
each time the document is built. The situation itself is validated by the engine (`validate_situation`,
the one place that knows the contract), so the body reaches it unvalidated (`SkipValidation`) and is
refused with the engine's own per-field messages. The advice is shaped by `Advice` on the way out; the
schemas are plain pydantic models, not ninja's `Schema`, whose per-attribute ORM getter doubled the cost of
shaping a dict this size.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Body, Field, Router
from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, SkipValidation
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from wegwijzer.core.apikit import BODY_ERRORS, ApiError, errors

from .engine import RuleSetError, VocabularyError
from .engine.situation import WEEKS_BY_PHASE, SituationError
from .service import advise, route_choices, route_vocabulary, vocabulary

router = Router(tags=["routewijzer"])


@dataclass(frozen=True, slots=True)
class VocabularyCodes:
    """Documents a code field as an enum of the vocabulary's codes of one kind (read when the document is built:
    the vocabulary is content, not code). Validation stays with the engine."""

    kind: str

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        try:
            # every route's codes: a second route adds its own (its phases, concerns, roles ...)
            codes = dict.fromkeys(vocabulary().codes(self.kind))
            for route, _title, _text in route_choices():
                codes.update(dict.fromkeys(route_vocabulary(route).codes(self.kind)))
        except (OSError, VocabularyError, RuleSetError):  # without content the document still builds, unenumerated
            return out
        out["enum"] = list(codes)
        return out


@dataclass(frozen=True, slots=True)
class RouteCodes:
    """Documents `route` as an enum of the content's routes (content, like the vocabulary)."""

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        out = handler(schema)
        with contextlib.suppress(OSError, VocabularyError, RuleSetError):
            out["enum"] = [code for code, _title, _text in route_choices()]
        return out


WEEKS_TEXT = "; ".join(
    f"{phase}: {'leeg (null)' if rng is None else f'{rng[0]}–{rng[1]}'}" for phase, rng in WEEKS_BY_PHASE.items()
)
PhaseCode = Annotated[str, VocabularyCodes("phases")]
ReporterCode = Annotated[str, VocabularyCodes("reporters")]
WijkCode = Annotated[str, VocabularyCodes("wijken")]
ConcernCode = Annotated[str, VocabularyCodes("concerns")]
RoleCode = Annotated[str, VocabularyCodes("roles")]
InterventionCode = Annotated[str, VocabularyCodes("interventions")]
LawCode = Annotated[str, VocabularyCodes("laws")]
WarningCode = Annotated[str, VocabularyCodes("warnings")]


class Situation(BaseModel):
    """Wat de professional weet; alleen codes, geen persoonsgegevens."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "example": {
                "phase": "zwangerschap",
                "weeks_since_birth": None,
                "reporter": "verloskundige",
                "wijk": "overvecht",
                "concerns": ["jong-ouderschap", "geen-netwerk"],
                "buurtteam_involved": False,
            }
        },
    )

    route: Annotated[str, RouteCodes()] = Field(
        "eerste-1000-dagen",
        description=(
            "De route: eerste-1000-dagen (standaard; zonder dit veld betekent een situatie wat ze altijd betekende)"
            " of basis-ggz (basiszorg jeugd-ggz, Proeftuin). Elke route heeft haar eigen fasen en extra codes;"
            " een onbekende route geeft 422 met het veld route."
        ),
    )
    phase: PhaseCode = Field(description="Fase: in de eerste 1000 dagen, of de fase van de gekozen route.")
    weeks_since_birth: int | None = Field(
        None, ge=0, description=f"Weken sinds de geboorte, passend bij de fase ({WEEKS_TEXT})."
    )
    reporter: ReporterCode = Field(description="De rol van wie vraagt.")
    wijk: WijkCode | None = Field(None, description="De wijk, voor de lokale contacten.")
    concerns: list[ConcernCode] = Field(description="Signalen en vragen; mag leeg zijn.")
    buurtteam_involved: bool | None = Field(None, description="Kent het buurtteam het gezin al? null = onbekend.")
    urgent: bool = Field(False, description="De professional ervaart spoed.")
    child_protection_order: bool = Field(
        False, description="De rechter heeft een jeugdbeschermingsmaatregel opgelegd."
    )
    ambulant_sufficient: bool = Field(True, description="false als hulp thuis niet (meer) past.")
    related_to_baby_care: bool = Field(
        True, description="false als de vragen bij de ouder zelf liggen, los van de baby."
    )
    # revision 2 of the contract: all optional, a revision-1 situation means what it meant
    involved: list[RoleCode] = Field(
        default_factory=list,
        description=(
            "Wie al betrokken is bij het gezin (rolcodes). buurtteam-jeugd-gezin hier en buurtteam_involved: true "
            "betekenen hetzelfde; elkaar tegensprekend is een fout."
        ),
        json_schema_extra={"uniqueItems": True},
    )
    parent_minor: bool = Field(False, description="Een (aanstaande) ouder is jonger dan 18, en dus zelf jeugdige.")
    help_question: bool | None = Field(
        None, description="Heeft het gezin zelf een hulpvraag? false: alleen de professional ziet een risico; null = onbekend."
    )


class AdviceStep(BaseModel):
    actor: str = Field(description="Rolcode van wie handelt.")
    text: str = Field(description="Wat er moet gebeuren (Nederlands).")
    because: list[str] = Field(description="Regel-id's.")


class AdviceSource(BaseModel):
    """Een paragraaf van een brondocument (content/sources.yaml)."""

    document: str = Field(description="Code van het brondocument.")
    section: str = Field(description="Code van de paragraaf.")
    title: str = Field(description="Document en paragraaf, zoals de regel ze noemt.")
    url: str = Field("", description="Openbaar adres van het document, als dat bestaat.")


class AdviceReason(BaseModel):
    rule: str
    source: str = Field(description="De paragraaf van de wegwijzer waarop de regel rust.")
    text: str = Field(description="Waarom de regel hier geldt (Nederlands).")
    explains: list[str] = Field(description="De codes uit involve/interventions/laws/warnings die deze regel verklaart.")
    excludes: list[str] = Field(default_factory=list, description="Codes die deze regel uitsluit (alleen als er zijn).")
    joins: list[str] = Field(
        default_factory=list,
        description="Rollen uit explains die al betrokken zijn en die deze regel vraagt aan te sluiten (alleen als er zijn).",
    )
    sources: list[AdviceSource] = Field(
        default_factory=list, description="De bronnen (document en paragraaf) waarop de regel rust, met hun adres."
    )


class AdviceNotice(BaseModel):
    """Een melding over de situatie zelf (content/routeguide/notices.yaml), geen deel van de route."""

    id: str = Field(description="Code van de melding (N-…).")
    source: str = Field(description="De paragraaf of paragrafen waarop de melding rust.")
    text: str = Field(description="De melding (Nederlands).")
    sources: list[AdviceSource] = Field(default_factory=list, description="De bronnen, met hun adres.")


class AdviceContact(BaseModel):
    """Een concreet contact op de sociale kaart voor een betrokken rol."""

    model_config = ConfigDict(extra="allow")

    role: str = Field(description="Rolcode uit involve.")
    name: str
    slug: str = Field("", description="Code van het record op de sociale kaart.")
    kind: str = Field("", description="Soort record (organisatie, team, netwerk).")
    phone: str = ""
    email: str = ""
    website: str = Field("", description="Eigen website van de organisatie, alleen als de bronnen die geven.")
    url: str = Field("", description="Pagina van het record op de sociale kaart.")


class Advice(BaseModel):
    """De route: wie je betrekt, aanbod, wettelijk kader, vangrails, stappen, contacten en redenen."""

    involve: list[RoleCode] = Field(
        description="Wie je betrekt, in volgorde van contact: de eerste eerst.", json_schema_extra={"uniqueItems": True}
    )
    interventions: list[InterventionCode] = Field(
        description="Passend aanbod, het meest passende eerst.", json_schema_extra={"uniqueItems": True}
    )
    laws: list[LawCode] = Field(
        description="Wettelijk kader waaronder de hulp waarschijnlijk valt.", json_schema_extra={"uniqueItems": True}
    )
    warnings: list[WarningCode] = Field(description="Vangrails om op te letten.", json_schema_extra={"uniqueItems": True})
    steps: list[AdviceStep]
    contacts: list[AdviceContact]
    reasons: list[AdviceReason]
    content_version: str = Field(description="Versie van regels en inhoud.")
    contradictions: list[AdviceNotice] = Field(
        default_factory=list,
        description="Tegenstrijdigheden in de situatie ('U gaf aan … en …; controleer dit.'), bovenaan te tonen.",
    )
    not_in_source: list[AdviceNotice] = Field(
        default_factory=list,
        description="Wat de wegwijzer niet zegt (bijv. escalatie): eerlijk gemeld in plaats van een verzonnen route.",
    )
    warnings_prominent: list[WarningCode] = Field(
        default_factory=list,
        description="De zwaarste vangrails (hooguit drie), het begin van warnings; warnings staat op gewicht.",
    )
    situation: Situation = Field(description="De situatie zoals de routewijzer haar las (met de standaardwaarden).")


@router.post(
    "/advice",
    url_name="api-advice",
    operation_id="adviseRoute",
    summary="Routeadvies voor een situatie",
    description=(
        "Geeft de route: wie je betrekt (in volgorde), passend aanbod, wettelijk kader, vangrails, stappen, "
        "lokale contacten en per regel de reden met de bron. Alleen codes; geen persoonsgegevens. Een "
        "ongeldige situatie geeft 422 met per veld wat er mis is."
    ),
    response={200: Advice, **errors(*BODY_ERRORS)},
    exclude_unset=True,  # a reason without excludes has no "excludes" key, as the engine shapes it
)
def advice(
    request: HttpRequest,
    situation: SkipValidation[Situation] = Body(...),  # noqa: B008 - the engine validates (one source of rules)
) -> dict[str, Any]:
    try:
        return advise(situation, tally=True)
    except SituationError as exc:
        raise ApiError(422, SituationError.detail, exc.errors) from exc
