"""Generate a synthetic ANCT subsidies file (open-data layout) to time ``cdv importer anct-subventions``.

Rows are spread over contracts ``C0011``, ``C0012``… with amounts printed the
French way (``12 500,00``); about 2 % of rows carry no contract code, as the
national and regional lines of the real file do.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

from cdv_analysis.formatting import nombre
from cdv_analysis.importers import ANCT_HEADERS

THEMES = {
    "Education": ["Réussite éducative", "Accompagnement à la scolarité", "Ouverture culturelle"],
    "Emploi": ["Insertion professionnelle", "Accompagnement vers l'emploi"],
    "Développement économique": ["Création d'activité", "Commerce de proximité"],
    "Santé": ["Prévention santé", "Accès aux soins"],
    "Culture et expression artistique": ["Pratiques artistiques", "Patrimoine et mémoire"],
    "Lien social, citoyenneté et participation des habitants": ["Conseils citoyens", "Animation de quartier"],
    "Cadre de vie et renouvellement urbain": ["Gestion urbaine de proximité", "Amélioration du cadre de vie"],
    "Prévention et lutte contre les discriminations": ["Lutte contre les discriminations"],
    "Accès aux droits": ["Médiation sociale", "Accès aux droits"],
    "Sport": ["Pratique sportive"],
    "Pilotage, ingénierie, ressources et évaluation": ["Ingénierie", "Évaluation"],
    "Tranquillité publique et sécurité": ["Prévention de la délinquance"],
    "Logement et habitat": ["Accès au logement"],
    "Parentalité et droits sociaux": ["Soutien à la parentalité"],
    "Egalité femmes-hommes": ["Égalité femmes-hommes"],
}
TIERS = ["Association"] * 14 + ["Commune", "CCAS", "Communauté d'agglomération", "Etablissement public",
                                "Bailleur social", "Entreprise", "Autre"]
REGIONS = ["Hauts-de-France", "Île-de-France", "Auvergne-Rhône-Alpes", "Occitanie", "Grand Est",
           "Provence-Alpes-Côte d'Azur", "Nouvelle-Aquitaine", "Normandie", "Bretagne", "Pays de la Loire"]
TOWNS = ["Lens", "Béthune", "Roubaix", "Nîmes", "Montpellier", "Toulouse", "Amiens", "Reims", "Metz", "Rouen",
         "Brest", "Nantes", "Limoges", "Grenoble", "Marseille", "Évry", "Sarcelles", "Creil", "Alès", "Tarbes"]


def generate(target: Path, rows: int = 40_000, contracts: int = 435, seed: int = 2022) -> None:
    rng = random.Random(seed)
    codes = [(f"C{11 + n:04d}", f"Contrat de ville de {TOWNS[n % len(TOWNS)]} {n // len(TOWNS) + 1}",
              REGIONS[n % len(REGIONS)]) for n in range(contracts)]
    themes = list(THEMES)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(ANCT_HEADERS)
        for number in range(1, rows + 1):
            theme = rng.choice(themes)
            code, label, region = rng.choice(codes) if rng.random() > 0.02 else ("", "", rng.choice(REGIONS))
            writer.writerow([
                number, f"{2022_000_000 + number}", f"Action {number} – {rng.choice(THEMES[theme]).lower()}",
                f"Association {rng.randint(1, 5000)}", rng.choice(TIERS), code, label, theme,
                rng.choice(THEMES[theme]), nombre(rng.randint(5, 600) * 100, 2), region,
            ])


def main() -> None:
    parser = argparse.ArgumentParser(description="Génère un fichier ANCT synthétique de subventions.")
    parser.add_argument("sortie", type=Path, help="fichier CSV à écrire")
    parser.add_argument("--lignes", type=int, default=40_000)
    parser.add_argument("--contrats", type=int, default=435)
    parser.add_argument("--graine", type=int, default=2022)
    args = parser.parse_args()
    generate(args.sortie, args.lignes, args.contrats, args.graine)
    print(f"{args.lignes} lignes ({args.contrats} contrats) écrites dans {args.sortie}")


if __name__ == "__main__":
    main()
