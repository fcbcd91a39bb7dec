"""Office programmation sheets as a service keeps them (for the programmation importer tests).

The Douaisis 2024 sheet: a merged title, two note lines above the header, one column per
financer, amounts typed as text (« 6 000,00 € »), an action on two QPV, a comment column,
a commune merged over two rows, and a TOTAL row at the bottom.
"""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook

TITLE = "Programmation 2024 du Contrat de Ville — Communauté d'agglomération du Douaisis"
NOTES = ("Document de travail — comité de pilotage du 12 mars 2024", "Montants en euros ; cellule vide = 0.")
HEADERS = ("N° dossier", "Porteur", "Type de porteur", "Intitulé de l'action", "Pilier", "Thématique", "QPV",
           "Commune", "Statut", "Coût total", "État BOP 147", "Agglomération", "Ville", "Région", "CAF",
           "Droit commun", "Commentaires")
ACTIONS = [
    ("2024-001", "Association Horizon", "Association", "Aide aux devoirs", "Pilier 1 - Cohésion sociale", "Éducation",
     "QN05901M ; QN05902M", "Douai", "Retenu", "12 000,00 €", "6 000,00 €", "3 000,00 €", "1 500,00 €", "", "",
     "1 500,00 €", "Reconduction 2023"),
    ("2024-002", "Ville de Douai", "Commune", "Chantier éducatif", "Cadre de vie", "Cadre de vie", "QN05903M",
     "", "Retenu", "8 500 €", "4 000 €", "2 500 €", "2 000 €", "", "", "", ""),  # commune merged with the row above
    ("2024-003", "Mission locale du Douaisis", "Association", "Accompagnement vers l'emploi",
     "Emploi et développement économique", "Emploi", "QN05901M", "Douai", "Retenu", "20 000", "10 000", "5 000",
     "", "5 000", "", "", ""),
    ("2024-004", "CCAS de Sin-le-Noble", "CCAS", "Atelier santé", "Cohésion sociale", "Santé", "QN05904M",
     "Sin-le-Noble", "Retenu", "6 000", "3 000", "", "1 000", "", "2 000", "", "Cofinancement CAF à confirmer"),
    ("2024-005", "Association Horizon", "Association", "Fête de quartier", "Cohésion sociale", "Lien social",
     "QN05902M", "Douai", "Retenu", "3 000", "1 500", "1 000", "500", "", "", "", ""),
    ("2024-006", "Centre social Arc-en-ciel", "Association", "Jardins partagés", "Cadre de vie", "Environnement",
     "QN05904M", "Sin-le-Noble", "Retenu", "5 000", "2 000", "1 000", "", "", "", "1 500",
     "Coût total à revoir avec le porteur"),
]
TOTAL = ("", "TOTAL", "", "", "", "", "", "", "", "54 500", "26 500", "12 500", "5 000", "5 000", "2 000", "3 000", "")
# Recomputed by hand from ACTIONS (the TOTAL row excluded).
BY_FINANCER = {"anct": 26_500, "epci": 12_500, "communes": 5_000, "region": 5_000, "caf": 2_000,
               "droit_commun": 3_000}
TOTAL_AMOUNT = 54_000
SPECIFIC = 26_500 + 12_500 + 5_000 + 5_000  # BOP 147, agglomération, ville, Région
DROIT_COMMUN = 3_000
BY_PILLAR = {"cohesion_sociale": 12_000 + 6_000 + 3_000, "cadre_de_vie": 8_500 + 4_500, "emploi_economie": 20_000}
BY_QPV = {"QN05901M": 12_000 + 20_000, "QN05902M": 12_000 + 3_000, "QN05903M": 8_500, "QN05904M": 6_000 + 4_500}
BY_COMMUNE = {"Douai": 12_000 + 8_500 + 20_000 + 3_000, "Sin-le-Noble": 6_000 + 4_500}
BY_PORTEUR_TYPE = {"association": 12_000 + 20_000 + 3_000 + 4_500, "commune": 8_500, "ccas": 6_000}


def douaisis_xlsx(path: Path, with_total: bool = True, sheet: str = "Programmation 2024",
                  other_sheet: bool = False) -> Path:
    workbook = Workbook()
    sheet_ = workbook.active
    sheet_.title = sheet
    sheet_.append([TITLE])
    sheet_.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADERS))
    for note in NOTES:
        sheet_.append([note])
    sheet_.append([])
    sheet_.append(list(HEADERS))
    for action in ACTIONS + ([TOTAL] if with_total else []):
        sheet_.append([value or None for value in action])
    commune = HEADERS.index("Commune") + 1
    sheet_.merge_cells(start_row=6, start_column=commune, end_row=7, end_column=commune)  # « Douai » over 2 rows
    if other_sheet:
        workbook.create_sheet("Notes").append(["Rien ici"])
    workbook.save(path)
    return path


def douaisis_long_csv(path: Path) -> Path:
    """The same actions in a long layout (one row per action and financer), semicolons, Windows-1252."""
    financers = HEADERS[HEADERS.index("État BOP 147"):HEADERS.index("Commentaires")]
    with path.open("w", encoding="cp1252", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow([TITLE])
        writer.writerow(["Dossier", "Structure", "Type de porteur", "Intitulé", "Pilier", "Thème", "Quartiers",
                         "Commune", "Financeur", "Montant", "Observations"])
        for action in ACTIONS:
            for financer, amount in zip(financers, action[10:16]):
                if amount:
                    writer.writerow([*action[:6], action[6], action[7] or "Douai", financer, amount, action[16]])
    return path
