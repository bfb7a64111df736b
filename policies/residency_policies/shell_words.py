"""How the pack lexes a shell line around its command substitutions (`$(...)`, backquotes).

A command substitution is part of the word it stands in (`s3://$BUCKET/customers/$(date +%F).dump` is one
destination; reviewer blind-k8s16 f08), and the command inside it is a command of its own, read after the
line's (whose first command and pipes stay as the line writes them). The lexer (`shlex`, with the shell's
punctuation) would end the word, and the command, at the `(`; so each substitution outside single quotes is
set aside before the line is lexed, and put back into its word after.
"""

from __future__ import annotations

import re

_PLACEHOLDER = re.compile("\x00(\\d+)\x00")
"""What stands for a substitution while the line is lexed (no shell text holds a NUL)."""


def set_aside(line: str) -> tuple[str, list[str], list[str]]:
    """The line with each command substitution outside single quotes replaced by a placeholder, the
    substitutions as written, and the command lines inside them (in the order they run). An unterminated
    substitution is left as it is."""
    written: list[str] = []
    inner: list[str] = []
    out: list[str] = []
    position = 0
    single = double = False
    while position < len(line):
        char = line[position]
        if char == "\\" and not single:
            out.append(line[position : position + 2])
            position += 2
            continue
        if char == "'" and not double:
            single = not single
        elif char == '"' and not single:
            double = not double
        elif not single and (line.startswith("$(", position) or char == "`"):
            end = _end_of(line, position)
            if end is not None:
                text = line[position:end]
                out.append(f"\x00{len(written)}\x00")
                written.append(text)
                inner.append(text[2:-1] if text.startswith("$(") else text[1:-1])
                position = end
                continue
        out.append(char)
        position += 1
    return "".join(out), written, inner


def _end_of(line: str, start: int) -> int | None:
    """Where the substitution that starts at `start` ends (after its closing parenthesis or backquote)."""
    if line[start] == "`":
        end = line.find("`", start + 1)
        return end + 1 if end > start else None
    depth = 0
    for position in range(start + 1, len(line)):
        if line[position] == "(":
            depth += 1
        elif line[position] == ")":
            depth -= 1
            if depth == 0:
                return position + 1
    return None


def put_back(word: str, written: list[str]) -> str:
    """A lexed word with the substitutions set aside in it written back."""
    if "\x00" not in word:
        return word
    return _PLACEHOLDER.sub(lambda m: written[int(m.group(1))], word)
