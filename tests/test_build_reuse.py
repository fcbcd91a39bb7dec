"""What a build computes once and hands on: the validated territory (planning → kernels), the checks of a
territory (one report → the next of the same kernel), and the scheduling that keeps a territory's reports in
the kernel that holds it."""

from __future__ import annotations

from pathlib import Path

import pytest

from cdv_analysis.analysis import checks
from cdv_analysis.analysis.checks import registry
from cdv_analysis.ingest import handover, load
from cdv_analysis.presentation.notebook import open_report
from cdv_analysis.publish import build
from cdv_analysis.publish.jobs import Job


def _job(territory: str | None, year: int | None) -> Job:
    return Job(territory, year, "raw", "out", "processed", "notebooks", "key", "titre")


def _worker(territory: object) -> build._Worker:
    worker = object.__new__(build._Worker)  # no process: only the scheduling state
    worker.territory, worker.future = territory, None
    return worker


def _waiting(*jobs: tuple[Job, int]) -> list[tuple[int, int, Job]]:
    return [(size, order, job) for order, (job, size) in enumerate(jobs)]


def test_a_free_worker_takes_its_own_territory_then_one_no_other_worker_holds_then_the_biggest():
    cabbalr = [_job("cabbalr", year) for year in (2019, 2021, 2022)]
    call, comparison = _job("call", 2022), _job(None, None)
    waiting = _waiting(*((job, 300) for job in cabbalr), (call, 200), (comparison, 0))
    first, second = _worker(build._NOTHING), _worker(build._NOTHING)
    workers = [first, second]

    # The first worker takes the biggest report; the second, not another year of that territory but « call ».
    picked = build._next_job(waiting, first, workers)
    assert picked[2] is cabbalr[0]
    waiting.remove(picked)
    first.territory = "cabbalr"
    picked = build._next_job(waiting, second, workers)
    assert picked[2] is call
    waiting.remove(picked)
    second.territory = "call"

    # The first worker goes on with its territory, in planning order; the second takes the comparison (held by
    # nobody) rather than a year of CABBALR, whose kernel is busy elsewhere.
    assert build._next_job(waiting, first, workers)[2] is cabbalr[1]
    assert build._next_job(waiting, second, workers)[2] is comparison
    # With only CABBALR left, an idle worker takes it rather than wait.
    assert build._next_job(_waiting((cabbalr[2], 300)), second, workers)[2] is cabbalr[2]


def test_without_a_shared_territory_the_biggest_report_goes_first():
    waiting = _waiting((_job("a", 2022), 10), (_job("b", 2022), 30), (_job("c", 2022), 20), (_job(None, None), 0))
    worker = _worker(build._NOTHING)
    order = []
    while waiting:
        picked = build._next_job(waiting, worker, [worker, _worker(build._NOTHING)])
        waiting.remove(picked)
        order.append(picked[2].territory)
        worker.territory = picked[2].territory
    assert order == ["b", "c", "a", None]


@pytest.fixture
def fresh_cache(monkeypatch):
    """An empty process cache of validated territories, restored after the test."""
    monkeypatch.setattr(load, "_VALIDATED", {})
    monkeypatch.delenv(handover.VARIABLE, raising=False)


def test_a_kernel_takes_the_territory_planning_validated_but_only_for_the_same_files(data_copy, tmp_path,
                                                                                       monkeypatch, fresh_cache):
    folder = tmp_path / "valides"
    folder.mkdir()
    planned = load.load_territory("call", data_copy)
    handover.hand_over(planned, folder)
    assert len(list(folder.glob("*.pickle"))) == 1
    monkeypatch.setenv(handover.VARIABLE, str(folder))
    validated = []
    real = load.load_territory
    monkeypatch.setattr(load, "load_territory", lambda *args, **kwargs: validated.append(args) or real(*args, **kwargs))

    kernel = load.load_territory_cached("call", data_copy)
    assert validated == []  # taken from the build's folder, not validated again
    assert kernel.digest == planned.digest
    assert kernel.table("financements").equals(planned.table("financements"))

    # The files change after planning: the saved territory is not theirs, the kernel validates them.
    monkeypatch.setattr(load, "_VALIDATED", {})
    yml = data_copy / "call" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8") + "\n# modifié\n", "utf-8")
    changed = load.load_territory_cached("call", data_copy)
    assert len(validated) == 1 and changed.digest != planned.digest


