"""Personal data: masking free text and keyed pseudonyms (spec §6, also the survey's OPEN answers).

* ``rules``: every masking rule, defined once (placeholders ``[email]``, ``[url]``, ``[handle]``,
  ``[iban]``, ``[telefoon]``, ``[bsn]``, ``[adres]``, ``[postcode]``, ``[nummer]``, ``[naam]``).
* ``masking``: the rules run set-based in DuckDB (``plain_sql``, ``mask_texts``) or in Python for
  one value (``mask_text``); ``checked``: phone numbers and the BSN 11-test, Python only.
* ``pseudonyms``: keyed HMAC pseudonyms of authors and their key.

docs/privacy.md says what personal data is kept where, and for how long.
"""

from orchestration.privacy.masking import (checked_trigger_sql, finish, mask_text, mask_texts, masked_sql,
                                           needs_masking, plain_sql, trigger_sql)
from orchestration.privacy.pseudonyms import (KEY_ENV, PSEUDONYM_CHARS, hmac_sql_parts,
                                              load_or_create_key, pseudonymise)
from orchestration.privacy.rules import MASK_TRIGGER, PLACEHOLDERS

__all__ = [
    "mask_text", "mask_texts", "needs_masking", "finish", "plain_sql", "trigger_sql", "masked_sql",
    "checked_trigger_sql", "pseudonymise", "load_or_create_key", "hmac_sql_parts", "MASK_TRIGGER",
    "PLACEHOLDERS", "KEY_ENV", "PSEUDONYM_CHARS",
]
