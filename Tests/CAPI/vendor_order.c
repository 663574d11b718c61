/*
 * The vendor call order through libhcard.so, as a HIS would make it (vendor-interface.md §2):
 * open, power on the SAM, verify the PIN, power on the card, the SAM services, write every
 * writable file, write an outpatient and an inpatient record, read every file function back,
 * erase, close. Prints `name<TAB>value` lines (text in the bytes the API returns) for
 * Tests/CAPI/compare.py, which checks them against `hcard read --json`.
 *
 *   vendor_order OUTPATIENT.txt INPATIENT.txt   (the |-separated records to write)
 *
 * Exits 1 at the first unexpected return code, naming the function and hcard_last_error().
 */
#include <hcard.h>
#include <hcard_vendor.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

static void expect(const char *what, long got, long wanted) {
    if (got != wanted) {
        fprintf(stderr, "%s returned %ld, expected %ld: %s\n", what, got, wanted, hcard_last_error());
        failures++;
        exit(1);
    }
}

static void put(const char *name, const char *value) { printf("%s\t%s\n", name, value); }

static void put_hex(const char *name, const unsigned char *bytes, int count) {
    printf("%s\t", name);
    for (int i = 0; i < count; i++) printf("%02X", bytes[i]);
    printf("\n");
}

static char *slurp(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) { perror(path); exit(1); }
    static char buffers[2][8192];
    static int next = 0;
    char *buffer = buffers[next++];
    size_t n = fread(buffer, 1, 8191, file);
    buffer[n] = 0;
    if (n > 0 && buffer[n - 1] == '\n') buffer[n - 1] = 0;
    fclose(file);
    return buffer;
}

