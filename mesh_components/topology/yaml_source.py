"""A safe, bounded YAML reader that remembers where every value came from.

PyYAML's `safe_load` keeps the last of two equal keys, expands alias bombs without limit and
forgets line numbers. Here the file is read with a size cap, decoded strictly, composed into
nodes (which keep their marks) and turned into plain data by our own walk, which rejects
duplicate keys and counts every node it visits, aliases expanded, so a bomb stops early.
Nodes come from libyaml when PyYAML has it and the text composes cleanly within the depth bound;
anything else is composed again by PyYAML's own composer, whose words every message uses.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import DocPath, Problem, TopologyError

# A 1000-service mesh is about 250 KiB and 27,000 values (bench/); these leave it room to grow while
# keeping hostile input (megabytes, alias bombs) bounded in time and memory.
MAX_FILE_BYTES = 1024 * 1024
MAX_NODES = 250_000  # nodes visited while building data, aliases expanded each time they are used
MAX_DEPTH = 64  # nesting depth; the model itself is five levels deep

Position = tuple[int, int]  # 1-based line and column

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_SCALAR_KINDS = {
    "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:bool": "a boolean",
    "tag:yaml.org,2002:int": "an integer",
    "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:timestamp": "a date",
}
_STANDARD_SCALAR_TAGS = {_STR_TAG, "tag:yaml.org,2002:binary", *_SCALAR_KINDS}

# YAML 1.1 (PyYAML) reads `010` as octal 8, `0x50` as 80, `1:20` as 80 (base 60) and drops the `_` of
# `1_000`: a number written any other way than these plain forms means something else than it says.
_PLAIN_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_PLAIN_FLOAT = re.compile(r"[-+]?([0-9]*\.[0-9]*([eE][-+]?[0-9]+)?|\.(inf|Inf|INF|nan|NaN|NAN))")
_NUMBER_FORMS = (  # (how the text starts or what it holds, what YAML 1.1 reads it as, why)
    (re.compile(r"[-+]?0[bB]"), "the binary number", "YAML 1.1"),
    (re.compile(r"[-+]?0[xX]"), "the hexadecimal number", "YAML 1.1"),
    (re.compile(r".*:"), "the base-60 number", "YAML 1.1"),
    (re.compile(r".*_"), "the number", "YAML 1.1 ignores underscores"),
    (re.compile(r"[-+]?0"), "the octal number", "YAML 1.1: a leading 0 means octal"),
)
# Likewise `yes`, `no`, `on` and `off` are booleans in YAML 1.1 only; true and false mean the same everywhere.
_BOOL_TAG = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class SourceMap:
    """Document path -> position of the value node there, and of the key that names it."""

    values: dict[DocPath, Position] = field(default_factory=dict)
    keys: dict[DocPath, Position] = field(default_factory=dict)

    def value_position(self, path: DocPath) -> Position | None:
        """Where the value at `path` starts, or where its nearest existing ancestor does."""
        for end in range(len(path), -1, -1):
            position = self.values.get(path[:end])
            if position:
                return position
        return None

    def key_position(self, path: DocPath) -> Position | None:
        """Where the key naming `path` is; falls back to the value position."""
        return self.keys.get(path) or self.value_position(path)


@dataclass(frozen=True)
class YamlDocument:
    file: str
    data: Any  # None for an empty document
    source_map: SourceMap


class _LimitExceeded(Exception):
    def __init__(self, problem: Problem) -> None:
        self.problem = problem


def read_yaml(path: str | os.PathLike[str]) -> YamlDocument:
    """Read, decode and parse one YAML file; raise TopologyError with every problem found."""
    file = os.fspath(path)
    return parse_yaml(_read_capped(file), file)


def parse_yaml(raw: bytes, file: str = "<string>") -> YamlDocument:
    text = _decode(raw, file)
    root = _compose(text, file)
    return _Builder(file).document(root)


def _unreadable(file: str, reason: str) -> TopologyError:
    return TopologyError([Problem(f"cannot read {file}: {reason}")], unreadable=True)


def _read_capped(file: str) -> bytes:
    try:
        mode = os.stat(file).st_mode
        if stat.S_ISDIR(mode):
            raise _unreadable(file, "it is a directory; expected a YAML file")
        if not stat.S_ISREG(mode):
            raise _unreadable(file, "not a regular file; expected a YAML file")
        with open(file, "rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise _unreadable(file, (error.strerror or str(error)).lower()) from None
    if len(raw) > MAX_FILE_BYTES:
        message = f"file is larger than {MAX_FILE_BYTES // 1024} KiB; even a 1000-service topology is about 250 KiB"
        raise TopologyError([Problem(message, file=file, line=1, col=1)])
    return raw


def _position_in(data: bytes | str, index: int) -> Position:
    newline = b"\n" if isinstance(data, bytes) else "\n"
    line = data.count(newline, 0, index) + 1
    col = index - (data.rfind(newline, 0, index) + 1) + 1
    return line, col


def _decode(raw: bytes, file: str) -> str:
    nul = raw.find(b"\0")
    if nul >= 0:
        line, col = _position_in(raw, nul)
        message = "NUL byte; a topology file is UTF-8 text (UTF-16 and binary files are not supported)"
        raise TopologyError([Problem(message, file=file, line=line, col=col)])
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _position_in(raw, error.start)
        message = f"invalid UTF-8 byte 0x{raw[error.start]:02x}; a topology file is UTF-8 text"
        raise TopologyError([Problem(message, file=file, line=line, col=col)]) from None
    return text.removeprefix("\ufeff")


class _BoundedLoader(yaml.SafeLoader):
    """SafeLoader whose composer refuses nesting deeper than MAX_DEPTH (it recurses per level)."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.MarkedYAMLError(problem=f"nested deeper than {MAX_DEPTH} levels", problem_mark=mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _compose(text: str, file: str) -> Node | None:
    """The document's node tree: libyaml's composer when it is there and the text is plain (over ten times
    faster than PyYAML's on a 500-color topology), PyYAML's bounded one for everything else. Any text libyaml
    refuses, or composes deeper than MAX_DEPTH, goes through PyYAML's too, so every message says the same."""
    if _FAST_COMPOSER is not None and not yaml.reader.Reader.NON_PRINTABLE.search(text):
        try:
            root = _FAST_COMPOSER(text).get_single_node()
        except yaml.YAMLError:
            pass
        else:
            if root is None or not _deeper_than(root, MAX_DEPTH):
                return root
    return _compose_bounded(text, file)


