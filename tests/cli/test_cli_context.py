"""How a command's async work is run: what ``CliContext.run`` hands back, and what it never does."""

from __future__ import annotations

from vm_tui.api import PhoneIncClient
from vm_tui.cli.context import CliContext

KEY = "phk_" + "a" * 28


class Watched:
    """A result that counts how often something asked for its repr."""

    reprs = 0

    def __repr__(self) -> str:
        Watched.reprs += 1
        return "Watched()"


def test_the_work_s_result_is_handed_back_without_anyone_formatting_it() -> None:
    # Leaving asyncio.run restores SIGINT's handler; Python 3.11 then formats the repr of the
    # handler it replaced, which holds the main task and its result. For `vm-tui list` that was
    # a repr of the whole inbox: ~170 ms at 10,000 voicemails, a string as long as the inbox.
    async def work(client: PhoneIncClient) -> Watched:
        return Watched()

    context = CliContext()
    context.base_url = "http://127.0.0.1:9/api/v1"  # no request is made
    Watched.reprs = 0

    result = context.run(work, key=KEY)

    assert isinstance(result, Watched)
    assert Watched.reprs == 0
