"""Builders of input files as other programs write them (for the loader and importer tests).

``hand_made_xlsx`` writes the XML of a workbook directly, as tools other than
Excel do: inline strings, a declared ``<dimension ref="A1"/>`` whatever the
content, formulas with or without a cached value.
"""

from __future__ import annotations

import csv
import hashlib
import re
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter

# The open-data base of financed actions (data.gouv.fr), anonymised.
OPEN_DATA_HEADERS = (
    "N°", "Numéro de l'action PRJ", "Libellé de l'action", "Raison sociale longue", "Type de tiers",
    "Code contrat ville", "Libellé contrat ville", "Thème", "Sous-thèmes", "Mt engagé", "Région",
)
# The back-office export (GISPRO / Dauphin): 31 columns, numbered themes.
GISPRO_HEADERS = (
    "N° dépt ou région", "Département", "Région", "Programme", "BOP", "Année de programmation", "Tiers",
    "SIRET", "Type de tiers", "Montant engagé", "Montant demandé", "Montant payé", "Statut du dossier",
    "Date de dépôt", "Date de décision", "Date d'engagement", "Action - Code dossier", "Action",
    "Thème (1)", "Sous thème", "Objectif", "Public visé", "Nombre de bénéficiaires", "Contrat ville - Code",
    "Contrat ville", "Commune", "Code QPV", "Nom du QPV", "Cofinancement", "Service instructeur",
    "Commentaire",
)
GISPRO_ACTIONS = [  # dossier, action, holder, kind, amount, theme, sub-theme, contract, label, commune
    ("2022-00101", "Atelier santé ville", "Association Santé Pour Tous", "Association", "1 500,00 €",
     "1 - Pilier cohésion sociale", "1.2- Santé", "C0621", "CONTRAT DE VILLE DE LENS-LIEVIN", "Lens"),
    ("2022-00102", "Accompagnement vers l'emploi", "Mission locale de l'Artois", "Association", "1500",
     "2- Pilier développement économique et emploi", "2.1- Emploi", "C0621", "CONTRAT DE VILLE DE LENS-LIEVIN",
     "Liévin"),
    ("2022-00103", "Aide aux devoirs", "Ville de Lens", "Commune", "1 500.5",
     "1 - Pilier cohésion sociale", "1.1 - Education", "C0621", "CONTRAT DE VILLE DE LENS-LIEVIN", "Lens"),
    ("2022-00104", "Jardins partagés", "Bailleur Habitat Nord", "Bailleur social", "2 000,00 €",
     "3 - Pilier cadre de vie et renouvellement urbain", "3.4 - Environnement", "C0622",
     "Contrat de ville de Béthune-Bruay", "Bruay-la-Buissière"),
    ("2022-00105", "Animation régionale", "Centre de ressources régional", "Association", "10 000,00 €",
     "1 - Pilier cohésion sociale", "1.4- Lien social", "", "", ""),
]


def gispro_rows(actions=GISPRO_ACTIONS) -> list[list[str]]:
    rows = []
    for number, (dossier, action, holder, kind, amount, theme, sub, code, label, commune) in enumerate(actions):
        values = {
            "N° dépt ou région": "62" if code else "32", "Département": "Pas-de-Calais" if code else "",
            "Région": "Hauts-de-France", "Programme": "P147", "BOP": "BOP 147 – Politique de la ville",
            "Année de programmation": "2022", "Tiers": holder, "SIRET": f"1234567890{number:04d}",
            "Type de tiers": kind, "Montant engagé": amount, "Montant demandé": amount, "Montant payé": "",
            "Statut du dossier": "Engagé", "Date de dépôt": "15/01/2022", "Date de décision": "01/04/2022",
            "Date d'engagement": "02/05/2022", "Action - Code dossier": dossier, "Action": action,
            "Thème (1)": theme, "Sous thème": sub, "Objectif": f"Objectif de l'action {number + 1}",
            "Public visé": "Habitants des QPV", "Nombre de bénéficiaires": "25", "Contrat ville - Code": code,
            "Contrat ville": label, "Commune": commune, "Code QPV": "QN06200" + str(number) if code else "",
            "Nom du QPV": "Quartier anonyme" if code else "", "Cofinancement": "Oui", "Service instructeur": "DDETS",
            "Commentaire": "",
        }
        rows.append([values[h] for h in GISPRO_HEADERS])
    return rows


def write_csv(path: Path, header, rows, delimiter=",", encoding="utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list]], declared_dimension: str | None = None) -> Path:
    """An .xlsx written by openpyxl, with the sheets' ``<dimension>`` replaced by ``declared_dimension``."""
    from openpyxl import Workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
    book.save(path)
    if declared_dimension:
        _patch_dimension(path, declared_dimension)
    return path


def _patch_dimension(path: Path, ref: str) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    for name in parts:
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = re.sub(rb'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>'.encode(), parts[name])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)


def _cell(reference: str, value) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, tuple):  # ("=", formula, cached value or None)
        _, formula, cached = value
        cached_xml = "" if cached is None else f"<v>{cached}</v>"
        return f'<c r="{reference}"><f>{escape(formula)}</f>{cached_xml}</c>'
    if isinstance(value, (int, float)):
        return f'<c r="{reference}"><v>{value}</v></c>'
    return f'<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{escape(str(value))}</t></is></c>'


