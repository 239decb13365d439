"""Where the tasks lived before they moved next to the code they run.

Task rows store the task's import path; rows a worker has not run yet when this version is
deployed still name `amtstermin.core.tasks.…` and must still run (the outbox loses nothing).
Nothing in the code imports this module.
"""

from .notifications.tasks import send_appointment_mail, send_online_request_mail
from .retention import purge_personal_data

__all__ = ["purge_personal_data", "send_appointment_mail", "send_online_request_mail"]
