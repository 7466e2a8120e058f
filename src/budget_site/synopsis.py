"""README's command synopsis, made from the argument parser so it lists every
option of every command and cannot drift from it.

Regenerate after changing an option: ``.venv/bin/python -m budget_site.synopsis README.md``
(``tests/test_cli.py`` fails until it is done).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .cli import build_parser

BEGIN = "<!-- synopsis: made by `python -m budget_site.synopsis README.md` from the parser; do not edit -->"
END = "<!-- end of synopsis -->"


def _commands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(found.choices)


def _spelling(action: argparse.Action) -> str:
    if not action.option_strings:
        return action.metavar or action.dest.upper()
    name = max(action.option_strings, key=len)
    return name if action.nargs == 0 else f"{name} {action.metavar or action.dest.upper()}"


def _options(command: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in command._actions if not isinstance(a, argparse._HelpAction)]


def synopsis(parser: argparse.ArgumentParser | None = None) -> str:
    """Markdown: one usage line per command, then each command's options with their help."""
    parser = parser or build_parser()
    commands = _commands(parser)
    usage = []
    for name, command in commands.items():
        parts = [_spelling(a) if not a.option_strings or a.required else f"[{_spelling(a)}]"
                 for a in _options(command)]
        usage.append(" ".join([f".venv/bin/{parser.prog}", name, *parts]))
    rows = [f"| `{name}` | `{_spelling(a)}` | {a.help.replace('|', '&#124;')} |"
            for name, command in commands.items() for a in _options(command)]
    return "\n".join(["```sh", *usage, "```", "", "| command | option | meaning |", "|---|---|---|", *rows])


def replace_block(text: str, block: str) -> str:
    """``text`` with what lies between the markers replaced by ``block``."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + block + "\n" + text[end:]


def readme_block(text: str) -> str:
    """What lies between the markers of ``text``."""
    return text[text.index(BEGIN) + len(BEGIN):text.index(END)].strip("\n")


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [Path("README.md")]
    for path in paths:
        path.write_text(replace_block(path.read_text("utf-8"), synopsis()), encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
