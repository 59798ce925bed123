"""A synthetic social map of N services with Dutch-ish text, for search benchmarks (deterministic seed).

    python bench/generate_map.py 20000 --out var/synthetic-map.json

Each record has the shape of `wegwijzer.socialmap.selectors.search_documents()`. The words come from the
domain (birth care, youth care, social support in Utrecht) and are combined at random into names,
summaries and descriptions of realistic length, with compounds, hyphenated names and numbered variants,
so the term dictionary and posting lists grow the way a real, larger social map would.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path

SEED = 1000

WIJKEN = ["binnenstad", "noordoost", "oost", "zuid", "zuidwest", "west", "noordwest", "overvecht",
          "leidsche-rijn", "vleuten-de-meern"]
BUURTEN = ["Kanaleneiland", "Zuilen", "Lombok", "Hoograven", "Tuinwijk", "Wittevrouwen", "Lunetten", "Ondiep",
           "Terwijde", "Vechtzoom", "Rivierenwijk", "Transwijk", "Oog in Al", "Voordorp", "Tolsteeg", "Parkwijk",
           "De Meern", "Vleuten", "Halve Maan", "Kanaleneiland-Zuid", "Majella", "Tuindorp", "Elinkwijk"]
LAWS = ["zvw", "jeugdwet", "wmo", "wpg", "wlz"]
PHASES = ["kinderwens", "zwangerschap", "kraamperiode", "jonge-kind"]
DOMAINS = ["medisch-eerstelijns", "medisch-tweedelijns", "sociaal", "informeel"]
ACCESS = ["vrij-toegankelijk", "via-buurtteam", "via-huisarts", "via-verloskundige", "via-jgz", "via-kraamzorg"]
KINDS = ["aanbod"] * 6 + ["organisatie", "team", "netwerk", "rol"]

HEADS = ["zorg", "hulp", "groep", "spreekuur", "begeleiding", "steun", "training", "cursus", "ondersteuning",
         "opvang", "netwerk", "team", "bezoek", "consult", "advies", "maatje", "café", "punt", "loket", "huis"]
MODIFIERS = ["kraam", "moeder", "vader", "ouder", "baby", "peuter", "gezin", "jeugd", "buurt", "wijk",
             "opvoed", "borstvoeding", "zwangerschap", "huishoud", "taal", "schulden", "geld", "voeding",
             "slaap", "huil", "hechting", "relatie", "woon", "thuis", "vrijwilligers", "lotgenoten", "nacht",
             "dag", "week", "school", "speel", "inloop", "eerstelijns", "jongeren", "tiener", "migranten"]
ADJECTIVES = ["extra", "verlengde", "kortdurende", "intensieve", "praktische", "laagdrempelige",
              "specialistische", "preventieve", "ambulante", "digitale", "kosteloze", "tijdelijke",
              "persoonlijke", "vroegtijdige", "gespecialiseerde", "wekelijkse", "eerste"]
AUDIENCES = ["jonge ouders", "zwangere vrouwen", "aanstaande vaders", "gezinnen met een baby",
             "ouders met psychische klachten", "ouders met een licht verstandelijke beperking",
             "nieuwkomers die de taal nog leren", "alleenstaande moeders", "tienermoeders",
             "ouders met geldzorgen", "ouders zonder eigen netwerk", "gezinnen in een onveilige situatie",
             "ouders van een huilbaby", "ouders van een kind met een beperking", "vaders en moeders in de wijk"]
VERBS = ["biedt", "geeft", "organiseert", "helpt bij", "ondersteunt bij", "begeleidt bij", "adviseert over",
         "denkt mee over", "verwijst door naar", "zorgt voor"]
OBJECTS = ["de verzorging van de baby", "het huishouden", "opvoedvragen", "borstvoeding", "herstel na de bevalling",
           "hechting tussen ouder en kind", "slapen en huilen", "geldzaken en schulden", "het vinden van kinderopvang",
           "contact met andere ouders", "de eerste weken thuis", "gezonde voeding", "een veilige thuissituatie",
           "de aanvraag van een indicatie", "vragen over de ontwikkeling van het kind", "stress en vermoeidheid",
           "praktische hulp thuis", "het opbouwen van een eigen netwerk", "gezond zwanger worden", "anticonceptie"]
HOW = ["Aanmelden kan zonder verwijzing.", "Toegang via het buurtteam.", "Verwijzing door de huisarts of verloskundige.",
       "De JGZ meldt gezinnen aan.", "Bereikbaar tijdens kantoortijden.", "Aanmelden via de website of telefonisch.",
       "Een indicatie van de gemeente is nodig.", "De kraamzorg vraagt extra uren aan bij de verzekeraar."]
PROVIDERS = ["Stichting Samen Sterk", "Zorggroep Utrecht", "Buurtwerk", "Careyn", "Lokalis", "JGZ Utrecht",
             "Kraamzorg Het Nest", "Verloskundigenpraktijk De Wieg", "Vrijwilligerscentrale", "Al Amal",
             "Home-Start", "Handje Helpen", "Humanitas", "Stichting Ouderkracht", "Welzijn Utrecht"]


def _compound(rng: random.Random) -> str:
    modifier, head = rng.choice(MODIFIERS), rng.choice(HEADS)
    return f"{modifier}-{head}" if rng.random() < 0.15 else f"{modifier}{head}"


def _sentence(rng: random.Random) -> str:
    return (f"{rng.choice(PROVIDERS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} voor "
            f"{rng.choice(AUDIENCES)} in {rng.choice(BUURTEN)}.")


def generate(n: int, seed: int = SEED) -> list[dict]:
    """N synthetic records in the search_documents() shape; the same seed gives the same map."""
    rng = random.Random(seed)
    docs: list[dict] = []
    for number in range(n):
        compound = _compound(rng)
        name_parts = [rng.choice(ADJECTIVES).capitalize(), compound] if rng.random() < 0.5 else [compound.capitalize()]
        if rng.random() < 0.6:
            name_parts.append(rng.choice(BUURTEN))
        name = " ".join(name_parts)
        slug = "-".join(name.lower().replace("é", "e").split())[:80] + f"-{number}"
        kind = rng.choice(KINDS)
        docs.append({
            "slug": slug,
            "kind": kind,
            "name": name,
            "alternate_name": _compound(rng) if rng.random() < 0.4 else "",
            "summary": f"{rng.choice(ADJECTIVES).capitalize()} {compound} voor {rng.choice(AUDIENCES)}.",
            "description": " ".join(_sentence(rng) for _ in range(rng.randint(2, 6))),
            "target_group": f"Voor {rng.choice(AUDIENCES)} en {rng.choice(AUDIENCES)}.",
            "conditions": rng.choice(["", "Alleen in Utrecht.", "Eigen bijdrage mogelijk.", "Geen wachtlijst."]),
            "application_process": rng.choice(HOW),
            "laws": sorted(rng.sample(LAWS, rng.randint(0, 2))),
            "phases": sorted(rng.sample(PHASES, rng.randint(1, 3))),
            "domain": rng.choice(DOMAINS),
            "access": sorted(rng.sample(ACCESS, rng.randint(1, 2))),
            "wijken": sorted(rng.sample(WIJKEN, rng.randint(0, 3))),
            "url": f"/kaart/{slug}/",
        })
    return docs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, nargs="?", default=20_000)
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, help="write JSON here (default: stdout)")
    args = parser.parse_args(argv)
    data = json.dumps(generate(args.n, args.seed), ensure_ascii=False)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(data, encoding="utf-8")
    else:
        sys.stdout.write(data)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
