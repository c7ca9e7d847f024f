"""``vm-tui completion SHELL``: the shell completion script."""

from __future__ import annotations

import click


@click.command("completion")
@click.argument("shell", type=click.Choice(["bash", "zsh", "fish"]))
def completion_command(shell: str) -> None:
    """Print the shell completion script for SHELL.

    \b
    bash: eval "$(vm-tui completion bash)"    (in ~/.bashrc)
    zsh:  eval "$(vm-tui completion zsh)"     (in ~/.zshrc)
    fish: vm-tui completion fish > ~/.config/fish/completions/vm-tui.fish
    """
    from click.shell_completion import get_completion_class

    from vm_tui.cli.root import cli

    completion_class = get_completion_class(shell)
    assert completion_class is not None  # the Choice allows only shells click knows
    script = completion_class(cli, {}, "vm-tui", "_VM_TUI_COMPLETE").source()
    click.echo(script)
