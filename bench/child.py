"""``python -m bench.child JOB JSON_ARGS``: run one job in a fresh process, print its result.

The job module is imported by name, so a child pays only for what its job imports (the
bare-app baseline never imports vm_tui).
"""

from __future__ import annotations

import importlib
import json
import sys
from typing import Any

RESULT_PREFIX = "BENCH-RESULT "

JOBS = {
    "first_paint": "bench.jobs.first_paint",
    "bare_paint": "bench.jobs.bare_paint",
    "polls": "bench.jobs.polls",
    "play": "bench.jobs.play",
    "cursor": "bench.jobs.cursor",
    "bare_cursor": "bench.jobs.bare_cursor",
    "churn": "bench.jobs.churn",
    "long_rest": "bench.jobs.long_rest",
    "long_play": "bench.jobs.long_play",
    "play_rss": "bench.jobs.play_rss",
    "huge_text": "bench.jobs.huge_text",
    "mark_all": "bench.jobs.mark_all",
}


def main() -> int:
    job, raw = sys.argv[1], sys.argv[2]
    module = importlib.import_module(JOBS[job])
    result: dict[str, Any] = module.run(json.loads(raw))
    print(RESULT_PREFIX + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
