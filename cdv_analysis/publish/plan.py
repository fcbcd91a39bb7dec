"""Planning a build: which reports, of which years, are to be built and which are served by the cache."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

from ..ingest.editions import STARTER_KIND, edition, figures_origin
from .engine import ENGINE_NAME
from ..ingest.ids import shell_word
from ..ingest.handover import hand_over
from ..ingest.load import (
    TERRITORY_FILE,
    Territory,
    TerritoryInputs,
    declared_report_years,
    discover_territories,
    load_territory,
    read_inputs,
    read_metadata,
)
from ..ingest.metadata import read_territory_file
from ..presentation.portrait import evaluation_title, is_open_data_only, portrait_title
from ..ingest.problems import DataError, unexpected_failure
from ..rules.formatting import pluriel
from .cache import code_fingerprint, is_cached, job_key
from .jobs import Job, JobResult, Status
from .sections import COMPARISON, PORTRAIT_SECTIONS, SECTIONS, STARTER_SECTIONS

__all__ = ["planned_years", "plan_jobs", "iter_plan"]


def planned_years(tid: str, data_dir: Path, strict: bool = True,
                  inputs: TerritoryInputs | None = None) -> tuple[dict, list[int], Territory | None]:
    """A territory's metadata and the years that get a report, with the territory when it had to be loaded.

    The years come from ``territoire.yml``, else from the data themselves (the
    territory is then loaded: with ``strict`` a data error raises ``DataError``).
    An open-data territory without declared years gets one portrait, of its latest data.
    ``inputs`` are the territory's files when already read (``load.read_inputs``).
    """
    if inputs is None:
        meta, problems = read_metadata(tid, data_dir)
    else:
        meta, problems = read_territory_file(inputs.folder, raw=inputs.files.get(TERRITORY_FILE))
    declared = declared_report_years(meta)
    years, loaded = declared, None
    if any(p.is_error for p in problems) or not declared:
        loaded = load_territory(tid, data_dir, strict=strict, inputs=inputs)
        meta, years = loaded.meta, loaded.report_years()
        if not declared_report_years(meta) and is_open_data_only(Path(data_dir) / tid, meta):
            years = years[-1:]  # not one portrait per INSEE vintage
    return meta, years, loaded


def plan_jobs(data_dir: Path, out_dir: Path, processed_dir: Path, notebooks: Path, territories: list[str] | None,
              years: list[int] | None, force: bool,
              engine: str | None = ENGINE_NAME) -> tuple[list[Job], list[JobResult]]:
    """Jobs to run and results known in advance (cached reports, invalid territories): :func:`iter_plan` collected."""
    jobs, results = [], []
    for item in iter_plan(data_dir, out_dir, processed_dir, notebooks, territories, years, force, engine):
        (jobs if isinstance(item, Job) else results).append(item)
    return jobs, results


def iter_plan(data_dir: Path, out_dir: Path, processed_dir: Path, notebooks: Path, territories: list[str] | None,
              years: list[int] | None, force: bool, engine: str | None = ENGINE_NAME,
              handover: Path | None = None) -> Iterator[Job | JobResult]:
    """Each job to run, or result known in advance (cached report, invalid territory), as soon as it is known.

    Each territory's files are read once (``load.read_inputs``): their hash is the
    cache key, and a territory is parsed and validated from those same bytes only
    when one of its reports must be rebuilt, so that a no-change run stays cheap.
    A build runs the first jobs while the next territories are still being validated.
    ``handover``: the build's private folder where each territory validated is saved for its kernels
    (``handover.hand_over``), before its first job is yielded.
    """

    code = code_fingerprint()
    fingerprints = []
    handed: set[str] = set()

    def invalid(tid: str, error: DataError) -> JobResult:
        return JobResult(tid, tid, None, Status.FAILED, message=(
            f"données invalides ({pluriel(len([p for p in error.problems if p.is_error]), 'erreur')}) : "
            f"lancez `cdv valider --territoire {shell_word(tid)}`"))

    for tid in territories or discover_territories(data_dir):
        try:
            inputs = read_inputs(data_dir / tid)
            meta, report_years, loaded = planned_years(tid, data_dir, inputs=inputs)
        except DataError as error:
            yield invalid(tid, error)
            continue
        except Exception as error:  # noqa: BLE001 — one broken territory never stops the others
            yield JobResult(tid, tid, None, Status.FAILED, message=unexpected_failure(error))
            continue
        fingerprint = inputs.fingerprint
        fingerprints.append(fingerprint)
        portrait = is_open_data_only(data_dir / tid, meta)
        # Every report notebook is in the key: the sections chosen depend on the kind, known after validation.
        section_paths = [notebooks / f"{name}.ipynb" for name in dict.fromkeys(
            PORTRAIT_SECTIONS if portrait else (*SECTIONS, *STARTER_SECTIONS))]
        name = str(meta.get("nom", tid))
        for year in report_years:
            if years and year not in years:
                continue
            params = {"territoire": tid, "annee": year}
            default_title = portrait_title(name) if portrait else evaluation_title(name, str(meta.get("sigle", "")))
            job = Job(tid, year, str(data_dir), str(out_dir), str(processed_dir), str(notebooks),
                      job_key(section_paths, [fingerprint], params, code), default_title, engine)
            if not force and is_cached(job):
                yield JobResult(job.label, tid, year, Status.CACHED, html=str(job.folder / job.html_name))
                continue
            if loaded is None:
                try:
                    loaded = load_territory(tid, data_dir, inputs=inputs)
                except DataError as error:
                    yield invalid(tid, error)
                    break
                except Exception as error:  # noqa: BLE001
                    yield JobResult(tid, tid, None, Status.FAILED, message=unexpected_failure(error))
                    break
            if handover is not None and tid not in handed:
                hand_over(loaded, handover)
                handed.add(tid)
            blank = not portrait and _no_data_for(loaded, year)
            shown = edition(meta, data_dir / tid, year, default_title, STARTER_KIND if blank else "")
            yield dataclasses.replace(job, title=shown.title, kind=STARTER_KIND if blank else shown.kind,
                                      subtitle=shown.subtitle, logo=shown.logo, origin=figures_origin(meta, year),
                                      portrait=portrait)
    if not territories and not years:
        job = Job(None, None, str(data_dir), str(out_dir), str(processed_dir), str(notebooks),
                  job_key([notebooks / f"{COMPARISON}.ipynb"], fingerprints, {}, code),
                  "Contrats de Ville — comparaison des territoires", engine)
        if not force and is_cached(job):
            yield JobResult(job.label, None, None, Status.CACHED, html=str(job.folder / job.html_name))
        else:
            yield job


def _no_data_for(territory: Territory, year: int) -> bool:
    """True when no row of any table comes from a source of the report year (or, without sources, of any)."""
    sources = territory.sources_of_report_year(year)
    for frame in territory.tables.values():
        if len(frame) and (not sources or frame["source"].isin(sources).any()):
            return False
    return True
