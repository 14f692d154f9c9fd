"""get_FOO_display from labels kept per field and language (dialogue.models.CachedChoiceLabels):
the same text as Django's, in the language active at the call."""

from django.utils import translation

from followups.models import Assignment
from petitions.models import Petition
from sessions.models import DialogueSession


def test_labels_are_djangos_in_the_active_language():
    petition = Petition(status=Petition.Status.RECEIVED, scope=Petition.Scope.COMPLAINT)
    for language in ("vi", "en", "vi"):
        with translation.override(language):
            for field in ("status", "scope", "source", "competence"):
                expected = str(
                    dict(Petition._meta.get_field(field).flatchoices).get(
                        getattr(petition, field), getattr(petition, field)
                    )
                )
                assert getattr(petition, f"get_{field}_display")() == expected
    with translation.override("vi"):
        vietnamese = petition.get_status_display()
    with translation.override("en"):
        assert petition.get_status_display() != vietnamese


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Petition(status="no-such-status").get_status_display() == "no-such-status"
    assert Assignment(status="x").get_status_display() == "x"


def test_every_list_model_keeps_its_labels():
    for model in (Petition, Assignment, DialogueSession):
        assert model._get_FIELD_display.__qualname__ == "CachedChoiceLabels._get_FIELD_display"
