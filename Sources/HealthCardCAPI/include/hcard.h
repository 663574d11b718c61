/*
 * hcard.h: HealthCardKit's C API for what the vendor reader DLL never had (citizen ID checks,
 * e-health-card QR codes, health codes, the EMPI index), in libhcard.so beside hcard_vendor.h.
 *
 * Conventions (Docs/c-api.md):
 *  - Text is UTF-8; every buffer has an explicit length; nothing is NUL-terminated unless said.
 *  - Functions return HCARD_OK (0) or a negative hcard_status; the message of the last failure
 *    on the calling thread is hcard_last_error().
 *  - Objects are opaque handles created by *_open and released by *_close.
 *  - Output: (buffer, cap, *len). *len is always set to the bytes the output needs; when cap is
 *    smaller, HCARD_E_BUFFER and nothing is written (call again with a larger buffer). A NUL is
 *    appended when there is room for it (not counted in *len).
 *  - Each function states its thread safety.
 */
#ifndef HCARD_H
#define HCARD_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#ifndef HCARD_API
#define HCARD_API __attribute__((visibility("default")))
#endif

typedef enum hcard_status {
    HCARD_OK = 0,
    HCARD_E_INVALID = -1,   /* an argument is wrong (NULL, bad UTF-8, out of range) */
    HCARD_E_BUFFER = -2,    /* the output buffer is too small; *written = bytes needed */
    HCARD_E_IO = -3,        /* a file could not be read or written */
    HCARD_E_FORMAT = -4,    /* a file or value does not parse */
    HCARD_E_NOT_FOUND = -5, /* the identifier is not in the index */
    HCARD_E_INTERNAL = -6
} hcard_status;

/* "MAJOR.MINOR.PATCH" in static storage. Thread-safe. */
HCARD_API const char *hcard_version(void);

/* The message of the last failed call (either header) on this thread, "" if none; valid until
 * the next failure on this thread. Thread-safe. */
HCARD_API const char *hcard_last_error(void);

/* ---- Citizen ID (GB 11643-1999) ---- */

/* Checks a citizen ID: format, check character, birth date, region (GB/T 2260). *valid = 1 or 0;
 * report = the validation as JSON (as `hcard id check --json`); pass report NULL and
 * report_cap 0 for the verdict alone. Thread-safe. */
HCARD_API int hcard_citizen_id_check(const char *id, size_t id_len, int *valid, char *report, size_t report_cap,
                                     size_t *report_len);

/* ---- Verifying codes offline: e-health-card QR codes (HCK1) and health codes (HCC1) ---- */

typedef struct hcard_verifier hcard_verifier;

/* Loads a trust list and, optionally, a revocation list (revoked_path NULL, length 0 = none).
 * The verifier is immutable: share it between threads. */
HCARD_API int hcard_verifier_open(const char *trust_path, size_t trust_path_len, const char *revoked_path,
                                  size_t revoked_path_len, hcard_verifier **verifier);
HCARD_API void hcard_verifier_close(hcard_verifier *verifier);

/* Verifies an HCK1 code at unix_time (0 = now): trust, signature, revocation, validity (no
 * replay cache). *valid = 1 or 0; report = the verdict as JSON (`hcard qr verify --json`).
 * Thread-safe. */
HCARD_API int hcard_qr_verify(hcard_verifier *verifier, const char *code, size_t code_len, int64_t unix_time,
                              int *valid, char *report, size_t report_cap, size_t *report_len);

/* Verifies an HCC1 health code (GB/T 38962) at unix_time (0 = now); report = the verdict as JSON
 * (valid, reason, message, code, issuer). Thread-safe. */
HCARD_API int hcard_health_code_verify(hcard_verifier *verifier, const char *code, size_t code_len,
                                       int64_t unix_time, int *valid, char *report, size_t report_cap,
                                       size_t *report_len);

/* ---- Issuing e-health-card QR codes ---- */

typedef struct hcard_issuer hcard_issuer;

/* Loads an SM2 private key file (`hcard keys generate`). Thread-safe. */
HCARD_API int hcard_issuer_open(const char *key_path, size_t key_path_len, hcard_issuer **issuer);
HCARD_API void hcard_issuer_close(hcard_issuer *issuer);

/* Issues a signed HCK1 code for card_id: static (window_seconds 0) or dynamic (1..65535 s).
 * Thread-safe. */
HCARD_API int hcard_qr_issue(hcard_issuer *issuer, const char *card_id, size_t card_id_len, uint32_t window_seconds,
                             char *code, size_t code_cap, size_t *code_len);

/* ---- EMPI: patient identity index (SQLite file of `hcard empi init`) ---- */

typedef struct hcard_empi hcard_empi;

/* Opens an index file read-only. Thread-safe; the handle may be shared between threads. */
HCARD_API int hcard_empi_open(const char *db_path, size_t db_path_len, hcard_empi **empi);
HCARD_API void hcard_empi_close(hcard_empi *empi);

/* PIX query: the person of (domain, id) and their identifiers in every domain, as JSON
 * (`hcard empi query --json`). HCARD_E_NOT_FOUND: not in the index; HCARD_E_INVALID: unknown
 * domain. Thread-safe. */
HCARD_API int hcard_empi_query(hcard_empi *empi, const char *domain, size_t domain_len, const char *id, size_t id_len,
                               char *answer, size_t answer_cap, size_t *answer_len);

/* Matches a PersonRecord (JSON, as `hcard empi match`) against the index without writing:
 * decision, candidates and explanation as JSON. Thread-safe. */
HCARD_API int hcard_empi_match(hcard_empi *empi, const char *record_json, size_t record_len, char *answer,
                               size_t answer_cap, size_t *answer_len);

#ifdef __cplusplus
}
#endif

#endif /* HCARD_H */
