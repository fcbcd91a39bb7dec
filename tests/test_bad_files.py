"""A corpus of hostile or broken input files: each gives a located French error or a correct read.

Loader cases write one extra file into a copy of the embedded CABBALR folder;
importer cases feed one file to ``cdv importer``. Either way the raw data's
bytes are unchanged afterwards (an import that fails writes nothing).
"""

from __future__ import annotations

import codecs
import os
import stat
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

import pytest

import cdv_analysis as cdv
from cdv_analysis.importers import ImportFailed, import_anct_subsidies, import_insee_qpv
from cdv_analysis.ingest.load import folder_fingerprint, read_inputs
from file_builders import (
    GISPRO_HEADERS, OPEN_DATA_HEADERS, empty_rows_xlsx, gispro_rows, hand_made_xlsx, rewrite_part, tree_digest,
    write_csv, write_xlsx,
)

HEADER = ["dispositif", "intitule", "montant", "annee", "source", "section"]


def _row(title: str, amount: str = "1 000") -> list[str]:
    return ["fcs", title, amount, "2022", "ra2022", "p. 12"]


@dataclass(frozen=True)
class Error:
    """An expected error: the words of its ``attendu``, and where."""

    words: str
    ligne: int | None = None
    colonne: str | None = None
    valeur: str | None = None
    gravite: str = "erreur"


@dataclass(frozen=True)
class Read:
    """An expected correct read: (intitule, montant) of the file's rows."""

    rows: list[tuple[str, float | None]]


def _text(content: str, encoding: str = "utf-8") -> Callable[[Path], None]:
    return lambda path: path.write_bytes(content.encode(encoding))


def _csv_rows(*rows, sep=",", encoding="utf-8") -> Callable[[Path], None]:
    return _text("\n".join(sep.join(r) for r in [HEADER, *rows]) + "\n", encoding)


def _xlsx(sheets, dimension=None) -> Callable[[Path], None]:
    return lambda path: write_xlsx(path, sheets, declared_dimension=dimension)


def _merged_header(path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(_row("Action"))
    sheet.merge_cells("A1:B1")  # keeps « dispositif », blanks « intitule »
    book.save(path)


def _not_a_workbook_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "pas un classeur")


def _formula(cached) -> Callable[[Path], None]:
    return lambda path: hand_made_xlsx(path, [HEADER, ["fcs", "Action", ("=", "1000+500", cached), 2022, "ra2022",
                                                       "p. 12"]])


def _special(kind: str) -> Callable[[Path], None]:
    """A named pipe, a character device (as /dev/null) or a socket, named like a table."""
    def write(path: Path) -> None:
        if kind == "fifo":
            os.mkfifo(path)
            return
        try:
            if kind == "device":
                os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))
            else:
                os.mknod(path, stat.S_IFSOCK | 0o600)
        except PermissionError:
            pytest.skip("creating a device or socket node needs root")
    return write


def _link_out(path: Path) -> None:
    """A symbolic link to a table outside the data folder (its target is a readable, valid table)."""
    outside = path.parent.parent.parent / "ailleurs.csv"
    _csv_rows(_row("Hors du dossier"))(outside)
    path.symlink_to(outside)


def _link_in(path: Path) -> None:
    """A symbolic link to a table kept in a shared folder inside the data folder."""
    shared = path.parent.parent / "_commun"
    shared.mkdir(exist_ok=True)
    _csv_rows(_row("Partagé"))(shared / "actions.csv")
    path.symlink_to(Path("..") / "_commun" / "actions.csv")


def _cut_sheet(path: Path) -> None:
    hand_made_xlsx(path, [HEADER, _row("Coupé")])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) // 2])


def _bad_crc(path: Path) -> None:
    """A stored (uncompressed) sheet whose bytes changed after the archive was written: its CRC no longer matches."""
    hand_made_xlsx(path, [HEADER, _row("Intact")])
    rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml, stored=True)
    raw = path.read_bytes()
    path.write_bytes(raw.replace(b"Intact", b"Abimes", 1))  # same length: only the CRC tells


QUOTE = "Les habitants évoquent l’école, à côté du centre social"