int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: vendor_order OUTPATIENT.txt INPATIENT.txt\n"); return 64; }
    char *outpatient = slurp(argv[1]);
    char *inpatient = slurp(argv[2]);
    const char *slot_text = getenv("HCARD_PSAM_SLOT");
    int psam = slot_text ? (int)strtol(slot_text, NULL, 0) : SLOT_PSAM;
    char atr[64], b[64][512];
    HANDLE h = NULL;

    put("version", hcard_version());
    expect("iDOpenPort", iDOpenPort(), IRV_OK);
    expect("PowerOn(PSAM)", PowerOn(h, psam, atr), IRV_OK);
    put("samATR", atr);
    expect("PowerOn(0x42)", PowerOn(h, 0x42, atr), IRV_PARA_ERR);
    expect("iVerifyPIN(odd)", iVerifyPIN(h, "12345"), IRV_PARA_ERR);
    expect("iVerifyPIN", iVerifyPIN(h, "123456"), IRV_OK);
    expect("PowerOn(USER)", PowerOn(h, SLOT_USER, atr), IRV_OK);
    put("cardATR", atr);

    /* SAM services */
    char info[256];
    expect("iReader_SAM_Public", iReader_SAM_Public(0, info), IRV_OK); put("samPublic", info);
    expect("iReader_SAM_Terminal", iReader_SAM_Terminal(0, info), IRV_OK); put("samTerminal", info);
    expect("iReader_SAM_PublicApp", iReader_SAM_PublicApp(0, info), IRV_OK); put("samPublicApp", info);
    expect("iReader_SAM_OrgCertificate", iReader_SAM_OrgCertificate(0, info), IRV_OK);
    put_hex("samOrgCertificate", (unsigned char *)info, 180);
    expect("iReader_SAM_Certificate", iReader_SAM_Certificate(0, info), IRV_OK);
    put_hex("samCertificate", (unsigned char *)info, 190);
    unsigned char hash[32], hashLength = 32, signature[64], signatureLength = 64;
    expect("SM3Digest", SM3Digest(h, (BYTE *)"abc", 3, hash, &hashLength), 0);
    put_hex("sm3abc", hash, hashLength);
    expect("SM2SignHash", SM2SignHash(h, hash, 32, signature, &signatureLength), 0);
    printf("sm2SignatureLength\t%d\n", signatureLength);

    /* SendAPDU to the card and to the SAM: data + SW, *pnRes without the SW */
    unsigned char select_ddf1[] = {0x00, 0xA4, 0x00, 0x00, 0x02, 0xDD, 0xF1};
    unsigned char response[258];
    int responseLength = 0;
    expect("SendAPDU(card)", (long)SendAPDU(h, SLOT_USER, select_ddf1, sizeof select_ddf1, response, &responseLength), 0);
    put_hex("apduCard", response, responseLength + 2);
    unsigned char select_mf[] = {0x00, 0xA4, 0x00, 0x00, 0x02, 0x3F, 0x00};
    expect("SendAPDU(SAM)", (long)SendAPDU(h, (unsigned char)psam, select_mf, sizeof select_mf, response, &responseLength), 0);
    put_hex("apduSAM", response, responseLength + 2);

    /* Writes: personalisation-only files are refused, everything else is written. */
    expect("iW_DDF1EF05Info", iW_DDF1EF05Info(h, "2", NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL), IRV_WR_RCDERR);
    expect("iW_DDF1EF06Info", iW_DDF1EF06Info(h, NULL, NULL, NULL, NULL, "110105194912310021"), IRV_WR_RCDERR);
    expect("iW_DDF1EF08Info(bad cn)", iW_DDF1EF08Info(h, "2030123X", NULL, NULL, NULL, NULL, NULL), IRV_PARA_ERR);
    expect("iW_DDF1EF08Info", iW_DDF1EF08Info(h, "20301231", "13800138000", "010-65295114", "01", NULL, "03"), IRV_OK);
    /* 北京市东城区 / 上海市 in GBK */
    expect("iW_DF01EF05Info", iW_DF01EF05Info(h, "1", "\xb1\xb1\xbe\xa9\xca\xd0\xb6\xab\xb3\xc7\xc7\xf8", "2",
                                              "\xc9\xcf\xba\xa3\xca\xd0"), IRV_OK);
    /* 李四 spouse */
    expect("iW_DF01EF06Info", iW_DF01EF06Info(h, "\xc0\xee\xcb\xc4", "10", "13900139000", NULL, NULL, NULL, NULL, NULL, NULL), IRV_OK);
    expect("iW_DF01EF07Info", iW_DF01EF07Info(h, "10", "20", "X01"), IRV_OK);
    expect("iW_DF01EF08Info", iW_DF01EF08Info(h, "01", "11010519491231002X", "HR2026000000001", ""), IRV_OK);
    expect("iW_DF02EF05Info", iW_DF02EF05Info(h, "03", "1F", "01", "00", NULL, NULL, NULL, "01", NULL, NULL, NULL, NULL,
                                              NULL, NULL, "\xc7\xe0\xc3\xb9\xcb\xd8"), IRV_OK); /* 青霉素 */
    expect("iW_DF02EF06Info", iW_DF02EF06Info(h, "00"), IRV_OK);
    expect("iW_DF02EF07Info", iW_DF02EF07Info(h, "\xc7\xe0\xc3\xb9\xcb\xd8", "\xc6\xa4\xd5\xee"), IRV_OK); /* 青霉素 皮疹 */
    expect("iW_DF02EF08Info", iW_DF02EF08Info(h, "\xd2\xd2\xb8\xce\xd2\xdf\xc3\xe7", "20200506"), IRV_OK); /* 乙肝疫苗 */
    unsigned char photo[3072] = {0, 6, 0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xD9};
    expect("iW_DDF1EF07Info", iW_DDF1EF07Info(h, photo), IRV_OK);
    photo[0] = 0x0C; /* 3072 + 2 > 3072 */
    expect("iW_DDF1EF07Info(too long)", iW_DDF1EF07Info(h, photo), IRV_DDF1EF07_DATAERR);

    /* Encounters: data area, then the index as the commit point. */
    expect("iW_DF03ED_ALLInfo", iW_DF03ED_ALLInfo(h, 1, outpatient), IRV_OK);
    expect("iW_DF03EF06Info", iW_DF03EF06Info(h, 1), IRV_OK);
    expect("iW_DF03EE_ALLInfo", iW_DF03EE_ALLInfo(h, 1, inpatient), IRV_OK);
    expect("iW_DF03EF05Info", iW_DF03EF05Info(h, 1), IRV_OK);
    expect("iW_DF03EF05Info(4)", iW_DF03EF05Info(h, 4), IRV_PARA_ERR);
    /* A second outpatient slot written positionally, then erased again. */
    expect("iW_DF03EDInfo(AN)", iW_DF03EDInfo(h, 2, "\xd0\xad\xba\xcd", 0, 4, AN_style), IRV_OK); /* 协和 */
    expect("iW_DF03EDInfo(CN)", iW_DF03EDInfo(h, 2, "20261122", 80, 4, CN_style), IRV_OK);
    expect("iW_DF03EF06Info(2)", iW_DF03EF06Info(h, 2), IRV_OK);
    expect("iR_DF03EDInfo(AN)", iR_DF03EDInfo(h, 2, b[0], 0, 4, AN_style), IRV_OK); put("ed2.an", b[0]);
    expect("iR_DF03EDInfo(CN)", iR_DF03EDInfo(h, 2, b[0], 80, 4, CN_style), IRV_OK); put("ed2.cn", b[0]);
    expect("iR_DF03EDInfo(B)", iR_DF03EDInfo(h, 2, b[0], 80, 4, B_style), IRV_OK); put("ed2.b", b[0]);
    expect("iR_DF03EDInfo(range)", iR_DF03EDInfo(h, 2, b[0], 3000, 14, B_style), IRV_PARA_ERR);
    expect("iErase_DF03EF06Info", iErase_DF03EF06Info(h, 2), IRV_OK);
    expect("iW_DF03EEInfo(B)", iW_DF03EEInfo(h, 2, "01", 1066, 1, B_style), IRV_OK);
    expect("iR_DF03EEInfo(NO)", iR_DF03EEInfo(h, 2, b[0], 1066, 1, NO_style), IRV_OK); put("ee2.no", b[0]);
    expect("iErase_DF03EF05Info", iErase_DF03EF05Info(h, 2), IRV_OK);

    /* The item-number interface (§6): a put, then gets of items from every kind of file. */
    uint32_t errors[8] = {0};
    ITEMSELECT put_items[] = {{16, 1, "13700137000", 12, &errors[0]}};
    expect("wsc_PutCardInfo", (long)wsc_PutCardInfo(h, put_items, 1), IRV_OK);
    static char values[8][512];
    ITEMSELECT get_items[] = {
        {11, 1, values[0], 512, &errors[0]}, {15, 1, values[1], 512, &errors[1]}, {57, 1, values[2], 512, &errors[2]},
        {16, 1, values[3], 512, &errors[3]}, {58, 1, values[4], 512, &errors[4]}, {62, 1, values[5], 512, &errors[5]},
        {64, 1, values[6], 512, &errors[6]}, {213, 1, values[7], 512, &errors[7]},
    };
    expect("wsc_GetCardInfo", (long)wsc_GetCardInfo(h, get_items, 8), IRV_OK);
    const char *item_names[] = {"wsc.11", "wsc.15", "wsc.57", "wsc.16", "wsc.58", "wsc.62", "wsc.64", "wsc.213"};
    for (int i = 0; i < 8; i++) { put(item_names[i], values[i]); expect(item_names[i], (long)errors[i], 0); }
    ITEMSELECT small[] = {{15, 1, values[0], 10, &errors[0]}};
    expect("wsc_GetCardInfo(small)", (long)wsc_GetCardInfo(h, small, 1), IRV_PARA_ERR);
    expect("wsc_GetCardInfo(small) pdwErrCode", (long)errors[0], IRV_PARA_ERR);

    /* S1's tag-length-value records (§5.3): outpatient slot 3, never marked valid. */
    expect("HD_WDF03ED00", HD_WDF03ED00(3, "213004TEST215008202611221"), IRV_PARA_ERR); /* LLL 008, 7 bytes left */
    expect("HD_WDF03ED00", HD_WDF03ED00(3, "213004TEST21500820261122"), IRV_OK);
    expect("HD_WDF03ED00(383)", HD_WDF03ED00(3, "383002AA"), IRV_PARA_ERR);
    static char tlv[8192];
    expect("HD_RDF03ED00", HD_RDF03ED00(3, tlv), IRV_OK); put("hd.ED03", tlv);
    expect("HD_RDF03EE00", HD_RDF03EE00(1, tlv), IRV_OK); put("hd.EE01", tlv);

    /* Read every file function. */
    memset(b, 0, sizeof b);
    expect("iR_DDF1EF05Info", iR_DDF1EF05Info(h, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9]), IRV_OK);
    for (int i = 0; i < 10; i++) { char key[32]; sprintf(key, "DDF1EF05.%d", i + 1); put(key, b[i]); }
    expect("iR_DDF1EF06Info", iR_DDF1EF06Info(h, b[0], b[1], b[2], b[3], b[4]), IRV_OK);
    for (int i = 0; i < 5; i++) { char key[32]; sprintf(key, "DDF1EF06.%d", i + 1); put(key, b[i]); }
    memset(photo, 0, sizeof photo);
    expect("iR_DDF1EF07Info", iR_DDF1EF07Info(h, photo), IRV_OK);
    put_hex("DDF1EF07", photo, 2 + (photo[0] << 8 | photo[1]));
    expect("iR_DDF1EF08Info", iR_DDF1EF08Info(h, b[0], b[1], b[2], b[3], b[4], b[5]), IRV_OK);
    for (int i = 0; i < 6; i++) { char key[32]; sprintf(key, "DDF1EF08.%d", i + 1); put(key, b[i]); }
    expect("iR_DF01EF05Info", iR_DF01EF05Info(h, b[0], b[1], b[2], b[3]), IRV_OK);
    for (int i = 0; i < 4; i++) { char key[32]; sprintf(key, "DF01EF05.%d", i + 1); put(key, b[i]); }
    expect("iR_DF01EF06Info", iR_DF01EF06Info(h, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8]), IRV_OK);
    for (int i = 0; i < 9; i++) { char key[32]; sprintf(key, "DF01EF06.%d", i + 1); put(key, b[i]); }
    expect("iR_DF01EF07Info", iR_DF01EF07Info(h, b[0], b[1], b[2]), IRV_OK);
    for (int i = 0; i < 3; i++) { char key[32]; sprintf(key, "DF01EF07.%d", i + 1); put(key, b[i]); }
    expect("iR_DF01EF08Info", iR_DF01EF08Info(h, b[0], b[1], b[2], b[3]), IRV_OK);
    for (int i = 0; i < 4; i++) { char key[32]; sprintf(key, "DF01EF08.%d", i + 1); put(key, b[i]); }
    expect("iR_DF02EF05Info", iR_DF02EF05Info(h, b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10],
                                              b[11], b[12], b[13], b[14]), IRV_OK);
    for (int i = 0; i < 15; i++) { char key[32]; sprintf(key, "DF02EF05.%d", i + 1); put(key, b[i]); }
    expect("iR_DF02EF06Info", iR_DF02EF06Info(h, b[0]), IRV_OK); put("DF02EF06.1", b[0]);
    for (int n = 1; n <= 3; n++) {
        char key[32];
        expect("iR_DF02EF07Info", iR_DF02EF07Info(h, n, b[0], b[1]), IRV_OK);
        sprintf(key, "DF02EF07.%d.1", n); put(key, b[0]);
        sprintf(key, "DF02EF07.%d.2", n); put(key, b[1]);
    }
    expect("iR_DF02EF07Info(0)", iR_DF02EF07Info(h, 0, b[0], b[1]), IRV_PARA_ERR);
    for (int n = 1; n <= 10; n++) {
        char key[32];
        expect("iR_DF02EF08Info", iR_DF02EF08Info(h, n, b[0], b[1]), IRV_OK);
        sprintf(key, "DF02EF08.%d.1", n); put(key, b[0]);
        sprintf(key, "DF02EF08.%d.2", n); put(key, b[1]);
    }
    expect("iR_DF03EF05Info", iR_DF03EF05Info(h, b[0], b[1], b[2]), IRV_OK);
    for (int i = 0; i < 3; i++) { char key[32]; sprintf(key, "DF03EF05.%d", i + 1); put(key, b[i]); }
    expect("iR_DF03EF06Info", iR_DF03EF06Info(h, b[0], b[1], b[2], b[3], b[4]), IRV_OK);
    for (int i = 0; i < 5; i++) { char key[32]; sprintf(key, "DF03EF06.%d", i + 1); put(key, b[i]); }
    static char all[8192];
    expect("iR_DF03ED_ALLInfo", iR_DF03ED_ALLInfo(h, 1, all), IRV_OK); put("ED01", all);
    expect("iR_DF03EE_ALLInfo", iR_DF03EE_ALLInfo(h, 1, all), IRV_OK); put("EE01", all);
    expect("iR_DF03EEInfo(CN)", iR_DF03EEInfo(h, 1, b[0], 80, 4, CN_style), IRV_OK); put("EE01.admissionDate", b[0]);

    expect("iChange_Pin", iChange_Pin(0, "123456", "654321"), IRV_OK);
    expect("iChange_Pin(back)", iChange_Pin(0, "654321", "123456"), IRV_OK);
    expect("iDClosePort", iDClosePort(), IRV_OK);
    expect("iR_DDF1EF06Info(closed)", iR_DDF1EF06Info(h, b[0], NULL, NULL, NULL, NULL), RD_NO_ICC);
    put("lastError", hcard_last_error());
    /* OpenDevice = iDOpenPort + PowerOn(USER), without a SAM: only DDF1/EF05 (read by tag). */
    HANDLE device = OpenDevice(0);
    if (!device) { fprintf(stderr, "OpenDevice failed: %s\n", hcard_last_error()); return 1; }
    expect("iR_DDF1EF05Info(no SAM)", iR_DDF1EF05Info(device, b[0], NULL, NULL, NULL, NULL, NULL, b[6], NULL, NULL, b[9]), IRV_OK);
    put("noSAM.cardNumber", b[6]);
    put("noSAM.cityCode", b[9]);
    expect("iR_DDF1EF06Info(no SAM)", iR_DDF1EF06Info(device, b[0], NULL, NULL, NULL, NULL), IRV_PSAM_ERR);
    expect("CloseDevice", (long)CloseDevice(device), 0);
    return failures == 0 ? 0 : 1;
}
