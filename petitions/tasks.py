"""Background jobs of the petitions app: importing a large XLSX of petitions."""

from __future__ import annotations

import logging

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction

from dialogue.models import User
from petitions import importing
from petitions.models import PetitionImport

logger = logging.getLogger(__name__)


@shared_task(acks_late=True)
def petition_import_task(import_id: int, actor_id: int | None) -> int:
    """Import the file of `import_id` in one transaction. Safe to run twice or after a kill:
    the import row is locked and a file already imported creates nothing (the killed run's
    transaction rolled back, so the next delivery starts again from the first row)."""
    petition_import = PetitionImport.objects.filter(pk=import_id).first()
    if petition_import is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    try:
        return importing.petition_import_apply(actor=actor, petition_import=petition_import)
    except ValidationError as error:
        with transaction.atomic():
            PetitionImport.objects.filter(pk=import_id).exclude(
                status=PetitionImport.Status.IMPORTED
            ).update(status=PetitionImport.Status.FAILED, error="\n".join(error.messages))
        logger.info("petition import %s refused: %s", import_id, error.messages)
        return 0