# (case, file name in data/raw/cabbalr, writer, expectation)
LOADER_CASES = [
    ("xlsx-declared-a1", "actions.t.xlsx",
     _xlsx({"actions": [HEADER, *[_row(f"A{i}", str(i)) for i in range(1, 31)]]}, "A1"),
     Read([(f"A{i}", float(i)) for i in range(1, 31)])),
    ("xlsx-sheets-without-table", "actions.t.xlsx", _xlsx({"Feuil1": [HEADER], "Feuil2": [HEADER]}),
     Error("une feuille « actions » ; feuilles du classeur : « Feuil1 », « Feuil2 »")),
    ("xlsx-empty-sheet", "actions.t.xlsx", _xlsx({"actions": []}), Error("un fichier non vide")),
    ("xlsx-merged-header", "actions.t.xlsx", _merged_header,
     Error("une colonne « intitule » (obligatoire", ligne=1, colonne="intitule")),
    ("xlsx-title-above-header", "actions.t.xlsx",
     _xlsx({"actions": [["Programmation 2022 (saisie)"], [], HEADER, _row("Après le titre")]}),
     Read([("Après le titre", 1000.0)])),
    ("xlsx-formula-never-computed", "actions.t.xlsx", _formula(None),
     Error("formule jamais calculée", ligne=2, colonne="montant")),
    ("xlsx-formula-with-cached-value", "actions.t.xlsx", _formula(1500), Read([("Action", 1500.0)])),
    ("xlsx-inline-strings-numbers-as-text", "actions.t.xlsx",
     lambda path: hand_made_xlsx(path, [HEADER, ["fcs", "Texte", "1 234,56", "2022", "ra2022", "p. 12"]]),
     Read([("Texte", 1234.56)])),
    ("xlsx-that-is-csv", "actions.t.xlsx", _csv_rows(_row("A")),
     Error("un classeur Excel .xlsx : ce fichier n'en est pas un")),
    ("zip-that-is-not-xlsx", "actions.t.xlsx", _not_a_workbook_zip, Error("un classeur Excel .xlsx lisible")),
    ("csv-that-is-xlsx", "actions.t.csv", _xlsx({"actions": [HEADER]}), Error("ce fichier est un classeur (zip)")),
    ("zero-bytes", "actions.t.csv", _text(""), Error("un fichier non vide")),
    ("only-blank-lines", "actions.t.csv", _text("\n\n  \n"), Error("un fichier non vide")),
    ("cp1252-euro-oe", "actions.t.csv", _csv_rows(_row("Cœur de quartier", "1 500 €"), sep=";", encoding="cp1252"),
     Read([("Cœur de quartier", 1500.0)])),
    ("utf-16", "actions.t.csv", lambda p: p.write_bytes(codecs.BOM_UTF16_LE + ",".join(HEADER).encode("utf-16-le")),
     Error("encodage illisible (UTF-16")),
    ("mixed-encodings", "actions.t.csv",
     lambda p: p.write_bytes(("\n".join([",".join(HEADER), ",".join(_row("Cœur"))]) + "\n").encode("utf-8")
                             + ",".join(_row("Fête")).encode("cp1252") + b"\n"),
     Error("un seul encodage par fichier", ligne=2)),
    ("utf-8-bom", "actions.t.csv", _csv_rows(_row("Avec BOM"), encoding="utf-8-sig"), Read([("Avec BOM", 1000.0)])),
    ("tab-separated", "actions.t.csv", _csv_rows(_row("Tabulé", "2 000"), sep="\t"), Read([("Tabulé", 2000.0)])),
    ("trailing-empty-columns-and-rows", "actions.t.csv",
     _text(",".join(HEADER) + ",,\n" + ",".join(_row("Bord")) + ",,\n,,,,,,,\n\n"), Read([("Bord", 1000.0)])),
    ("quoted-newline", "actions.t.csv",
     _text(",".join(HEADER) + '\nfcs,"Deux\nlignes",10,2022,ra2022,p. 1\n' + ",".join(_row("Suite", '"20,a"')) + "\n"),
     Error("un montant en euros", ligne=4, colonne="montant", valeur="20,a")),
    ("too-many-fields", "actions.t.csv", _text(",".join(HEADER) + "\nfcs,A,1,2022,ra2022,p. 1,en trop\n"),
     Error("6 champs comme la ligne d'en-têtes, et non 7", ligne=2)),
    ("amount-german-style", "actions.t.csv", _csv_rows(_row("A", '"1.234,56"')), Read([("A", 1234.56)])),
    ("amount-not-known", "actions.t.csv", _csv_rows(_row("A", "n.c.")),
     Error("un montant en euros", ligne=2, colonne="montant", valeur="n.c.")),
    ("amount-secret", "actions.t.csv", _csv_rows(_row("A", "s")),
     Error("un montant en euros", ligne=2, colonne="montant", valeur="s")),
    ("amount-dash", "actions.t.csv", _csv_rows(_row("A", "-")),
     Error("un montant en euros", ligne=2, colonne="montant", valeur="-")),
    ("amount-huge", "actions.t.csv", _csv_rows(_row("A", "12 000 000 000 000")), Read([("A", 1.2e13)])),
    ("duplicated-header", "actions.t.csv",
     _text(",".join(HEADER + ["intitule"]) + "\n" + ",".join(_row("Premier") + ["Second"]) + "\n"),
     Read([("Premier", 1000.0)])),
    ("misnamed-file", "subventions.csv", _csv_rows(_row("A")),
     Error("un nom de fichier commençant par une table connue", gravite="avertissement")),
    # Only regular files are read; a link may not lead out of the data folder.
    ("fifo", "actions.t.csv", _special("fifo"), Error("un fichier ordinaire : c'est un tube nommé (FIFO)")),
    ("character-device", "actions.t.csv", _special("device"), Error("un fichier ordinaire : c'est un périphérique")),
    ("socket", "actions.t.csv", _special("socket"), Error("un fichier ordinaire : c'est une socket")),
    ("symlink-out-of-data", "actions.t.csv", _link_out, Error("ce lien symbolique mène hors du dossier")),
    ("symlink-inside-data", "actions.t.csv", _link_in, Read([("Partagé", 1000.0)])),
    # Damaged workbooks: a located error, never a traceback.
    ("xlsx-sheet-xml-cut", "actions.t.xlsx", _cut_sheet,
     Error("partie « xl/worksheets/sheet1.xml » abîmée : ")),
    ("xlsx-part-bad-crc", "actions.t.xlsx", _bad_crc, Error("partie « xl/worksheets/sheet1.xml » illisible")),
    # Bounded resources: millions of empty rows are skipped unread; a huge cell is refused.
    ("xlsx-5-million-empty-rows", "actions.t.xlsx",
     lambda path: empty_rows_xlsx(path, [HEADER, _row("Avant le vide")], 5_000_000),
     Read([("Avant le vide", 1000.0)])),
    ("xlsx-million-styled-empty-cells", "actions.t.xlsx",
     lambda path: empty_rows_xlsx(path, [HEADER, _row("Avant les styles")], 1_000_000, styled=True),
     Read([("Avant les styles", 1000.0)])),
    ("csv-cell-too-long", "actions.t.csv", _csv_rows(_row("x" * 40_000)),
     Error("des cellules d'au plus 32767 caractères : celle-ci en compte 40000", ligne=2, colonne="B")),
    ("xlsx-cell-too-long", "actions.t.xlsx", lambda path: hand_made_xlsx(path, [HEADER, _row("y" * 40_000)]),
     Error("des cellules d'au plus 32767 caractères : celle-ci en compte 40000", ligne=2, colonne="B")),
    ("csv-too-many-columns", "actions.t.csv", _text(",".join(HEADER + [f"c{i}" for i in range(1_000)]) + "\n"),
     Error("au plus 1000 colonnes : cette ligne en compte 1006", ligne=1)),
    # Encodings: detected from what they make of French text, or refused; never a silent wrong guess.
    ("utf-8-french", "actions.t.csv", _csv_rows(_row(QUOTE), sep=";"), Read([(QUOTE, 1000.0)])),
    ("cp1252-french", "actions.t.csv", _csv_rows(_row(QUOTE), sep=";", encoding="cp1252"), Read([(QUOTE, 1000.0)])),
    ("mac-roman-french", "actions.t.csv", _csv_rows(_row(QUOTE), sep=";", encoding="mac_roman"),
     Read([(QUOTE, 1000.0)])),
    ("mac-roman-warned", "actions.t.csv", _csv_rows(_row(QUOTE), sep=";", encoding="mac_roman"),
     Error("encodage Mac Roman reconnu et converti", gravite="avertissement")),
    ("eight-bit-ambiguous", "actions.t.csv", _csv_rows(_row("Škoda"), sep=";", encoding="cp1252"),
     Error("l'encodage de ce fichier n'est pas reconnu avec certitude (en Windows-1252 : « fcs;Škoda;", ligne=2)),
]

