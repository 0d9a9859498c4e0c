"""Every command says what it does in --help and is documented in the README (as sqlite-utils checks its docs).

Each sub-command's --help must open with a description (a real docstring, not one built at run
time), and the README must show `graphbuild NAME` (in a code span or a code block) and every
option the command has.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graphbuild.cli.main import cli

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_there_are_commands() -> None:
    assert {"extract", "build", "cites", "sparql", "serve"} <= set(COMMANDS)


@pytest.mark.parametrize("name", COMMANDS)
def test_command_help_has_a_description(name: str) -> None:
    command = cli.commands[name]
    assert command.help and command.help.strip(), f"graphbuild {name} has no docstring"
    result = CliRunner().invoke(cli, [name, "--help"])
    assert result.exit_code == 0, result.output
    usage, _, rest = result.output.partition("\n\n")
    assert usage.startswith("Usage: ") and rest.strip().split()[0] != "Options:", result.output
    first_line = command.help.strip().splitlines()[0].strip()
    assert first_line.split()[0] in rest


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_documented_in_the_readme(name: str) -> None:
    shown = re.search(rf"(^|`)graphbuild {name}\b", README, re.M)  # a code span, or a line of a code block
    assert shown, f"README.md never shows `graphbuild {name}`"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_option_is_documented_in_the_readme(name: str) -> None:
    missing = []
    for param in cli.commands[name].params:
        if isinstance(param, click.Option) and not param.hidden:
            longest = max(param.opts, key=len)
            if longest == "--help":
                continue
            if not re.search(rf"{re.escape(longest)}\b", README):
                missing.append(longest)
    assert not missing, f"graphbuild {name}: options not in README.md: {missing}"
