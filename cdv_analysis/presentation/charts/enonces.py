"""Charts of what the actors say (statements by theme and actor)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import MaxNLocator

from ...rules.clean import name_key
from ...rules.formatting import (
    guillemets,
    nombre,
    pluriel,
)
from ._base import (
    ACTOR_LABELS,
    NEUTRAL,
    Chart,
    _figure,
    _finish,
    _horizontal,
    _label,
    _legend_above,
    _require,
    _upper_first,
)


def statements_by_theme(statements: pd.DataFrame, source: str, top: int = 10, actors: int = 6,
                        title: str | None = None) -> Chart:
    """Qualitative statements (``indicators.statements``) counted by theme, coloured by actor.

    Keeps the ``top`` themes; actors beyond the ``actors`` most frequent are grouped.
    """
    _require(statements, "les énoncés qualitatifs")
    if "nature" in statements:  # a heading of the source (nature « intitule ») is nobody's statement (issue 16)
        statements = statements[statements["nature"] != "intitule"]
    # Sources print one theme in several cases (« COHESION SOCIALE », « Cohésion sociale »): count them as one.
    table = statements.assign(_theme=statements["theme"].map(name_key))
    printed = table.groupby("_theme")["theme"].agg(lambda t: _upper_first(t.value_counts().index[0]))
    kept = table["_theme"].value_counts().index[:top]
    shown = table[table["_theme"].isin(kept)]
    speaker = shown["acteur"].map(lambda a: ACTOR_LABELS.get(a, _upper_first(str(a).replace("_", " "))))
    speaker = speaker.where(speaker.isin(speaker.value_counts().index[:actors]), "Autres acteurs")
    counts = pd.crosstab(shown["_theme"], speaker).loc[kept]
    counts = counts[[c for c in counts.sum().sort_values(ascending=False).index if c != "Autres acteurs"]
                    + (["Autres acteurs"] if "Autres acteurs" in counts else [])]
    names = [_label(printed[key], 16) for key in counts.index]
    lines = sum(name.count("\n") + 1 for name in names)
    fig, (ax,) = _figure(1.9 + 0.17 * lines + 0.2 * len(counts) + 0.17 * min(actors, counts.shape[1]))
    left = np.zeros(len(counts))
    palette = sns.color_palette("colorblind", len(counts.columns))
    for actor, color in zip(counts.columns, palette):
        color = NEUTRAL if actor == "Autres acteurs" else color
        bars = ax.barh(names, counts[actor], left=left, color=color, label=_label(actor, 24))
        left += counts[actor].to_numpy()
    ax.bar_label(bars, [nombre(total) for total in left], padding=4)
    _horizontal(ax, 0.15)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("Nombre d'énoncés")
    _legend_above(ax, ncols=2, title="Acteur", alignment="left")
    total = counts.sum(axis=1)
    heading = (f"Le thème {guillemets(printed[total.index[0]])} revient le plus souvent : "
             f"{pluriel(total.iloc[0], 'énoncé')} sur {nombre(len(table))}")
    alt = (f"Barres empilées du nombre d'énoncés par thème ({len(counts)} thèmes les plus fréquents sur "
           f"{table['_theme'].nunique()}), par acteur : "
           + " ; ".join(f"{printed[key]}, {pluriel(total[key], 'énoncé')} ("
                        + ", ".join(f"{actor} {n}" for actor, n in counts.loc[key].items() if n) + ")"
                        for key in counts.index) + ".")
    return _finish(fig, title or heading, alt, source)
