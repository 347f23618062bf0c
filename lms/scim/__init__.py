"""SCIM 2.0 (RFC 7643/7644) for municipal directories: ``/scim/v2/Users`` and ``/Groups``.

The protocol comes from libraries: ``scim2-models`` validates and serialises resources, applies
PATCH operations and renders RFC 7644 error bodies; ``scim2-filter-parser`` turns filters into
Django ``Q`` objects. This package only maps those resources onto the platform's people
(``resources``), scopes everything to the token's organisation subtree (``scope``) and answers
HTTP (``views``); every write goes through ``lms.services.scim``.
"""
