"""Contexte: QPV against the agglomeration (or its rest): gaps in points and ratios."""

from __future__ import annotations

import pandas as pd

from ..load import Territory

__all__ = ["qpv_gaps", "qpv_profiles", "REFERENCES", "KEY_INSEE_COLUMNS", "INSEE_CAVEATS"]

REFERENCES = ("reste de l'EPCI", "EPCI", "QPV du département", "département", "région", "France")


def qpv_gaps(territory: Territory) -> pd.DataFrame:
    """Each indicator printed for the QPV and for a reference perimeter, with the gap.

    The gap is in percentage points for rates and in the indicator's unit
    otherwise; the ratio is QPV / reference.
    """
    table = territory.table("contexte")
    columns = ["theme", "indicateur", "annee", "unite", "qpv", "reference", "perimetre_reference", "ecart", "ratio",
               "source"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    numeric = table[table["valeur"].notna() & ~table["unite"].isin(["texte", "date"])]
    rows = []
    # Figures of different vintages (or sources) are never compared with each other.
    for (indicator, unit, _, _), group in numeric.groupby(["indicateur", "unite", "annee", "source"], sort=False):
        qpv = group[group["perimetre"] == "QPV"]
        if qpv.empty:
            continue
        for reference_name in REFERENCES:
            reference = group[group["perimetre"] == reference_name]
            if reference.empty:
                continue
            q, r = float(qpv["valeur"].iloc[0]), float(reference["valeur"].iloc[0])
            rows.append({"theme": qpv["theme"].iloc[0], "indicateur": indicator, "annee": qpv["annee"].iloc[0],
                         "unite": unit, "qpv": q, "reference": r, "perimetre_reference": reference_name,
                         "ecart": q - r, "ratio": q / r if r else float("nan"), "source": qpv["source"].iloc[0]})
            break
    return pd.DataFrame(rows, columns=columns)


KEY_INSEE_COLUMNS = ("tp60", "tx_tot_empl", "ind_jeune", "tx_tot_eprec")
INSEE_CAVEATS = (
    "Précautions (INSEE) : ces indicateurs ne s'additionnent pas d'un quartier à l'autre (ce sont des taux "
    "et des médianes) ; les valeurs couvertes par le secret statistique ne sont pas diffusées et manquent ici ; "
    "les millésimes ne sont pas comparables entre eux à l'échelle infra-communale."
)


def _insee_labels() -> dict[str, dict]:
    from importlib import resources

    import yaml

    text = resources.files("cdv_analysis").joinpath("vocabulaires", "indicateurs_insee.yml").read_text("utf-8")
    return yaml.safe_load(text)


def qpv_profiles(territory: Territory, columns: tuple[str, ...] = KEY_INSEE_COLUMNS) -> pd.DataFrame:
    """One row per QPV with the key INSEE indicators (poverty, employment, youth, precarious jobs)."""
    table = territory.table("contexte")
    imported = table[table["source"].str.startswith("insee-qpv") & table["valeur"].notna()]
    labels = _insee_labels()
    wanted = {labels[c]["libelle"]: c for c in columns if c in labels}
    imported = imported[imported["indicateur"].isin(wanted)]
    if imported.empty:
        return pd.DataFrame(columns=["qpv", *columns])
    profiles = imported.pivot_table(index="perimetre", columns="indicateur", values="valeur", aggfunc="first")
    profiles = profiles.rename(columns=wanted).reindex(columns=list(columns)).reset_index(names="qpv")
    profiles.columns.name = None
    profiles.attrs.update(libelles={c: labels[c]["libelle"] for c in columns if c in labels},
                          unites={c: labels[c]["unite"] for c in columns if c in labels},
                          millesime=", ".join(sorted(set(imported["annee"]))),
                          source=imported["source"].iloc[0], section="indicateurs INSEE des quartiers prioritaires")
    return profiles