TERRITORY_FILE_CASES = [
    ("yml-list", "- id: cabbalr\n", "un dictionnaire YAML"),
    ("yml-broken", "id: cabbalr\nsources: [\n", "du YAML valide"),
    ("yml-utf16", None, "encodage illisible"),
    ("yml-missing-keys", "id: cabbalr\n", "les clés obligatoires « nom », « sigle », « sources »"),
    ("yml-wrong-id", "id: autre\nnom: N\nsigle: S\nsources:\n  - id: ra2022\n",
     "un identifiant égal au nom du dossier"),
    ("yml-alias-bomb", "id: cabbalr\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
     "nom: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n", "ancres et alias YAML (& et *) non acceptés"),
    ("yml-duplicate-key", "id: cabbalr\nnom: Premier\nsigle: S\nnom: Second\nsources:\n  - id: ra2022\n",
     "clé « nom » répétée"),
    ("yml-too-large", "id: cabbalr\n# " + "x" * 2**20 + "\n", "un fichier d'au plus 1\xa0Mo : celui-ci fait 1\u202f048\u202f591 octets"),
    ("yml-impossible-date", "id: cabbalr\nnom: N\nsigle: S\ncontrat:\n  fin: 2022-13-45\nsources:\n  - id: ra2022\n",
     "une date réelle"),
    ("yml-wrong-type", "id: cabbalr\nnom: N\nsigle: S\ncommunes: 5\nsources:\n  - id: ra2022\n", "une liste"),
    ("yml-contract-text", "id: cabbalr\nnom: N\nsigle: S\ncontrat: x\nsources:\n  - id: ra2022\n",
     "un dictionnaire"),
    # before: « lecture impossible (TypeError : unhashable type: 'list') » (the id went into a set)
    ("yml-source-id-list", "id: cabbalr\nnom: N\nsigle: S\nsources:\n  - id: [ra2022]\n",
     "un identifiant de 64 caractères au plus"),
    ("yml-year-out-of-range", "id: cabbalr\nnom: N\nsigle: S\nsources:\n  - id: ra2022\n    annee_rapport: 3022\n",
     "une année de 1900 à 2100"),
]


