/*
 * read_card: what a HIS does at registration, through libhcard.so's vendor interface: open the
 * port, power the PSAM and verify its PIN, power the card, read the holder and the issuer data,
 * print them as UTF-8, close. Copy it as the start of a port from the Windows DLL.
 *
 *   gcc read_card.c $(pkg-config --cflags --libs hcard) -o read_card
 *   HCARD_TEXT=utf8 ./read_card [SAM-PIN]          (default PIN: the virtual SAM's 123456)
 *
 * Readers come from HCARD_READER / HCARD_SAM_READER or HCARD_CONFIG (Docs/c-api.md); with
 * `hcard emulate` running, the defaults find the virtual card and SAM.
 */
#include <hcard_vendor.h>
#include <stdio.h>

/* Prints the failure of a vendor call and returns its code. */
static int fail(const char *call, int code) {
    fprintf(stderr, "read_card: %s returned %d: %s\n", call, code, hcard_last_error());
    iDClosePort();
    return code;
}

int main(int argc, char **argv) {
    const char *pin = argc > 1 ? argv[1] : "123456";
    char atr[64];
    int code;

    if ((code = iDOpenPort()) != IRV_OK) return fail("iDOpenPort", code);
    if ((code = PowerOn(NULL, SLOT_PSAM, atr)) != IRV_OK) return fail("PowerOn(PSAM)", code);
    if ((code = iVerifyPIN(NULL, (char *)pin)) != IRV_OK) return fail("iVerifyPIN", code);
    if ((code = PowerOn(NULL, SLOT_USER, atr)) != IRV_OK) return fail("PowerOn(USER)", code);
    printf("card ATR     %s\n", atr);

    /* Buffer sizes as in hcard_vendor.h (vendor-interface.md §4). */
    char name[61], sex[3], nation[3], birth[9], id[37];
    if ((code = iR_DDF1EF06Info(NULL, name, sex, nation, birth, id)) != IRV_OK) return fail("iR_DDF1EF06Info", code);
    printf("name         %s\nsex          %s\nethnicity    %s\nbirth date   %s\nID number    %s\n", name, sex, nation,
           birth, id);

    char number[37], city[7];
    if ((code = iR_DDF1EF05Info(NULL, NULL, NULL, NULL, NULL, NULL, NULL, number, NULL, NULL, city)) != IRV_OK)
        return fail("iR_DDF1EF05Info", code);
    printf("card number  %s\ncity code    %s\n", number, city);

    char inpatient[3][3], outpatient[5][3];
    if ((code = iR_DF03EF05Info(NULL, inpatient[0], inpatient[1], inpatient[2])) != IRV_OK)
        return fail("iR_DF03EF05Info", code);
    if ((code = iR_DF03EF06Info(NULL, outpatient[0], outpatient[1], outpatient[2], outpatient[3], outpatient[4])) != IRV_OK)
        return fail("iR_DF03EF06Info", code);
    printf("inpatient    %s %s %s\noutpatient   %s %s %s %s %s\n", inpatient[0], inpatient[1], inpatient[2], outpatient[0],
           outpatient[1], outpatient[2], outpatient[3], outpatient[4]);

    iDClosePort();
    return 0;
}