def test_a_territory_with_errors_is_never_handed_over(data_copy, tmp_path):
    target = data_copy / "cabbalr" / "financements.ra2021.csv"
    text = target.read_text("utf-8").splitlines()
    header, row = text[0].split(","), text[6].split(",")
    row[header.index("montant")] = "4 73x 927 €"
    text[6] = ",".join(row)
    target.write_text("\n".join(text) + "\n", "utf-8")
    broken = load.load_territory("cabbalr", data_copy, strict=False)
    assert broken.errors
    handover.hand_over(broken, tmp_path)
    assert list(tmp_path.glob("*.pickle")) == []


def test_the_checks_run_once_for_every_report_of_a_territory_in_a_process(data_copy, tmp_path, monkeypatch,
                                                                           fresh_cache):
    calls = []
    counted = tuple(lambda territory, check=check: calls.append(check.__name__) or check(territory)
                    for check in registry.CHECKS)
    monkeypatch.setattr(registry, "CHECKS", counted)
    every = checks.run_checks(load.load_territory("cabbalr", data_copy))  # a territory outside a report: no memo
    assert len(calls) == len(counted)

    by_year = {}
    for year in (2019, 2021, 2022):
        report = open_report("cabbalr", year, data_copy, tmp_path / "processed").territory
        by_year[year] = checks.run_checks(report, year)
    assert len(calls) == 2 * len(counted)  # once more for the three reports, not three times
    for year, findings in by_year.items():
        assert findings == checks.run_checks(load.load_territory("cabbalr", data_copy), year)
    assert every == checks.run_checks(load.load_territory("cabbalr", data_copy))

    # A change of the files is a new territory: its checks run again.
    monkeypatch.setattr(load, "_VALIDATED", dict(load._VALIDATED))
    yml = data_copy / "cabbalr" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8") + "\n# modifié\n", "utf-8")
    before = len(calls)
    checks.run_checks(open_report("cabbalr", 2021, data_copy, tmp_path / "processed").territory, 2021)
    assert len(calls) == before + len(counted)


def test_a_copy_handed_to_a_report_shares_only_what_depends_on_the_files(data_copy, fresh_cache):
    first = load.load_territory_cached("call", data_copy)
    second = load.load_territory_cached("call", data_copy)
    assert first.files_memo is second.files_memo is not None
    assert first.tables["financements"] is not second.tables["financements"]  # each report its own tables
    assert first.memo is None and second.memo is None  # set by open_report only
    assert Path(first.folder) == Path(second.folder)


def test_a_result_of_every_year_is_computed_by_one_kernel_of_a_build_for_the_others(data_copy, tmp_path,
                                                                                      monkeypatch, fresh_cache):
    folder = tmp_path / "valides"
    folder.mkdir()
    monkeypatch.setenv(handover.VARIABLE, str(folder))
    calls = []
    counted = tuple(lambda territory, check=check: calls.append(territory.id) or check(territory)
                    for check in registry.CHECKS)
    monkeypatch.setattr(registry, "CHECKS", counted)

    first = checks.run_checks(open_report("cabbalr", 2019, data_copy, tmp_path / "p").territory, 2019)
    assert calls.count("cabbalr") == len(counted) and list(folder.glob("*.resultat.pickle"))
    monkeypatch.setattr(load, "_VALIDATED", {})  # another kernel: nothing of the first one in memory
    second = checks.run_checks(open_report("cabbalr", 2019, data_copy, tmp_path / "p").territory, 2019)
    assert calls.count("cabbalr") == len(counted)  # read from the build's folder, not computed again
    assert second == first and first