def _assert_error(problems, expected: Error, name: str) -> None:
    errors = [p for p in problems if p.gravite == expected.gravite]
    matching = [p for p in errors if expected.words in p.attendu]
    assert matching, f"{expected.words!r} not in {[str(p) for p in errors]}"
    problem = matching[0]
    assert problem.fichier.endswith(name)
    assert (problem.ligne, problem.colonne, problem.valeur) == (
        expected.ligne if expected.ligne is not None else problem.ligne,
        expected.colonne if expected.colonne is not None else problem.colonne,
        expected.valeur if expected.valeur is not None else problem.valeur)
    assert str(problem).startswith(problem.fichier)


@pytest.mark.parametrize("case, name, write, expected", LOADER_CASES, ids=[c[0] for c in LOADER_CASES])
def test_loader_corpus(data_copy, case, name, write, expected):
    write(data_copy / "cabbalr" / name)
    digest = tree_digest(data_copy)
    started = time.monotonic()
    if isinstance(expected, Error):
        _assert_error(cdv.validate_territory("cabbalr", data_copy), expected, name)
    else:
        actions = cdv.load_territory("cabbalr", data_copy).table("actions")
        mine = actions[actions["fichier"].str.endswith(name)]
        assert list(zip(mine["intitule"], mine["montant"].astype(float))) == expected.rows
    assert time.monotonic() - started < 60  # never a hang (a FIFO once blocked forever) nor minutes of empty rows
    assert not any(p.is_error for p in cdv.validate_territory("call", data_copy))
    assert tree_digest(data_copy) == digest


@pytest.mark.parametrize("case, text, words", TERRITORY_FILE_CASES, ids=[c[0] for c in TERRITORY_FILE_CASES])
def test_territory_file_corpus(data_copy, case, text, words):
    path = data_copy / "cabbalr" / "territoire.yml"
    path.write_bytes(text.encode("utf-8") if text is not None else "id: cabbalr\n".encode("utf-16"))
    digest = tree_digest(data_copy)
    problems = cdv.validate_territory("cabbalr", data_copy)
    assert len(problems) == 1 and words in problems[0].attendu and problems[0].fichier.endswith("territoire.yml")
    with pytest.raises(cdv.DataError, match="territoire « cabbalr »"):
        cdv.load_territory("cabbalr", data_copy)
    assert tree_digest(data_copy) == digest


def _anct_open_data(*rows) -> Callable[[Path], Path]:
    return lambda folder: write_csv(folder / "anct_2022.csv", OPEN_DATA_HEADERS, list(rows))


