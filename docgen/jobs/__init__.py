"""The job queue: long work (bulk generation) runs in queue workers, not in web requests.

`queue` makes the huey instances from the configuration, `tasks` holds the task functions,
`state` the rules of a job's row (claim, heartbeat, recovery after a crash).
"""

from __future__ import annotations

from docgen.jobs.queue import JobQueue, Settings, current, init_app

__all__ = ["JobQueue", "Settings", "current", "init_app"]
