"""Warm kernels between reports: nothing carried from one report to the next, changed data reloaded, a failed or
dead kernel replaced, recycling after a quota.

Apart from tests/test_engine.py (warm pages identical to fresh ones, beside a fresh build of every report) so that
pytest-xdist runs the two halves on its two workers at once. Reports are built with ``run_job`` in the test process.
"""

from __future__ import annotations

import re
from pathlib import Path

from cdv_analysis.publish import engine
from cdv_analysis.publish.execute import run_job
from test_engine import (
    CABBALR_NAME,
    CALL_NAME,
    _build,
    _jobs,
    _kernel_pid,
    _notebooks_with,
    _page,
    _running,
)


PROBE = '''\
assert "_sonde" not in globals(), "variable héritée du rapport précédent : " + _sonde
_sonde = territoire
import warnings
import matplotlib
assert matplotlib.rcParams["hatch.linewidth"] != 3.25, "réglage matplotlib hérité du rapport précédent"
matplotlib.rcParams["hatch.linewidth"] = 3.25
assert not [f for f in warnings.filters if getattr(f[1], "pattern", None) == "sonde"], "filtre hérité"
warnings.filterwarnings("error", message="sonde")
assert get_ipython().execution_count <= 5, get_ipython().execution_count
'''


def test_consecutive_territories_do_not_leak_state(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "01_synthese", 2, PROBE)  # just after the setup cell
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid = _kernel_pid(kernels)
    first, second = jobs["call 2022"], jobs["cabbalr 2019"]
    _build(first)
    _build(second)  # the probe cell fails if anything of the first report is still there
    assert _kernel_pid(kernels) == pid

    first_page, second_page = _page(first), _page(second)
    assert CALL_NAME in first_page and CABBALR_NAME not in first_page
    assert CABBALR_NAME in second_page
    assert CALL_NAME not in second_page and not re.search(r"\bCALL\b", second_page)
    assert not (Path(second.processed_dir) / "call" / "2019").exists()


def test_changed_data_are_reloaded_by_a_warm_kernel(kernels, data_copy, tmp_path):
    kernels.warm_up()
    pid = _kernel_pid(kernels)
    before = _jobs(data_copy, tmp_path)["cabbalr 2019"]
    _build(before)
    old_body = _page(before).split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    yml = data_copy / "cabbalr" / "territoire.yml"
    yml.write_text(yml.read_text("utf-8").replace("nom: Communauté d'Agglomération de Béthune-Bruay, Artois Lys Romane",
                                                  "nom: Agglomération renommée pour le test"), "utf-8")
    job = _jobs(data_copy, tmp_path)["cabbalr 2019"]
    _build(job)
    assert _kernel_pid(kernels) == pid  # the territory cached in the kernel was validated again
    body = _page(job).split("<main", 1)[1].split(">", 1)[1].split("</main>", 1)[0]
    assert "Agglomération renommée pour le test" in body
    # The old name remains only where the sources' publishers are cited.
    assert body.count("Béthune-Bruay, Artois Lys Romane") < old_body.count("Béthune-Bruay, Artois Lys Romane")


def test_failed_cell_recycles_the_kernel_and_the_next_report_succeeds(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "05_sante", 3,
                                'if territoire == "call":\n    raise RuntimeError("cellule cassée exprès")')
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid, started = _kernel_pid(kernels), kernels.started

    failed = run_job(jobs["call 2022"])
    assert failed.status == "echec" and "cellule cassée exprès" in failed.message
    assert failed.section == "Santé"
    assert not kernels.idle and not kernels.busy  # the kernel that ran the failed report was not kept...
    assert not _running(pid)  # ...but stopped

    _build(jobs["cabbalr 2019"])
    assert kernels.started == started + 1
    assert _kernel_pid(kernels) != pid


def test_dead_kernel_is_replaced(kernels, raw_dir, tmp_path):
    notebooks = _notebooks_with(tmp_path, "02_contexte", 1, 'if territoire == "call":\n    import os\n    os._exit(3)')
    jobs = _jobs(raw_dir, tmp_path, notebooks)
    kernels.warm_up()
    pid = _kernel_pid(kernels)

    started = kernels.started
    failed = run_job(jobs["call 2022"])
    assert failed.status == "echec" and "noyau Python s'est arrêté" in failed.message
    assert failed.section == "Contexte des quartiers"
    assert kernels.started == started  # not run again: it would only kill another kernel
    assert not kernels.idle and not kernels.busy and not _running(pid)

    _build(jobs["cabbalr 2019"])
    assert _kernel_pid(kernels) != pid


def test_kernel_is_reset_between_reports_and_recycled_after_its_quota():
    pool = engine.KernelPool(reports_per_kernel=2)
    try:
        kernel = pool.acquire("python3", 120)
        kernel.run("leftover = 1", 60)
        pool.release(kernel, healthy=True)
        again = pool.acquire("python3", 120)
        assert again is kernel
        again.run("assert 'leftover' not in globals()", 60)
        pool.release(again, healthy=True)  # second report: quota reached, stopped
        assert not pool.idle and not _running(kernel.pid)
        third = pool.acquire("python3", 120)
        assert third is not kernel and pool.started == 2
        pool.release(third, healthy=True)
        assert pool.idle["python3"] is third
    finally:
        pool.shutdown()
