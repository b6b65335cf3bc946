"""Where an uploaded import file waits between its preview and the confirmation.

django-import-export's default keeps it in the temporary folder and, on confirmation, opens
whatever file name the form posts back, then deletes it. Here the file lives in the cache
(Redis in production, shared by every worker) under a random key, and the name the form
carries is that key signed with the secret key: a confirmation naming anything else — a path,
another key, a tampered signature — reads nothing and deletes nothing. An abandoned preview
expires from the cache after `IMPORT_PREVIEW_SECONDS` (one hour by default).
"""

import uuid

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from import_export.tmp_storages import BaseStorage

SALT = "catalog.import-preview"
PREFIX = "import-preview:"


class SignedCacheStorage(BaseStorage):
    def _key(self):
        """The cache key for this storage's name, or None when the name was not issued here."""
        if not self.name:
            return None
        try:
            token = signing.loads(self.name, salt=SALT, max_age=settings.IMPORT_PREVIEW_SECONDS)
        except signing.BadSignature:
            return None
        return PREFIX + token if isinstance(token, str) else None

    def save(self, data):
        if self._key() is None:
            self.name = signing.dumps(uuid.uuid4().hex, salt=SALT)
        cache.set(self._key(), data, timeout=settings.IMPORT_PREVIEW_SECONDS)

    def read(self):
        key = self._key()
        if key is None:
            raise FileNotFoundError("unknown import preview")
        data = cache.get(key)
        if data is None:
            raise FileNotFoundError("the import preview has expired")
        return data

    def remove(self):
        key = self._key()
        if key is not None:
            cache.delete(key)
