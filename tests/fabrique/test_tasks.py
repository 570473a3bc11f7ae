import time

import pytest
from django.core import mail
from django.db import transaction

from fabrique.core.emails import send_templated_email


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_email_sent_by_a_real_worker_through_redis(celery_worker):
    from fabrique.celery import app  # noqa: PLC0415

    assert app.conf.task_always_eager is False
    with transaction.atomic():
        send_templated_email("fabrique/emails/test", ["agent@fonction-publique.gouv.fr"], {"name": "Nadia"})
        assert mail.outbox == []  # nothing leaves before the commit
    result_deadline = 20
    # The worker thread shares this process's locmem outbox: wait for it to deliver.
    start = time.monotonic()
    while not mail.outbox and time.monotonic() - start < result_deadline:
        time.sleep(0.05)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["agent@fonction-publique.gouv.fr"]
    assert message.subject == "[Test] Bonjour Nadia"
    assert "Nadia" in message.body
    assert message.alternatives[0][1] == "text/html"


@pytest.mark.django_db(transaction=True)
def test_email_not_sent_when_transaction_rolls_back():
    class RollbackError(Exception):
        pass

    def change_then_fail():
        with transaction.atomic():
            send_templated_email(
                "fabrique/emails/test", ["agent@fonction-publique.gouv.fr"], {"name": "Nadia"}
            )
            raise RollbackError

    with pytest.raises(RollbackError):
        change_then_fail()
    assert mail.outbox == []