def _fast_composer() -> type | None:
    """libyaml's loader, when PyYAML is built with it and it bounds nesting itself (libyaml 0.2.6 allows
    1000 levels); the libyaml 0.2.5 of older PyYAML wheels recursed without limit, and a file of `[` crashed
    the process. Nesting twice that deep must be refused, or the fast path stays off."""
    loader = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None
    if loader is None:
        return None
    try:
        loader("[" * _NESTING_PROBE + "]" * _NESTING_PROBE).get_single_node()
    except yaml.YAMLError:
        return loader
    return None


_NESTING_PROBE = 2000  # deep enough to pass libyaml's limit, shallow enough not to hurt one without it


_FAST_COMPOSER = _fast_composer()


class _TooDeep(Exception):
    pass


def _deeper_than(root: Node, limit: int) -> bool:
    """Whether a path from `root` passes more than `limit` nodes. A node an alias reaches again counts at each
    place, so an alias inside its own anchor is endless; each node is measured once all the same."""
    heights: dict[int, int] = {}

    def height(node: Node, room: int) -> int:
        if room == 0:
            raise _TooDeep
        if isinstance(node, ScalarNode):
            return 1
        known = heights.get(id(node))
        if known is None:
            parts = [part for pair in node.value for part in pair] if isinstance(node, MappingNode) else node.value
            known = heights[id(node)] = 1 + max((height(part, room - 1) for part in parts), default=0)
        if known > room:
            raise _TooDeep
        return known

    try:
        height(root, limit)
    except _TooDeep:
        return True
    return False


def _compose_bounded(text: str, file: str) -> Node | None:
    loader = None
    try:
        loader = _BoundedLoader(text)  # its reader rejects non-printable characters right here
        return loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        raise TopologyError([_syntax_problem(error, file)]) from None
    except yaml.reader.ReaderError as error:
        line, col = _position_in(text, error.position)
        message = f"character U+{error.character:04X} is not allowed in YAML; use printable text"
        raise TopologyError([Problem(message, file=file, line=line, col=col)]) from None
    except yaml.YAMLError as error:  # no mark: point at the file start
        raise TopologyError([Problem(f"invalid YAML: {error}", file=file, line=1, col=1)]) from None
    finally:
        if loader is not None:
            loader.dispose()


