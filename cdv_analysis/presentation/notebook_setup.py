"""The one setup of every section notebook: ``from cdv_analysis.presentation.notebook_setup import *``.

Each section notebook's ``setup`` cell is :data:`cdv_analysis.presentation.notebook.SETUP_CELL`
exactly, so that a notebook runs alone in JupyterLab and the assembled report
runs the same code; ``publish.assemble`` refuses a section whose setup cell
differs. An import a section needs goes here, not into its setup cell.
"""

import pandas as pd

import cdv_analysis as cdv
from cdv_analysis.presentation import charts, narrative, portrait
from cdv_analysis.analysis import checks, indicators as ind
from cdv_analysis.ingest import editions
from cdv_analysis.presentation.notebook import open_report, show_chart, show_markdown, show_table
from cdv_analysis.presentation.textes import render, safe

__all__ = ["pd", "cdv", "charts", "checks", "editions", "ind", "narrative", "portrait", "open_report", "show_chart", "show_markdown",
           "show_table", "render", "safe"]