def _open_row(amount: str = "1 000", theme: str = "Santé", code: str = "C0011") -> list[str]:
    return ["1", "PRJ-1", "Action", "Association", "Association", code, "CV Test", theme, "", amount, "Occitanie"]


IMPORT_CASES = [
    ("anct-no-contract-column",
     lambda f: write_csv(f / "anct_2022.csv", [h for h in OPEN_DATA_HEADERS if h != "Code contrat ville"],
                         [_open_row()[:5] + _open_row()[6:]]),
     Error("une colonne « Code contrat ville »", ligne=1, colonne="Code contrat ville")),
    ("anct-amount-unknown", _anct_open_data(_open_row("n.c.")),
     Error("un montant en euros", ligne=2, colonne="Mt engagé", valeur="n.c.")),
    ("anct-gispro-amount-dash",
     lambda f: write_csv(f / "anct_2022.csv", GISPRO_HEADERS,
                         gispro_rows([("D", "A", "T", "Association", "-", "1 - Pilier cohésion sociale", "", "C1",
                                       "CV", "")]), ";", "cp1252"),
     Error("un montant en euros", ligne=2, colonne="Montant engagé", valeur="-")),
    ("anct-empty-file", lambda f: f / "anct_2022.csv" if not (f / "anct_2022.csv").write_bytes(b"") else None,
     Error("un fichier non vide")),
    ("anct-unknown-layout",
     lambda f: write_csv(f / "anct_2022.csv", ["Colonne A", "Colonne B"], [["1", "2"]]),
     Error("mise en page la plus proche", ligne=1)),
    ("anct-xlsx-sheets",
     lambda f: write_xlsx(f / "anct_2022.xlsx", {"A": [list(OPEN_DATA_HEADERS)], "B": [["x"]]}),
     Error("feuilles du classeur : « A », « B »")),
    ("anct-xlsx-sheet-cut",
     lambda f: rewrite_part(hand_made_xlsx(f / "anct_2022.xlsx", [list(OPEN_DATA_HEADERS), _open_row()]),
                            "xl/worksheets/sheet1.xml", lambda xml: xml[: len(xml) - 40]),
     Error("partie « xl/worksheets/sheet1.xml » abîmée : ")),
    ("insee-xlsx-declared-a1",
     lambda f: write_xlsx(f / "qpv_2020.xlsx", {"QPV": [["code_qp", "nom_qp", "nom_commune", "tp60"],
                                                        *[[f"QP0620{i:02d}", f"Q{i}", "Lens", 40 + i]
                                                          for i in range(1, 40)]]}, "A1"),
     Read([])),
]


@pytest.mark.parametrize("case, write, expected", IMPORT_CASES, ids=[c[0] for c in IMPORT_CASES])
def test_importer_corpus(tmp_path, data_copy, case, write, expected):
    (tmp_path / "in").mkdir()
    source = write(tmp_path / "in")
    digest = tree_digest(data_copy)
    if case.startswith("insee"):
        report = import_insee_qpv(source, data_copy, territory="lens-qpv", communes=["Lens"])
        written = cdv.load_territory("lens-qpv", data_copy)
        assert len(written.meta["qpv"]) == 39 and written.meta["origine"] == "donnees-ouvertes"
        assert report.skipped["hors_selection"] == 0
        return
    with pytest.raises(ImportFailed) as failure:
        import_anct_subsidies(source, data_copy)
    _assert_error(failure.value.problems, expected, source.name)
    assert "aucun fichier n'a été écrit" in str(failure.value) or "un fichier non vide" in str(failure.value)
    assert tree_digest(data_copy) == digest



def test_a_stray_file_is_neither_read_nor_hashed(data_copy):
    """A 2 GB file left in a territory folder (sparse here: no disk used) is ignored, and out of the fingerprint."""
    folder = data_copy / "cabbalr"
    before = cdv.load_territory("cabbalr", data_copy).fingerprint()
    digest = tree_digest(data_copy)
    with (folder / "sauvegarde-2022.iso").open("wb") as stray:
        stray.truncate(2 * 2**30)
    with (folder / "actions.enorme.csv").open("wb") as huge:
        huge.truncate(200 * 2**20)
    started = time.monotonic()
    problems = cdv.validate_territory("cabbalr", data_copy)
    territory = cdv.load_territory("cabbalr", data_copy, strict=False)
    assert time.monotonic() - started < 60
    _assert_error(problems, Error("un fichier d'au plus 100\xa0Mo : celui-ci fait 200\xa0Mo ; il n'est pas lu"),
                  "actions.enorme.csv")
    _assert_error(problems, Error("fichier ignoré", gravite="avertissement"), "sauvegarde-2022.iso")
    assert territory.fingerprint() == before  # neither file was read
    assert folder_fingerprint(folder) == before
    (folder / "sauvegarde-2022.iso").unlink()
    (folder / "actions.enorme.csv").unlink()
    assert tree_digest(data_copy) == digest
    assert not any(p.is_error for p in cdv.validate_territory("call", data_copy))


