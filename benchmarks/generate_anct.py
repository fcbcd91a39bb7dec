"""Generate a synthetic ANCT subsidies file to time ``cdv importer anct-subventions``.

Two layouts: the open-data base of financed actions (``donnees-ouvertes``) and
the back-office export (``gispro``, 31 columns, numbered themes such as
« 1 - Pilier cohésion sociale » / « 1.2- Santé »); written as a ``;`` CSV, or
as an .xlsx declaring ``<dimension ref="A1"/>`` as other tools do. Rows are
spread over contracts ``C0011``, ``C0012``… with amounts printed the French way
(``12 500,00``); about 2 % of rows carry no contract code, as the national and
regional lines of the real file do.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import zipfile
from pathlib import Path

from cdv_analysis.rules.formatting import nombre
from cdv_analysis.importers import anct_layouts

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


# Back-office numbering: pillar number, then sub-theme number within it.
NUMBERED = [
    ("1 - Pilier cohésion sociale", ["1.1 - Education", "1.2- Santé", "1.3 - Culture", "1.4- Lien social",
                                     "1.7 - Sport", "1.8 - Parentalité et droits sociaux"]),
    ("2- Pilier développement économique et emploi", ["2.1- Emploi", "2.2 - Développement économique"]),
    ("3 - Pilier cadre de vie et renouvellement urbain", ["3.1 - Logement et habitat", "3.4- Environnement"]),
]
GISPRO_EXTRA = ["Département", "Programme", "BOP", "Année de programmation", "SIRET", "Montant demandé",
                "Montant payé", "Statut du dossier", "Date de dépôt", "Date de décision", "Date d'engagement",
                "Public visé", "Nombre de bénéficiaires", "Code QPV", "Nom du QPV", "Cofinancement",
                "Service instructeur", "Commentaire", "Région"]


def _rows(layout: str, rows: int, contracts: int, seed: int):
    rng = random.Random(seed)
    codes = [(f"C{11 + n:04d}", f"Contrat de ville de {TOWNS[n % len(TOWNS)]} {n // len(TOWNS) + 1}",
              REGIONS[n % len(REGIONS)]) for n in range(contracts)]
    columns = next(entry.columns for entry in anct_layouts() if entry.name == layout.replace("-", "_"))
    header = list(columns.values()) + (GISPRO_EXTRA if layout == "gispro" else [])
    yield header
    for number in range(1, rows + 1):
        code, label, region = rng.choice(codes) if rng.random() > 0.02 else ("", "", rng.choice(REGIONS))
        if layout == "gispro":
            theme, subs = rng.choice(NUMBERED)
            sub = rng.choice(subs)
        else:
            theme = rng.choice(list(THEMES))
            sub = rng.choice(THEMES[theme])
        values = {
            "numero": number, "numero_prj": f"{2022_000_000 + number}",
            "intitule": f"Action {number} – {sub.lower()}", "porteur": f"Association {rng.randint(1, 5000)}",
            "type_tiers": rng.choice(TIERS), "code_contrat": code, "libelle_contrat": label.upper(), "theme": theme,
            "sous_theme": sub, "montant": nombre(rng.randint(5, 600) * 100, 2), "region": region,
            "departement": f"{rng.randint(1, 95):02d}", "objectif": "Objectif de l'action",
            "commune": TOWNS[number % len(TOWNS)],
        }
        yield [values[field] for field in columns] + (["…"] * len(GISPRO_EXTRA) if layout == "gispro" else [])


def generate(target: Path, rows: int = 40_000, contracts: int = 435, seed: int = 2022,
             layout: str = "donnees-ouvertes") -> None:
    """Write the file; an .xlsx ``target`` gives a workbook that declares the dimension « A1 »."""
    if target.suffix.lower() == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("Export")
        for row in _rows(layout, rows, contracts, seed):
            sheet.append(row)
        book.save(target)
        with zipfile.ZipFile(target) as archive:
            parts = {name: archive.read(name) for name in archive.namelist()}
        for name in parts:
            if name.startswith("xl/worksheets/"):
                parts[name] = re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1"/>', parts[name])
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
        return
    with target.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=";").writerows(_rows(layout, rows, contracts, seed))


def main() -> None:
    parser = argparse.ArgumentParser(description="Génère un fichier ANCT synthétique de subventions.")
    parser.add_argument("sortie", type=Path, help="fichier à écrire (.csv ou .xlsx)")
    parser.add_argument("--format", choices=("donnees-ouvertes", "gispro"), default="donnees-ouvertes")
    parser.add_argument("--lignes", type=int, default=40_000)
    parser.add_argument("--contrats", type=int, default=435)
    parser.add_argument("--graine", type=int, default=2022)
    args = parser.parse_args()
    generate(args.sortie, args.lignes, args.contrats, args.graine, args.format)
    print(f"{args.lignes} lignes ({args.contrats} contrats) écrites dans {args.sortie}")


if __name__ == "__main__":
    main()
