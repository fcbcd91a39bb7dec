"""Reading files: regular files only, each read once, within the declared limits (:data:`limits.LIMITS`); YAML
from outside read safely (no aliases, no repeated keys)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml

from ..problems import Problem
from . import limits
from .encodings import decode_text
from .limits import _size


def shown_path(path: Path | str) -> str:
    """Path as a user would type it: relative to the working directory when possible."""
    path = Path(path)
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "un tube nommé (FIFO)"
    if stat.S_ISSOCK(mode):
        return "une socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "un périphérique"
    if stat.S_ISDIR(mode):
        return "un dossier"
    return "un fichier spécial"


def read_bytes(path: Path | str, shown: str | None = None, *, root: Path | str | None = None,
               limit: int | None = None) -> tuple[bytes | None, list[Problem]]:
    """The bytes of a regular file, read once, or None with a French problem.

    Only a regular file is read: a named pipe, a device or a socket is refused
    before it is opened for reading (no hang), and so is a file larger than
    ``limit`` (``limits.LIMITS.file_bytes`` by default). With ``root``, a symbolic link
    that leads out of that folder is refused.
    """
    path = Path(path)
    shown = shown or shown_path(path)
    limit = limits.LIMITS.file_bytes if limit is None else limit
    if root is not None and path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(Path(root).resolve()):
            return None, [Problem(shown, "un fichier du dossier de données : ce lien symbolique mène hors du dossier "
                                  f"(vers {target}) ; copiez le fichier dans le dossier plutôt que d'y faire un lien")]
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    if not stat.S_ISREG(mode):
        return None, [Problem(shown, f"un fichier ordinaire : c'est {_kind(mode)}, qui n'est pas lu")]
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    with os.fdopen(handle, "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):  # replaced between the two looks
            return None, [Problem(shown, f"un fichier ordinaire : c'est {_kind(info.st_mode)}, qui n'est pas lu")]
        if info.st_size > limit:
            return None, [Problem(shown, f"un fichier d'au plus {_size(limit)} : celui-ci fait "
                                  f"{_size(info.st_size, limit)} ; il n'est pas lu")]
        try:
            data = stream.read(limit + 1)
        except OSError as exc:
            return None, [Problem(shown, f"un fichier lisible ({exc.strerror or type(exc).__name__})")]
    if len(data) > limit:
        return None, [Problem(shown, f"un fichier d'au plus {_size(limit)} ; il n'est pas lu")]
    return data, []


class _SafeLoader(yaml.SafeLoader):
    """PyYAML's safe loader without anchors and aliases (a 1 KB alias bomb expands to gigabytes), nor repeated keys."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent) or getattr(self.peek_event(), "anchor", None):
            event = self.peek_event()
            raise yaml.MarkedYAMLError(None, None, "ancres et alias YAML (& et *) non acceptés : écrivez chaque valeur",
                                       event.start_mark)
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                continue
            if key in seen:
                raise yaml.MarkedYAMLError(None, None, f"clé « {key} » répétée : chaque clé n'apparaît qu'une fois",
                                           key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node):
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):  # PyYAML builds dates itself: « 2022-13-45 » raises ValueError
            raise _ImpossibleDate(node) from None


class _ImpossibleDate(yaml.YAMLError):
    def __init__(self, node):
        super().__init__(node.value)
        self.line, self.value = node.start_mark.line + 1, node.value


_SafeLoader.add_constructor("tag:yaml.org,2002:timestamp", _SafeLoader.construct_yaml_timestamp)


class LinedDict(dict):
    """A YAML mapping read by ``load_yaml(…, lines=True)``: ``line`` is where it starts (1-based)."""

    line: int = 0


class _LinedLoader(_SafeLoader):
    """:class:`_SafeLoader` whose mappings remember their line, for located messages."""


def _lined_mapping(loader: _LinedLoader, node: yaml.MappingNode) -> LinedDict:
    result = LinedDict(loader.construct_mapping(node, deep=True))
    result.line = node.start_mark.line + 1
    return result


_LinedLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _lined_mapping)


def load_yaml(text: str, shown: str, *, lines: bool = False) -> tuple[object, list[Problem]]:
    """A YAML document read safely: no tags, anchors or aliases, no repeated key, at most ``limits.LIMITS.yaml_bytes``.

    Gives the value, or None with one located French problem (an impossible date such as
    « 2022-13-45 » included). Every YAML file the package reads from outside (``territoire.yml``,
    référentiels, vocabulaire.yml, questionnaire mappings) goes through here, most by :func:`read_yaml`.
    With ``lines``, every mapping is a :class:`LinedDict`.
    """
    size = len(text.encode("utf-8"))
    if size > limits.LIMITS.yaml_bytes:
        return None, [Problem(shown, f"un fichier YAML d'au plus {_size(limits.LIMITS.yaml_bytes)} : celui-ci fait "
                              f"{_size(size)}")]
    try:
        return yaml.load(text, Loader=_LinedLoader if lines else _SafeLoader), []  # noqa: S506 — SafeLoaders
    except _ImpossibleDate as exc:
        return None, [Problem(shown, "une date réelle AAAA-MM-JJ (ex. 2015-06-27)", ligne=exc.line, valeur=exc.value)]
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return None, [Problem(shown, f"du YAML valide ({getattr(exc, 'problem', None) or exc})",
                              ligne=mark.line + 1 if mark else None)]


def read_yaml(path: Path | str, shown: str | None = None, *, root: Path | str | None = None, raw: bytes | None = None,
              lines: bool = False) -> tuple[str | None, object, list[Problem]]:
    """(text, value, problems) of a YAML file from outside: :func:`read_bytes` (at most
    ``limits.LIMITS.yaml_bytes``), ``decode_text``, then :func:`load_yaml`.

    ``raw``: the file's bytes when the caller already read them. The text is None when the file could not be
    read or decoded; the value is None whenever there is a problem.
    """
    shown = shown or shown_path(path)
    if raw is None:
        raw, problems = read_bytes(path, shown, root=root, limit=limits.LIMITS.yaml_bytes)
        if raw is None:
            return None, None, problems
    text, problems = decode_text(raw, shown)
    if text is None:
        return None, None, problems
    value, problems = load_yaml(text, shown, lines=lines)
    return text, value, problems