def _syntax_problem(error: yaml.MarkedYAMLError, file: str) -> Problem:
    mark = error.problem_mark or error.context_mark
    if error.context and error.context.startswith("expected") and error.problem:
        message = f"invalid YAML: {error.context}, {error.problem}"
    else:  # the parser's own words, plus what trips people most
        message = f"invalid YAML: {error.problem or error.context}"
        if error.context and error.problem and error.context_mark:
            message += f" ({error.context} at line {error.context_mark.line + 1})"
        message += "; check indentation and quoting here"
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(message, file=file, line=line, col=col)


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    """Turns composed nodes into dicts, lists and scalars, recording positions on the way."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.constructor = yaml.SafeLoader("")  # used only to convert scalar nodes
        self.source_map = SourceMap()
        self.problems: list[Problem] = []
        self.visited = 0

    def document(self, root: Node | None) -> YamlDocument:
        try:
            data = self.build(root, ()) if root is not None else None
        except _LimitExceeded as stop:
            raise TopologyError([stop.problem]) from None
        if self.problems:
            raise TopologyError(self.problems)
        return YamlDocument(self.file, data, self.source_map)

    def problem(self, node: Node, message: str, path: DocPath = ()) -> None:
        line, col = _position(node)
        self.problems.append(Problem(message, path=path, file=self.file, line=line, col=col))

    def build(self, node: Node, path: DocPath) -> Any:
        self._spend(node, path)
        self.source_map.values[path] = _position(node)
        if isinstance(node, MappingNode):
            return self._mapping(node, path)
        if isinstance(node, SequenceNode):
            return self._sequence(node, path)
        return self._scalar(node, path)

    def _spend(self, node: Node, path: DocPath) -> None:
        self.visited += 1
        line, col = _position(node)
        if self.visited > MAX_NODES:
            message = (
                f"expands to more than {MAX_NODES} values (aliases counted each time they are used); "
                "even a 1000-service topology has about 30,000"
            )
            line, col = self.source_map.keys.get(path[:1], (line, col))  # the top-level entry that blew up
            raise _LimitExceeded(Problem(message, path=path[:1], file=self.file, line=line, col=col))
        if len(path) > MAX_DEPTH:
            message = f"nested deeper than {MAX_DEPTH} levels (is an alias used inside its own anchor?)"
            raise _LimitExceeded(Problem(message, file=self.file, line=line, col=col))

    def _mapping(self, node: MappingNode, path: DocPath) -> dict[str, Any] | None:
        if node.tag != _MAP_TAG:
            self.problem(node, f"unsupported tag {node.tag!r}; use a plain mapping", path)
            return None
        result: dict[str, Any] = {}
        first_seen: dict[str, Node] = {}
        for key_node, value_node in node.value:
            key = self._key(key_node, path)
            if key is None:
                continue
            if key in first_seen:
                first_line = _position(first_seen[key])[0]
                message = f"duplicate key {key!r} (first defined on line {first_line}); each key may appear once"
                self.problem(key_node, message, path + (key,))
                continue
            first_seen[key] = key_node
            self.source_map.keys[path + (key,)] = _position(key_node)
            result[key] = self.build(value_node, path + (key,))
        return result

    def _key(self, node: Node, path: DocPath) -> str | None:
        if isinstance(node, ScalarNode) and node.tag == _STR_TAG:
            return node.value
        if isinstance(node, ScalarNode) and node.tag == _MERGE_TAG:
            self.problem(node, "merge keys (<<) are not supported; write the keys out (aliases of whole values work)", path)
        elif isinstance(node, ScalarNode):
            kind = _SCALAR_KINDS.get(node.tag, "not text")
            self.problem(node, f"key {node.value!r} is read as {kind}; keys must be text (quote it: \"{node.value}\")", path)
        else:
            self.problem(node, "a mapping or list cannot be a key; keys must be text", path)
        return None

    def _sequence(self, node: SequenceNode, path: DocPath) -> list[Any] | None:
        if node.tag != _SEQ_TAG:
            self.problem(node, f"unsupported tag {node.tag!r}; use a plain list", path)
            return None
        return [self.build(child, path + (index,)) for index, child in enumerate(node.value)]

    def _scalar(self, node: ScalarNode, path: DocPath) -> Any:
        if node.tag not in _STANDARD_SCALAR_TAGS:
            self.problem(node, f"unsupported tag {node.tag!r}; write a plain value", path)
            return None
        unreadable = f"cannot read value {node.value[:40]!r}"
        try:
            value = self.constructor.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            problem = f"{unreadable}: {getattr(error, 'problem', None) or error}"
        except (ValueError, OverflowError) as error:  # int() digit limit, impossible dates
            problem = f"{unreadable}: {'number too long' if node.tag in _NUMBER_TAGS else error}"
        else:
            problem = _lossy_scalar(node, value)
            if problem is None:
                return value
        self.problem(node, problem, path)
        return None


def _lossy_scalar(node: ScalarNode, value: Any) -> str | None:
    """Why a number (or boolean) is not written as it will be read, or None when it is written plainly."""
    if node.tag == _BOOL_TAG:
        if node.value.lower() in ("true", "false"):
            return None
        return f"{node.value!r} is read as boolean {str(value).lower()} (YAML 1.1); write {str(value).lower()} if that is meant, or quote it for text"
    plain = {_NUMBER_TAGS[0]: _PLAIN_INT, _NUMBER_TAGS[1]: _PLAIN_FLOAT}.get(node.tag)
    if plain is None or plain.fullmatch(node.value):
        return None
    reading, note = next((what, why) for form, what, why in _NUMBER_FORMS if form.match(node.value))
    if reading == "the octal number":
        digits = node.value.lstrip("+-").replace("_", "").lstrip("0") or "0"
        advice = f"write {'-' if node.value.startswith('-') else ''}{digits} for the decimal number"
    else:
        advice = f"write {value!r} if that is meant"
    return f"{node.value[:40]!r} is read as {reading} {value!r} ({note}); {advice}, or quote it for text"
