/*
 * The C API of hcard.h through the installed header and library: citizen IDs, QR codes issued
 * and verified with trust and revocation lists, health codes, the EMPI index, buffer sizing,
 * the per-thread error message. Scripts/test-capi.sh prepares DIR with the hcard CLI:
 *   DIR/issuer.key  DIR/trust.json  DIR/revoked.json (card REVOKED1)  DIR/health-code.txt
 *   DIR/empi.sqlite (Fixtures/empi/people.csv ingested; domains hosp-a, citizen-id)
 *
 *   capi_modern DIR
 */
#include <hcard.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures = 0, checks = 0;
#define CHECK(condition)                                                                                  \
    do {                                                                                                  \
        checks++;                                                                                         \
        if (!(condition)) {                                                                               \
            fprintf(stderr, "%s:%d: %s failed (last error: %s)\n", __FILE__, __LINE__, #condition, hcard_last_error()); \
            failures++;                                                                                   \
        }                                                                                                 \
    } while (0)

static char directory[1024];
static const char *path(const char *name) {
    static char buffers[8][1200];
    static int next = 0;
    char *buffer = buffers[next++ % 8];
    snprintf(buffer, sizeof buffers[0], "%s/%s", directory, name);
    return buffer;
}

static void slurp(const char *file, char *buffer, size_t size) {
    FILE *f = fopen(file, "rb");
    if (!f) { perror(file); exit(1); }
    size_t n = fread(buffer, 1, size - 1, f);
    fclose(f);
    while (n > 0 && (buffer[n - 1] == '\n' || buffer[n - 1] == '\r')) n--;
    buffer[n] = 0;
}

/* Each thread checks IDs and fails on purpose; its message must be its own. */
static void *worker(void *argument) {
    long n = (long)argument;
    char report[4096];
    size_t length = 0;
    int valid = -1;
    for (int i = 0; i < 50; i++) {
        if (hcard_citizen_id_check("11010519491231002X", 18, &valid, report, sizeof report, &length) != HCARD_OK || valid != 1)
            return (void *)1;
    }
    if (n % 2 == 1) {
        if (hcard_citizen_id_check(NULL, 5, &valid, NULL, 0, NULL) != HCARD_E_INVALID) return (void *)1;
        if (strstr(hcard_last_error(), "id is NULL") == NULL) return (void *)1;
    } else if (strcmp(hcard_last_error(), "") != 0) {
        return (void *)1;
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: capi_modern DIR\n"); return 64; }
    snprintf(directory, sizeof directory, "%s", argv[1]);
    char report[16384], code[1024];
    size_t length = 0;
    int valid = -1;

    const char *version = hcard_version();
    int major = -1, minor = -1, patch = -1;
    CHECK(sscanf(version, "%d.%d.%d", &major, &minor, &patch) == 3 && major >= 1);
    CHECK(strcmp(hcard_last_error(), "") == 0);

    /* Citizen IDs. */
    CHECK(hcard_citizen_id_check("11010519491231002X", 18, &valid, report, sizeof report, &length) == HCARD_OK);
    CHECK(valid == 1 && length == strlen(report) && strstr(report, "\"birthDate\"") && strstr(report, "1949-12-31"));
    CHECK(hcard_citizen_id_check("110105194912310021", 18, &valid, NULL, 0, NULL) == HCARD_OK && valid == 0);
    CHECK(hcard_citizen_id_check("11010519491231002X", 18, &valid, report, 10, &length) == HCARD_E_BUFFER && length > 10);
    CHECK(hcard_citizen_id_check("\xff\xfe", 2, &valid, NULL, 0, NULL) == HCARD_E_INVALID);
    CHECK(strstr(hcard_last_error(), "not UTF-8") != NULL);

    /* QR codes: issue static and dynamic, verify, tamper, revoke. */
    hcard_verifier *verifier = NULL, *revoking = NULL;
    hcard_issuer *issuer = NULL;
    const char *trust = path("trust.json"), *revoked = path("revoked.json"), *key = path("issuer.key");
    CHECK(hcard_verifier_open(trust, strlen(trust), NULL, 0, &verifier) == HCARD_OK && verifier);
    CHECK(hcard_verifier_open(trust, strlen(trust), revoked, strlen(revoked), &revoking) == HCARD_OK && revoking);
    CHECK(hcard_verifier_open("/nonexistent/trust.json", 23, NULL, 0, &verifier) == HCARD_E_IO);
    CHECK(hcard_issuer_open(key, strlen(key), &issuer) == HCARD_OK && issuer);
    CHECK(hcard_qr_issue(issuer, "26B5A1FE56681", 13, 0, code, sizeof code, &length) == HCARD_OK);
    CHECK(strncmp(code, "HCK1-", 5) == 0 && length == strlen(code));
    CHECK(hcard_qr_verify(verifier, code, length, 0, &valid, report, sizeof report, &length) == HCARD_OK && valid == 1);
    CHECK(strstr(report, "\"valid\":true") != NULL);
    CHECK(hcard_qr_issue(issuer, "REVOKED1", 8, 300, code, sizeof code, &length) == HCARD_OK);
    CHECK(hcard_qr_verify(verifier, code, length, 0, &valid, report, sizeof report, &length) == HCARD_OK && valid == 1);
    CHECK(hcard_qr_verify(revoking, code, strlen(code), 0, &valid, report, sizeof report, &length) == HCARD_OK && valid == 0);
    CHECK(strstr(report, "revoked") != NULL);
    CHECK(hcard_qr_issue(issuer, "26B5A1FE56681", 13, 300, code, sizeof code, &length) == HCARD_OK);
    CHECK(hcard_qr_verify(verifier, code, length, (int64_t)time(NULL) + 3600, &valid, report, sizeof report, &length) == HCARD_OK);
    CHECK(valid == 0 && strstr(report, "expired") != NULL);
    code[10] = code[10] == 'A' ? 'B' : 'A';
    CHECK(hcard_qr_verify(verifier, code, strlen(code), 0, &valid, report, sizeof report, &length) == HCARD_OK && valid == 0);
    CHECK(hcard_qr_issue(issuer, "bad id!", 7, 0, code, sizeof code, &length) != HCARD_OK);
    CHECK(hcard_qr_issue(issuer, "26B5A1FE56681", 13, 70000, code, sizeof code, &length) == HCARD_E_INVALID);
    CHECK(hcard_qr_verify((hcard_verifier *)issuer, "x", 1, 0, &valid, report, sizeof report, &length) == HCARD_E_INVALID);

    /* Health codes. */
    char health[2048];
    slurp(path("health-code.txt"), health, sizeof health);
    CHECK(hcard_health_code_verify(verifier, health, strlen(health), 0, &valid, report, sizeof report, &length) == HCARD_OK);
    CHECK(valid == 1 && strstr(report, "\"valid\":true") && strstr(report, "\"colour\""));
    CHECK(hcard_health_code_verify(verifier, "HCC1-garbage", 12, 0, &valid, report, sizeof report, &length) == HCARD_OK);
    CHECK(valid == 0 && strstr(report, "\"valid\":false"));

    /* EMPI. */
    hcard_empi *empi = NULL;
    const char *database = path("empi.sqlite");
    CHECK(hcard_empi_open(database, strlen(database), &empi) == HCARD_OK && empi);
    CHECK(hcard_empi_query(empi, "hosp-a", 6, "H0001", 5, report, sizeof report, &length) == HCARD_OK);
    CHECK(strstr(report, "\"citizen-id\"") && strstr(report, "110105198503120012") && strstr(report, "H0002"));
    CHECK(hcard_empi_query(empi, "hosp-a", 6, "H9999", 5, report, sizeof report, &length) == HCARD_E_NOT_FOUND);
    CHECK(hcard_empi_query(empi, "nowhere", 7, "H0001", 5, report, sizeof report, &length) == HCARD_E_INVALID);
    const char *record = "{\"id\":\"Q1\",\"domain\":\"hosp-a\",\"fullName\":\"张伟\",\"birthDate\":\"1985-03-12\",\"sex\":\"1\","
                         "\"identifiers\":[{\"domain\":\"citizen-id\",\"value\":\"110105198503120012\",\"kind\":\"citizenID\"}],"
                         "\"addressLines\":[]}";
    CHECK(hcard_empi_match(empi, record, strlen(record), report, sizeof report, &length) == HCARD_OK);
    CHECK(strstr(report, "\"person\":1") != NULL);
    CHECK(hcard_empi_match(empi, "{", 1, report, sizeof report, &length) == HCARD_E_FORMAT);

    /* The per-thread message. */
    pthread_t threads[4];
    for (long i = 0; i < 4; i++) pthread_create(&threads[i], NULL, worker, (void *)i);
    for (int i = 0; i < 4; i++) {
        void *result = NULL;
        pthread_join(threads[i], &result);
        CHECK(result == NULL);
    }

    hcard_verifier_close(verifier);
    hcard_verifier_close(revoking);
    hcard_issuer_close(issuer);
    hcard_empi_close(empi);
    hcard_empi_close(NULL);
    if (failures == 0) printf("capi_modern: hcard %s, %d checks passed\n", version, checks);
    return failures == 0 ? 0 : 1;
}
