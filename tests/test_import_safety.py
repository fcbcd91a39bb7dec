"""Importers against hostile ids and failing disks: ids are never paths, an import is all or nothing."""

from __future__ import annotations

import csv
import errno
import tempfile
from pathlib import Path

import pytest
import yaml

from cdv_analysis.ingest import ids
from cdv_analysis.cli import main
from cdv_analysis.importers import IMPORTERS, MANIFEST, ImportFailed, Importer, import_anct_subsidies, \
    import_insee_qpv
from cdv_analysis.ingest.writes import StagedWrites
from file_builders import OPEN_DATA_HEADERS, tree_digest
from test_importers import insee_file

HOSTILE_CODES = [
    "../../victim/raw/call", "/tmp/absolu", "./call", ".", "..", "a/b", "a\\b", "x\x00y", "C" * 300,
    "C-1", "C.1", "C_1", "С-1",  # the last one is a Cyrillic « С »
]


def _anct_rows(codes: list[str], label: str) -> list[list[str]]:
    return [[str(n), f"PRJ-{n}", f"Action {n}", "Association X", "Association", code, label, "Education",
             "Réussite éducative", "1 000,00", "Hauts-de-France"] for n, code in enumerate(codes, start=1)]


def _write(path: Path, rows: list[list[str]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(OPEN_DATA_HEADERS)
        writer.writerows(rows)
    return path


def _imported_rows(data: Path) -> int:
    return sum(len(f.read_text("utf-8").splitlines()) - 1 for f in data.glob("*/actions.anct-2022.csv"))


@pytest.fixture()
def victim(tmp_path: Path) -> Path:
    """A territory folder beside the data folder, that no import may touch."""
    folder = tmp_path / "victim" / "raw" / "call"
    folder.mkdir(parents=True)
    (folder / "territoire.yml").write_text("id: call\nnom: Victime\nsigle: V\nsources: []\n", "utf-8")
    return tmp_path / "victim"


# ---------------------------------------------------------------------------
# ids


@pytest.mark.parametrize("text, expected", [
    ("Contrat de ville de Lens-Liévin", "contrat-de-ville-de-lens-lievin"),
    ("../../victim/raw/call", "victim-raw-call"), ("/tmp/absolu", "tmp-absolu"), ("./call", "call"),
    (".", ""), ("..", ""), ("x\x00y", "x-y"), ("Cœur d'Agglo", "coeur-d-agglo"), ("C_1", "c_1"),
])
def test_slug(text, expected):
    assert ids.slug(text) == expected
    assert ids.slug("é" * 300) == "e" * ids.MAX_ID


@pytest.mark.parametrize("name", ["..", ".", "a/b", "../x", "/abs", "x\x00y", "A", "a" * 65, "", "-x"])
def test_child_refuses_what_is_not_a_safe_name(tmp_path, name):
    with pytest.raises(ids.UnsafeId):
        ids.child(tmp_path, name)


def test_child_refuses_a_symlink_leaving_the_folder(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "lien").symlink_to(tmp_path)
    with pytest.raises(ids.UnsafeId, match="en sort"):
        ids.child(tmp_path / "data", "lien")
    assert ids.child(tmp_path / "data", "call") == tmp_path / "data" / "call"


def test_distinct_slugs_keep_look_alike_codes_apart():
    wanted = {code: ("Contrat de ville de Foo", code) for code in ("C-1", "C.1", "C_1", "С-1")}
    folders = ids.distinct_slugs(wanted, taken={"contrat-de-ville-de-foo"})
    assert len(set(folders.values())) == 4
    assert "contrat-de-ville-de-foo" not in folders.values()
    assert all(ids.id_problem(f) is None for f in folders.values())
    assert folders == ids.distinct_slugs(wanted, taken={"contrat-de-ville-de-foo"})  # stable


# ---------------------------------------------------------------------------
# ANCT: hostile contract codes and labels


@pytest.mark.parametrize("label", ["Contrat de ville de Foo", "../../victim/raw/call", "", "/etc", "<h2>x</h2>"])
def test_anct_hostile_codes_stay_inside_and_apart(tmp_path, victim, label):
    data = tmp_path / "attacker" / "raw"
    data.mkdir(parents=True)
    before = tree_digest(victim)
    rows = _anct_rows(HOSTILE_CODES, label)
    # NUL must not be in the first 4 KB (a binary file is refused): pad with rows of a plain contract.
    rows = _anct_rows(["PLAIN"] * 60, "Contrat de ville de Bar") + rows
    summary = import_anct_subsidies(_write(tmp_path / "in" / "anct_2022.csv", rows), data)
    assert tree_digest(victim) == before
    folders = [p for p in data.iterdir()]
    assert all(ids.id_problem(p.name) is None and p.parent == data for p in folders)
    distinct = {code.upper() for code in HOSTILE_CODES} | {"PLAIN"}
    assert len(folders) == len(summary.created) == len(distinct)
    assert _imported_rows(data) == len(rows)  # no contract's actions lost
    for folder in folders:
        meta = yaml.safe_load((folder / "territoire.yml").read_text("utf-8"))
        assert meta["id"] == folder.name
    assert not list(tmp_path.rglob("*.tmp"))


def test_anct_code_of_an_existing_territory_is_not_a_path(tmp_path, data_copy):
    before = tree_digest(data_copy / "call")
    summary = import_anct_subsidies(_write(tmp_path / "in" / "anct_2022.csv", _anct_rows(["./call"], "Contrat")),
                                    data_copy)
    assert tree_digest(data_copy / "call") == before
    assert summary.created == ["contrat"]
    meta = yaml.safe_load((data_copy / "contrat" / "territoire.yml").read_text("utf-8"))
    assert meta["id"] == "contrat" and meta["contrat"] == {"code": "./CALL"}


# ---------------------------------------------------------------------------
# INSEE: hostile --territoire


@pytest.mark.parametrize("territory", ["../victim/raw/call", "/tmp/x", ".", "..", "a/b", "x\x00y", "t" * 300,
                                       "Lens"])
def test_insee_hostile_territory_is_refused(tmp_path, victim, territory):
    data = tmp_path / "donnees"
    data.mkdir()
    source = insee_file(tmp_path / "in")
    before = tree_digest(victim)
    with pytest.raises(ImportFailed, match="identifiant"):
        import_insee_qpv(source, data, territory=territory, communes=["Lens"])
    assert tree_digest(victim) == before and list(data.iterdir()) == []


def test_insee_through_a_symlinked_territory_is_refused(tmp_path, victim):
    data = tmp_path / "donnees"
    data.mkdir()
    (data / "call").symlink_to(victim / "raw" / "call")
    before = tree_digest(victim)
    with pytest.raises(ImportFailed, match="en sort"):
        import_insee_qpv(insee_file(tmp_path / "in"), data, territory="call", communes=["Lens"])
    assert tree_digest(victim) == before


# ---------------------------------------------------------------------------
# Commit: staged writes, disk full midway, retry


class _DiskFillsAfter:
    """StagedWrites.add that raises ENOSPC from its ``n``-th call on."""

    def __init__(self, monkeypatch, n: int):
        self.calls, original = 0, StagedWrites.add

        def add(staged, path, data):
            self.calls += 1
            if self.calls >= n:
                raise_from = OSError(errno.ENOSPC, "No space left on device", str(path))
                from cdv_analysis.ingest.writes import WriteFailed
                raise WriteFailed(path, raise_from)
            return original(staged, path, data)

        monkeypatch.setattr(StagedWrites, "add", add)


@pytest.mark.parametrize("fail_at", [1, 2, 3, 5])
def test_disk_full_midway_leaves_nothing_and_retry_succeeds(tmp_path, monkeypatch, fail_at):
    data = tmp_path / "donnees"
    data.mkdir()
    rows = _anct_rows(["C1", "C2"], "Contrat de ville de Foo")
    source = _write(tmp_path / "in" / "anct_2022.csv", rows)
    with monkeypatch.context() as patch:
        _DiskFillsAfter(patch, fail_at)
        with pytest.raises(ImportFailed, match="espace disque insuffisant") as failure:
            import_anct_subsidies(source, data)
    assert "aucun fichier n'a été modifié" in str(failure.value)
    assert list(data.iterdir()) == []  # no folder, no temporary file
    summary = import_anct_subsidies(source, data)
    assert summary.ok and len(summary.created) == 2 and _imported_rows(data) == 2


def test_disk_full_on_reimport_keeps_previous_files(tmp_path, monkeypatch):
    data = tmp_path / "donnees"
    data.mkdir()
    import_anct_subsidies(_write(tmp_path / "in" / "anct_2022.csv", _anct_rows(["C1"], "Foo")), data)
    before = tree_digest(data)
    changed = _write(tmp_path / "in2" / "anct_2022.csv", _anct_rows(["C1", "C1"], "Foo"))
    with monkeypatch.context() as patch:
        _DiskFillsAfter(patch, 2)
        with pytest.raises(ImportFailed, match="espace disque"):
            import_anct_subsidies(changed, data)
    assert tree_digest(data) == before and not [p for p in data.rglob("*") if p.name.endswith(".tmp")]
    assert import_anct_subsidies(changed, data).ok and _imported_rows(data) == 2
    assert MANIFEST in {p.name for p in (data / "foo").iterdir()}


def test_read_only_data_folder_is_a_french_error(tmp_path, capsys, monkeypatch):
    data = tmp_path / "donnees"
    data.mkdir()
    source = _write(tmp_path / "in" / "anct_2022.csv", _anct_rows(["C1"], "Foo"))

    def read_only(*args, **kwargs):  # tests may run as root, for whom chmod does not stop a write
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(tempfile, "mkdtemp", read_only)
    code = main(["importer", "anct-subventions", str(source), "--donnees", str(data)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert "aucun fichier n'a été modifié" in err and "lecture seule" in err and "donnees/foo" in err
    assert list(data.iterdir()) == []


# ---------------------------------------------------------------------------
# The registry


def test_cli_reads_the_registry(capsys):
    assert set(IMPORTERS) >= {"insee-qpv", "anct-subventions"}
    assert all(issubclass(importer, Importer) and importer.name == name for name, importer in IMPORTERS.items())
    assert main(["importer", "anct-subventions", "x_2022.csv", "--communes", "Lens"]) == 2
    err = capsys.readouterr().err
    assert "--communes" in err and "anct-subventions" in err


# ---------------------------------------------------------------------------
# Hostile QPV names through a whole portrait


def test_portrait_draws_hostile_qpv_names_literally(tmp_path, monkeypatch, in_process):
    """A QPV named « $$y$$ » (mathtext for matplotlib) or holding HTML is shown as text; the portrait builds."""
    import test_importers as ti
    from cdv_analysis.publish.build import build_all

    hostile = [("QP062001", "$$y$$", "Lens", 43.9, 1.234, ""),
               ("QP062002", "$\\frac{1}{0}$ <h2>Titre injecté</h2>", "Liévin, Lens", 51.2, 0.9, "12,5"),
               ti.QPV[2]]
    monkeypatch.setattr(ti, "QPV", hostile)
    data = tmp_path / "donnees"
    data.mkdir()
    import_anct_subsidies(ti.anct_file(tmp_path / "in", name="subventions-2021"), data)
    tid = "contrat-de-ville-de-lens-lievin"
    import_insee_qpv(insee_file(tmp_path / "in"), data, territory=tid, communes=["Lens", "Liévin"], vintage=2020)
    with in_process():
        summary = build_all(data, tmp_path / "reports", tmp_path / "processed", territories=[tid], jobs=1,
                            progress=False)
    assert summary.ok, summary.text()
    page = (tmp_path / "reports" / tid / "2021" / "rapport.html").read_text("utf-8")
    assert "$$y$$" in page
    assert "<h2>Titre injecté" not in page and "&lt;h2&gt;Titre injecté" in page
