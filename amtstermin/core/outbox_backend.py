"""The task backend: django-tasks-db's, writing a task's row the way core/sql.py writes others.

The task table is the outbox (ADR 0003): a booking adds its mail's row in its own transaction.
The library creates that row through the ORM, whose compiling of the INSERT cost a booking
about a tenth of its time; the row written here is the same one (the library's pre_save
handler sets run_after alike), and inside a batch it joins the booking's other writes.
"""

from typing import Any

from django.utils import timezone
from django_tasks.signals import task_enqueued
from django_tasks_db import DatabaseBackend
from django_tasks_db.backend import TaskResult, normalize_json
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import normalize_uuid

from . import sql


class OutboxBackend(DatabaseBackend):
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._valid: set[tuple] = set()

    def validate_task(self, task: Any) -> None:
        """The library's checks, run once per kind of task: they read the function's signature
        each time (0.05 ms, and twice per enqueue). Only passes are remembered; whether a task
        passes depends on nothing but the parts of this key."""
        run_after = task.run_after
        key = (
            task.func,
            task.takes_context,
            task.priority,
            task.queue_name,
            run_after is None or timezone.is_aware(run_after),
            run_after is None,
        )
        if key not in self._valid:
            super().validate_task(task)
            self._valid.add(key)

    def enqueue(self, task: Any, args: Any, kwargs: Any) -> Any:
        """As the library's, with the result built from the `task` given: the library built it
        twice, each time importing the task again by its path and copying it (0.2 ms)."""
        self.validate_task(task)
        row = self._task_to_db_task(task, args, kwargs)
        result: TaskResult = TaskResult(
            db_result=row,
            task=task,
            id=normalize_uuid(row.id),
            status=TaskResultStatus.READY,
            enqueued_at=row.enqueued_at,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=row.args_kwargs["args"],
            kwargs=row.args_kwargs["kwargs"],
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        object.__setattr__(result, "_return_value", None)
        task_enqueued.send(type(self), task_result=result)
        return result

    def _task_to_db_task(self, task: Any, args: Any, kwargs: Any) -> DBTaskResult:
        row: DBTaskResult = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after or get_date_max(),
            backend_name=self.alias,
        )
        sql.execute(sql.insert(row))
        sql.filled(row, {})
        return row
