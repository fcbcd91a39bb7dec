"""« Crédits spécifiques » never include droit commun (issue 14: 846 500 € printed for 639 000 €)."""

from __future__ import annotations

from pathlib import Path

import cdv_analysis as cdv
from cdv_analysis.analysis.indicators.synthese import key_figures

META = """id: cad
nom: Communauté d'agglomération du Douaisis
sigle: CAD
sources:
  - {id: ra2024, fichier: ra.pdf, titre: Rapport annuel 2024, type: rapport_annuel, annees: [2024],
     annee_rapport: 2024}
"""
MONEY = """mesure,financeur,type_credit,montant,annee,source,section,support
programmation,ANCT,,639 000 €,2024,ra2024,Financeurs,tableau
programmation,Etat droit commun,,150 000 €,2024,ra2024,Financeurs,tableau
programmation,Région,specifique,57 500 €,2024,ra2024,Financeurs,tableau
"""


def test_specific_credits_headline_leaves_droit_commun_out(tmp_path: Path) -> None:
    folder = tmp_path / "cad"
    folder.mkdir()
    (folder / "territoire.yml").write_text(META, "utf-8")
    (folder / "financements.ra2024.csv").write_text(MONEY, "utf-8")
    figures = key_figures(cdv.load_territory("cad", tmp_path), 2024)
    shown = dict(zip(figures["indicateur"], figures["valeur"]))
    assert shown["Crédits spécifiques engagés (tous financeurs)"] == 639_000 + 57_500
    assert shown["Financements, tous financeurs (droit commun compris)"] == 639_000 + 150_000 + 57_500
