"""How a service asks for background work without importing its Celery task (tasks import services).

A service declares the job it needs and queues it after commit:

    RENDER = Job("ateliers.render_livret")
    RENDER.enqueue_on_commit(livret_pk=livret.pk)

and the app's `tasks` module, imported by the app's `ready()` in every process, binds the Celery task:

    @shared_task(name="ateliers.render_livret", ...)
    def render_livret(*, livret_pk): ...
    services.livret.RENDER.bind(render_livret)

One pattern for every app: no lookup of a task by its name, no import inside a function.
"""

from django.db import transaction


class Job:
    """A unit of background work a service may queue; the task module binds the task that runs it."""

    def __init__(self, name):
        self.name = name
        self.task = None

    def __repr__(self):
        return f"Job({self.name!r})"

    def bind(self, task):
        """Attach the Celery task that runs this job (called once, by the app's tasks module)."""
        if task.name != self.name:
            raise ValueError(f"{task.name} cannot run the job {self.name}")
        self.task = task
        return task

    def enqueue(self, **kwargs):
        """Queue the job now (the caller has committed, or there is no transaction)."""
        if self.task is None:
            raise RuntimeError(
                f"No task is bound to the job {self.name}: is its app's tasks module imported?"
            )
        return self.task.delay(**kwargs)

    def enqueue_on_commit(self, **kwargs):
        """Queue the job once the current transaction commits; a rolled-back change queues nothing."""
        transaction.on_commit(lambda: self.enqueue(**kwargs))
