"""Where keys, values and table headers sit in TOML text, for error positions."""

from __future__ import annotations

import contextlib
import re
import tomllib
from bisect import bisect_right

__all__ = ["Locator", "Where"]

Where = tuple[str | int, ...]  # a path in the document: ("feeds", 2, "url")

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
# A scalar runs to a delimiter; "1979-05-27 07:32:00" has one allowed space.
_SCALAR = re.compile(r"[^\s,\]}#]+(?: [0-9][^\s,\]}#]*)?")


class Locator:
    """Where keys, values and table headers sit in TOML text that tomllib accepted.

    A small scanner, not a parser: it only needs offsets. A path is the key
    names plus indexes for array entries, e.g. ("feeds", 2, "url").
    """

    def __init__(self, text: str) -> None:
        self._s = text
        self._i = 0
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self._spots: dict[Where, tuple[int, int]] = {}  # path -> (key offset, value offset)
        self._aot: dict[Where, int] = {}  # [[array]] path -> entries seen so far
        # Positions are a courtesy on top of a message: never let them crash.
        with contextlib.suppress(Exception):
            self._scan()

    def key_at(self, where: Where) -> tuple[int, int]:
        """(line, col) of the key, header or element at `where`, else its nearest parent."""
        return self._pos(self._find(where)[0])

    def value_at(self, where: Where) -> tuple[int, int]:
        return self._pos(self._find(where)[1])

    def _find(self, where: Where) -> tuple[int, int]:
        while where:
            if where in self._spots:
                return self._spots[where]
            for path, spot in self._spots.items():  # a dotted key or sub-table below it
                if path[: len(where)] == where:
                    return spot
            where = where[:-1]
        return 0, 0

    def _pos(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1

    def _peek(self) -> str:
        return self._s[self._i] if self._i < len(self._s) else ""

    def _skip(self, newlines: bool) -> None:
        """Skip blanks and comments, and line breaks too when `newlines`."""
        while self._i < len(self._s):
            ch = self._s[self._i]
            if ch in " \t" or (newlines and ch in "\r\n"):
                self._i += 1
            elif ch == "#":
                end = self._s.find("\n", self._i)
                self._i = len(self._s) if end < 0 else end
            else:
                return

    def _scan(self) -> None:
        table: Where = ()
        while True:
            self._skip(newlines=True)
            start = self._i
            if start >= len(self._s):
                return
            if self._peek() == "[":
                table = self._header()
            else:
                self._keyval(table)
            end = self._s.find("\n", self._i)  # the rest of the line is blank or a comment
            self._i = max(start + 1, len(self._s) if end < 0 else end + 1)

    def _header(self) -> Where:
        start = self._i
        array = self._s.startswith("[[", start)
        self._i += 2 if array else 1
        parts = self._key()
        if not array:
            where = self._resolve(parts)
            self._spots.setdefault(where, (start, start))
            return where
        base = (*self._resolve(parts[:-1]), *parts[-1:])
        index = self._aot.get(base, 0)
        self._aot[base] = index + 1
        self._spots.setdefault(base, (start, start))
        self._spots[(*base, index)] = (start, start)
        return (*base, index)

    def _resolve(self, parts: list[str]) -> Where:
        """A dotted header path, with the current index after each [[array]] name."""
        out: list[str | int] = []
        for part in parts:
            out.append(part)
            if tuple(out) in self._aot:
                out.append(self._aot[tuple(out)] - 1)
        return tuple(out)

    def _key(self) -> list[str]:
        parts: list[str] = []
        while True:
            self._skip(newlines=False)
            if self._peek() in ("\"", "'"):
                start = self._i
                self._string()
                parts.append(tomllib.loads(f"k = {self._s[start:self._i]}")["k"])
            else:
                bare = _BARE_KEY.match(self._s, self._i)
                if not bare:
                    return parts
                parts.append(bare.group())
                self._i = bare.end()
            self._skip(newlines=False)
            if self._peek() != ".":
                return parts
            self._i += 1

    def _keyval(self, base: Where) -> None:
        start = self._i
        parts = self._key()
        self._skip(newlines=False)
        if not parts or self._peek() != "=":
            return
        self._i += 1
        self._skip(newlines=False)
        where = (*base, *parts)
        self._spots.setdefault(where, (start, self._i))
        self._value(where)

    def _value(self, where: Where) -> None:
        ch = self._peek()
        if ch in ("\"", "'"):
            self._string()
        elif ch in ("[", "{"):
            close = "]" if ch == "[" else "}"
            self._i += 1
            index = 0
            while True:
                self._skip(newlines=True)
                ch = self._peek()
                before = self._i
                if ch in (close, ""):
                    self._i += 1
                    return
                if ch == ",":
                    self._i += 1
                elif close == "}":
                    self._keyval(where)
                else:
                    self._spots.setdefault((*where, index), (before, before))
                    self._value((*where, index))
                    index += 1
                self._i = max(self._i, before + 1)
        else:
            scalar = _SCALAR.match(self._s, self._i)
            self._i = max(self._i + 1, scalar.end() if scalar else 0)

    def _string(self) -> None:
        s, i = self._s, self._i
        quote = s[i]
        escapes = quote == '"'
        if s.startswith(quote * 3, i):
            j = i + 3
            while j < len(s) and not s.startswith(quote * 3, j):
                j += 2 if escapes and s[j] == "\\" else 1
            j += 3
            for _ in range(2):  # up to two quotes may end the content itself
                if j < len(s) and s[j] == quote:
                    j += 1
            self._i = j
            return
        j = i + 1
        while j < len(s) and s[j] not in (quote, "\n"):
            j += 2 if escapes and s[j] == "\\" else 1
        self._i = j + 1