def test_the_fingerprint_is_made_of_the_bytes_read(data_copy):
    folder = data_copy / "cabbalr"
    inputs = read_inputs(folder)
    assert set(inputs.files) == {p.name for p in folder.iterdir() if p.suffix in {".csv", ".xlsx", ".yml"}}
    territory = cdv.load_territory("cabbalr", data_copy, inputs=inputs)
    assert territory.fingerprint() == inputs.fingerprint == folder_fingerprint(folder)
    (folder / "notes.md").write_text("Notes de l'évaluateur\n", "utf-8")  # not an input: same fingerprint
    assert folder_fingerprint(folder) == inputs.fingerprint
    first = sorted(inputs.tables())[0]
    (folder / first).write_bytes((folder / first).read_bytes() + b"\n")
    assert folder_fingerprint(folder) != inputs.fingerprint


@pytest.mark.parametrize("kind", ["fifo", "symlink-out"])
def test_a_special_territory_file_stops_only_its_territory(data_copy, kind):
    path = data_copy / "cabbalr" / "territoire.yml"
    outside = data_copy.parent / "territoire-ailleurs.yml"
    outside.write_bytes(path.read_bytes())
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to(outside)
    digest = tree_digest(data_copy)
    problems = cdv.validate_territory("cabbalr", data_copy)
    assert len(problems) == 1 and problems[0].fichier.endswith("territoire.yml")
    assert ("un fichier territoire.yml" if kind == "fifo" else "ce lien symbolique mène hors du dossier") \
        in problems[0].attendu
    with pytest.raises(cdv.DataError, match="territoire « cabbalr »"):
        cdv.load_territory("cabbalr", data_copy)
    assert not any(p.is_error for p in cdv.validate_territory("call", data_copy))
    assert tree_digest(data_copy) == digest


def _limits(monkeypatch, **values) -> None:
    import dataclasses

    from cdv_analysis.ingest.iorw import limits

    monkeypatch.setattr(limits, "LIMITS", dataclasses.replace(limits.LIMITS, **values))


# The embedded tables hold at most 193 rows and 80 KB per file: these limits leave them valid.
@pytest.mark.parametrize("case, name, write, limits, expected", [
    ("csv-rows", "actions.t.csv", _csv_rows(*[_row(f"A{i}") for i in range(300)]), {"rows": 250},
     Error("au plus 250 lignes : ce fichier a plus de 250 lignes remplies ; découpez-le")),
    ("xlsx-rows", "actions.t.xlsx", lambda p: hand_made_xlsx(p, [HEADER, *[_row(f"A{i}") for i in range(300)]]),
     {"rows": 250}, Error("au plus 250 lignes : ce fichier a une valeur à la ligne 301 ; découpez-le")),
    ("xlsx-uncompressed", "actions.t.xlsx", lambda p: hand_made_xlsx(p, [HEADER, _row("z" * 30_000)]),
     {"uncompressed_bytes": 20 * 1024},
     Error("un classeur d'au plus 20\xa0ko une fois décompressé : celui-ci en fait 32\xa0ko ; il n'est pas lu")),
    ("csv-bytes", "actions.t.csv", _csv_rows(*[_row(f"A{i}") for i in range(5000)]), {"file_bytes": 100 * 1024},
     Error("un fichier d'au plus 100\xa0ko : celui-ci fait 1")),
], ids=["csv-rows", "xlsx-rows", "xlsx-uncompressed", "csv-bytes"])
def test_declared_limits(data_copy, monkeypatch, case, name, write, limits, expected):
    write(data_copy / "cabbalr" / name)
    digest = tree_digest(data_copy)
    _limits(monkeypatch, **limits)
    _assert_error(cdv.validate_territory("cabbalr", data_copy), expected, name)
    assert not any(p.is_error for p in cdv.validate_territory("call", data_copy))
    assert tree_digest(data_copy) == digest
