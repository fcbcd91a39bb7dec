"""Generate synthetic territories for benchmarks (never into data/raw).

Each synthetic territory gets a territoire.yml and the programmation tables of
one to three years, with amounts drawn around the embedded territories' orders
of magnitude, written exactly as a French report would print them.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

import yaml

from cdv_analysis.rules.formatting import euros, nombre
from cdv_analysis.ingest.schemas import TABLES

PILLARS = ("Cohésion sociale", "Cadre de vie et renouvellement urbain", "Emploi et développement économique",
           "Pilotage du contrat")


def _write(path: Path, table: str, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=TABLES[table].column_names, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: row.get(k, "") for k in TABLES[table].column_names})


def generate(target: Path, count: int, seed: int = 2022, years: tuple[int, ...] = (2021, 2022)) -> list[str]:
    rng = random.Random(seed)
    target.mkdir(parents=True, exist_ok=True)
    ids = []
    for number in range(1, count + 1):
        tid = f"synth{number:03d}"
        folder = target / tid
        folder.mkdir(exist_ok=True)
        chosen = sorted(rng.sample(years, rng.randint(1, len(years))))
        meta = {"id": tid, "nom": f"Communauté d'agglomération synthétique n° {number}", "sigle": f"CAS{number}",
                "population_qpv": {"valeur": str(rng.randint(5_000, 80_000)), "annee": 2020,
                                   "source": "bench", "section": "généré"},
                "sources": [{"id": f"ra{y}", "fichier": "généré", "titre": f"Rapport synthétique {y}",
                             "type": "rapport_annuel", "annees": [y], "annee_rapport": y} for y in chosen]}
        (folder / "territoire.yml").write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False), "utf-8")
        money, projects, actions = [], [], []
        for year in chosen:
            source, section = f"ra{year}", f"Programmation {year} – répartition par pilier"
            amounts = [rng.randint(20_000, 5_000_000) for _ in PILLARS]
            total = sum(amounts)
            for pillar, amount in zip(PILLARS, amounts):
                money.append({"annee": year, "mesure": "programmation", "pilier": pillar,
                              "montant": euros(amount, 2), "part_publiee": nombre(100 * amount / total, 1),
                              "support": "tableau", "source": source, "section": section})
                specific = rng.randint(0, amount)
                for kind, value in (("specifique", specific), ("droit_commun", amount - specific)):
                    money.append({"annee": year, "mesure": "programmation", "pilier": pillar, "type_credit": kind,
                                  "montant": euros(value), "support": "tableau", "source": source,
                                  "section": f"Programmation {year} – droit commun et crédits spécifiques"})
            money.append({"annee": year, "mesure": "programmation", "montant": euros(total, 2),
                          "part_publiee": "100,0", "support": "tableau", "source": source, "section": section})
            filed = rng.randint(80, 250)
            for measure, value in (("deposes", filed), ("soutenus", rng.randint(filed // 2, filed))):
                projects.append({"annee": year, "mesure": measure, "nombre": nombre(value), "support": "texte",
                                 "source": source, "section": f"La programmation {year}"})
            for index in range(rng.randint(5, 30)):
                actions.append({"annee": year, "dispositif": "fcs", "numero": index + 1,
                                "axe": f"{rng.randint(1, 5)}. Axe", "porteur": f"Association {rng.randint(1, 60)}",
                                "intitule": f"Projet {index + 1}", "montant": euros(rng.randint(500, 15_000)),
                                "source": source, "section": f"Fonds de Cohésion Sociale {year}"})
        _write(folder / "financements.csv", "financements", money)
        _write(folder / "projets.csv", "projets", projects)
        _write(folder / "actions.csv", "actions", actions)
        ids.append(tid)
    return ids


def main() -> None:
    parser = argparse.ArgumentParser(description="Génère des territoires synthétiques pour les mesures de performance.")
    parser.add_argument("dossier", type=Path, help="dossier de sortie (jamais data/raw)")
    parser.add_argument("--nombre", type=int, default=50)
    parser.add_argument("--graine", type=int, default=2022)
    args = parser.parse_args()
    if args.dossier.resolve() == (Path(__file__).resolve().parent.parent / "data" / "raw").resolve():
        parser.error("les territoires synthétiques ne vont jamais dans data/raw")
    ids = generate(args.dossier, args.nombre, args.graine)
    print(f"{len(ids)} territoires synthétiques écrits dans {args.dossier}")


if __name__ == "__main__":
    main()
