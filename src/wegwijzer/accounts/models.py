from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A Wegwijzer user: a professional with a role code from the vocabulary, or staff.

    `role` holds a vocabulary role code (e.g. "verloskundige", "jgz") for professionals, or one of the
    staff roles below. Staff roles never see case content.
    """

    ROLE_CONTENT_EDITOR = "redacteur"
    ROLE_POLICY = "beleid"
    STAFF_ROLES = (ROLE_CONTENT_EDITOR, ROLE_POLICY)

    role = models.CharField(_("rol"), max_length=64, blank=True)
    # The social map organisation slug this professional acts on behalf of (validated in services).
    organisation_slug = models.CharField(_("organisatie"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    def __str__(self) -> str:
        return self.get_full_name() or self.username