def hand_made_xlsx(path: Path, rows: list[list], dimension: str = "A1") -> Path:
    """A minimal workbook as non-Excel tools write it: inline strings, no styles, a declared dimension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    xml_rows = "".join(
        f'<row r="{r}">' + "".join(_cell(f"{get_column_letter(c)}{r}", v) for c, v in enumerate(row, start=1))
        + "</row>" for r, row in enumerate(rows, start=1))
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
             f'spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{xml_rows}</sheetData></worksheet>')
    main = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        'spreadsheetml.worksheet+xml"/></Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        f'package/2006/relationships"><Relationship Id="rId1" Type="{main}/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main" xmlns:r="{main}"><sheets><sheet name="Export" sheetId="1" r:id="rId1"/></sheets>'
        '</workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{main}/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>',
        "xl/worksheets/sheet1.xml": sheet,
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def rewrite_part(path: Path, part: str, change, stored: bool = False) -> Path:
    """Rewrite one part of a workbook's archive with ``change(bytes) -> bytes`` (``stored``: no compression)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    parts[part] = change(parts[part])
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def empty_rows_xlsx(path: Path, rows: list[list], empty: int, styled: bool = False) -> Path:
    """A small workbook whose sheet goes on with ``empty`` empty rows (``styled``: each with a styled empty cell).

    As some programs write them: 5 million empty rows fit in a 45 KB file.
    """
    hand_made_xlsx(path, rows)
    first = len(rows) + 1
    if styled:
        filler = b"".join(b'<row r="%d"><c r="A%d" s="0"/></row>' % (r, r) for r in range(first, first + empty))
    else:  # rows without a number: the file stays tiny
        filler = b"<row/>" * empty
    return rewrite_part(path, "xl/worksheets/sheet1.xml", lambda xml: xml.replace(b"</sheetData>",
                                                                                   filler + b"</sheetData>"))


def tree_digest(root: Path) -> str:
    """SHA-256 of every regular file under ``root`` (names and bytes): raw data must never change."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            with path.open("rb") as handle:  # by blocks: a test leaves a sparse 2 GB file in the folder
                for block in iter(lambda: handle.read(2**20), b""):
                    digest.update(block)
    return digest.hexdigest()


# A Microsoft Forms export (Excel, French interface) of an associations questionnaire: the tool's own
# columns, two identifying ones, multiple choice « a;b; », ordered scales and an open question.
MICROSOFT_FORMS_HEADERS = (
    "ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom", "Heure de la dernière modification",
    "Nom de votre association", "Quartier d'intervention principal", "Domaines d'intervention",
    "Vous sentez-vous suffisamment accompagnés par les services de l'agglomération ?",
    "La procédure de l'appel à projets est adaptée", "Le calendrier de dépôt des projets est adapté",
    "Votre association mène-t-elle des actions de prévention santé ?", "Quelles améliorations proposez-vous ?",
)
MICROSOFT_FORMS_ANSWERS = (  # from « Nom de votre association » on
    ("Les Amis du 12-14", "Cité 12-14 (Lens)", "Santé;Emploi et insertion;", "Plutôt satisfait",
     "Plutôt d'accord", "Pas du tout d'accord", "Oui", "Simplifier le dossier ; verser l'acompte plus tôt"),
    ("Sport pour tous Calonne", "Grande Résidence (Lens)", "Santé;", "Très satisfait", "Tout à fait d'accord",
     "Plutôt pas d'accord", "Oui", None),
    ("Lire et faire lire", "Cité 4 (Liévin)", "Culture, sport et loisirs;Emploi et insertion;", "Peu satisfait",
     "Plutôt d'accord", "Plutôt d'accord", "Non", "Plus de visibilité sur les décisions du comité"),
    ("Femmes relais", "Cité 12-14 (Lens)", None, "Plutôt satisfait", None, "Plutôt d'accord", "Oui", None),
    ("Emploi solidaire", "Grande Résidence (Lens)", "Emploi et insertion;", "Pas du tout satisfait",
     "Plutôt pas d'accord", "Plutôt pas d'accord", None, "Un référent unique à l'agglomération"),
)
MICROSOFT_FORMS_PEOPLE = (("j.martin@amis1214.fr", "Jeanne Martin"), ("contact@sportcalonne.fr", "Karim Benali"),
                          ("lire@exemple.org", "Odile Caron"), ("femmes.relais@exemple.org", "Nadia Haddad"),
                          ("emploi.solidaire@exemple.org", "Hugo Lambert"))


def microsoft_forms_xlsx(path: Path, remarks: tuple | None = None) -> Path:
    """The export as Microsoft Forms writes it: one sheet, dates as Excel dates; ``remarks``: other answers to
    its open question (« Quelles améliorations proposez-vous ? »), one per respondent."""
    import datetime as dt

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(list(MICROSOFT_FORMS_HEADERS))
    for number, (answers, (mail, name)) in enumerate(zip(MICROSOFT_FORMS_ANSWERS, MICROSOFT_FORMS_PEOPLE), start=1):
        start = dt.datetime(2024, 3, 4 + number, 9, 5 * number)
        if remarks is not None:
            answers = (*answers[:-1], remarks[number - 1])
        sheet.append([number, start, start + dt.timedelta(minutes=11), mail, name, None, *answers])
    workbook.save(path)
    return path


def file_hashes(folder: Path) -> dict[str, str]:
    """SHA-256 of each regular file under ``folder``, by relative path (which file changed, not only whether)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def edit_csv(path: Path, edit) -> None:
    """Rewrite a UTF-8 CSV after ``edit(index, row)`` changed its rows (dicts) in place."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    for index, row in enumerate(rows):
        edit(index, row)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)
