"""Personal data of the certificates app: see ``lms.personal_data``."""

from lms.personal_data import WHO_DID_IT, Erase, PersonalData, declare


def _certificates_erase(user) -> int:
    from .services import certificates_erase_for_person

    return certificates_erase_for_person(user=user)


D, E = PersonalData, Erase

declare(
    D(
        "certificates.Certificate",
        "user",
        E.ANONYMISE,
        "Rows stay so that serial numbers have "
        "no gaps and counts per course hold; name, reasons and PDF go and verification answers "
        "'no longer available' (certificates_erase_for_person).",
        export=(
            "serial",
            "code",
            "status",
            "learner_name",
            "course_title",
            "issued_on",
            "valid_until",
            "pdf",
            "revoked_at",
            "revocation_reason",
            "corrected_at",
            "correction_reason",
            "erased_at",
        ),
        handler=_certificates_erase,
        order=5,
    ),
    D("certificates.Certificate", "revoked_by", E.DETACH, WHO_DID_IT),
    D("certificates.Certificate", "corrected_by", E.DETACH, WHO_DID_IT),
    D("certificates.Certificate", "correction_proposed_by", E.DETACH, WHO_DID_IT),
    D(
        "certificates.CertificateExport",
        "requested_by",
        E.DELETE,
        "ZIP exports the person requested; row and file go.",
        export=("organisation", "status", "created_at"),
    ),
)
