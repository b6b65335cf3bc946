"""The task backends tests run with (settings.TASKS values)."""

# Tasks run where they are enqueued, after the commit (the suite's default, tests/conftest.py).
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tasks wait in the database for `manage.py db_worker` (tests of the worker and of what is queued).
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
