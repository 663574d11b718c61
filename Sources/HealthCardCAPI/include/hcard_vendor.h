/*
 * hcard_vendor.h: the resident health card reader interface of the vendor DLL
 * (华大 WSB_RWInterface.dll and its clones) for Linux, implemented by libhcard.so over
 * HealthCardKit's terminal session, PC/SC (pcscd) and SAM code.
 *
 * Same function names, argument order, buffer conventions and return codes as the compiled
 * vendor DLL (../shared/specs/vendor-interface.md); where editions disagree, the compiled code
 * is followed. Every choice and every vendor bug that is fixed is listed in Docs/c-api.md.
 *
 * Calling convention: the platform's C convention (cdecl; the Windows DLL was __stdcall, which
 * does not exist on x86-64/aarch64 Linux). Link with `pkg-config --cflags --libs hcard`.
 *
 * Call order (vendor-interface.md §2):
 *   iDOpenPort() → PowerOn(h, 0x11, atr) → iVerifyPIN(h, "123456") → PowerOn(h, 0x01, atr)
 *   → iR_… / iW_… → iDClosePort()
 *
 * Values at the API (§2.1): `ans` text = the card's bytes up to the first 00 (GBK, as the
 * vendor; set HCARD_TEXT=utf8 for UTF-8), `cn` = digits cut at the first F, `b` = uppercase hex.
 * Write functions: NULL or "" = do not write this item. No function takes an output length:
 * buffers must have at least the sizes given below (incl. the NUL), as with the vendor DLL.
 *
 * Readers: HCARD_READER, HCARD_SAM_READER, HCARD_PSAM_SLOT, HCARD_CHUNK, HCARD_TEXT,
 * HCARD_CARD_FACTOR, HCARD_TRACE, HCARD_OPEN_PORT_RETURNS, HCARD_SEND_APDU_RETURNS, or a file
 * named by HCARD_CONFIG (Docs/c-api.md).
 *
 * Thread safety: one port per process (as the vendor DLL); every function is serialised on it,
 * so calls from several threads are safe but do not run in parallel. `hDev` is ignored.
 * The message of a failed call: hcard_last_error() in hcard.h (per thread).
 */
#ifndef HCARD_VENDOR_H
#define HCARD_VENDOR_H

#include <stdint.h>

#include "hcard.h" /* HCARD_API, hcard_last_error(), hcard_version() */

#ifdef __cplusplus
extern "C" {
#endif

typedef void *HANDLE;
typedef unsigned char BYTE;

/* Return codes (vendor-interface.md §8). */
#define IRV_OK                0
#define RD_CONNECT_ERROR      1    /* no pcscd, no reader, bad configuration */
#define RD_NO_ICC             2    /* no card (or no SAM) in the reader */
#define IRV_PARA_ERR          101  /* bad input parameter */
#define IRV_NO_FILE           102  /* SELECT failed */
#define IRV_RD_RCDERR         103  /* READ RECORD failed */
#define IRV_CARD_ERR          104  /* GET CHALLENGE failed */
#define IRV_PSAM_ERR          105  /* SAM error (not powered, PIN, 80DE/80FA) */
#define IRV_IRK_VERR          106  /* EXTERNAL AUTHENTICATE failed */
#define IRV_RD_BINERR         107  /* READ BINARY failed */
#define IRV_WR_RCDERR         108  /* UPDATE RECORD failed (or a personalisation-only file) */
#define IRV_WR_BINERR         109  /* UPDATE BINARY failed */
#define IRV_W_DF03EF05ERR     110  /* marking an index slot valid failed */
#define IRV_ER_DF03EF05ERR    111  /* erasing an index slot failed */
#define IRV_RCINVALID         112  /* defined, never returned (as the vendor DLL) */
#define IRV_DDF1EF07_DATAERR  113  /* photo length + 2 > 3072 */

/* PowerOn slots; the PSAM slot is configurable (HCARD_PSAM_SLOT, e.g. 3 for 新开普). */
#define SLOT_USER  0x01
#define SLOT_PSAM  0x11
#define SLOT_CARD  0x12

/* nStyle of the positional encounter functions. */
#define NO_style 0x00
#define AN_style 0x01
#define CN_style 0x0F
#define B_style  0xFF

/* Device management (§3). */
HCARD_API int iDOpenPort(void);                                   /* 0 or 1 */
HCARD_API int iDClosePort(void);                                  /* 0 */
HCARD_API int PowerOn(HANDLE hDev, int slot, char *ATR);          /* ATR: hex, buffer >= 41 (may be NULL) */
HCARD_API int iVerifyPIN(HANDLE hDev, char *PIN);                 /* hex digits, e.g. "123456" */
HCARD_API int iChange_Pin(int hDev, char *oldPin, char *newPin);  /* hex digits */
/* Response = data + SW1 SW2 (buffer >= 258); *pnRes = data length without SW; 0 or (DWORD)-1. */
HCARD_API uint32_t SendAPDU(HANDLE hDev, unsigned char bySlot, unsigned char *pbyC_Command, unsigned long byLen,
                            unsigned char *pbyR_Command, int *pnRes);
HCARD_API HANDLE OpenDevice(int port);                            /* iDOpenPort + PowerOn(USER); NULL on failure */
HCARD_API uint32_t CloseDevice(HANDLE hCard);

/* DDF1 (buffers: an,N = N bytes; cn,N and b,N likewise, incl. NUL; vendor-interface.md §4). */
HCARD_API int iR_DDF1EF05Info(HANDLE hDev, char *KLB /*an,2*/, char *GFBB /*an,5*/, char *FKJGMC /*an,31*/,
                              char *FKJGDM /*cn,23*/, char *FKJGZS /*b,361*/, char *FKSJ /*cn,9*/, char *KH /*an,19*/,
                              char *AQM /*an,4*/, char *XPXLH /*an,11*/, char *YYCSDM /*cn,7*/);
HCARD_API int iW_DDF1EF05Info(HANDLE hDev, char *KLB, char *GFBB, char *FKJGMC, char *FKJGDM, char *FKJGZS,
                              char *FKSJ, char *KH, char *AQM, char *XPXLH, char *YYCSDM); /* personalisation only: 108 */
HCARD_API int iR_DDF1EF06Info(HANDLE hDev, char *XM /*an,31*/, char *XB /*b,3*/, char *MZ /*cn,3*/,
                              char *CSRQ /*cn,9*/, char *SFZH /*an,19*/);
HCARD_API int iW_DDF1EF06Info(HANDLE hDev, char *XM, char *XB, char *MZ, char *CSRQ, char *SFZH); /* personalisation only: 108 */
HCARD_API int iR_DDF1EF07Info(HANDLE hDev, BYTE *ZHAOPIAN);       /* [lenHi lenLo JPEG], buffer >= 3072 */
HCARD_API int iW_DDF1EF07Info(HANDLE hDev, BYTE *ZHAOPIAN);
HCARD_API int iR_DDF1EF08Info(HANDLE hDev, char *KYXQ /*cn,9*/, char *BRDH1 /*an,21*/, char *BRDH2 /*an,21*/,
                              char *YLFYZFFS1 /*cn,3*/, char *YLFYZFFS2 /*cn,3*/, char *YLFYZFFS3 /*cn,3*/);
HCARD_API int iW_DDF1EF08Info(HANDLE hDev, char *KYXQ, char *BRDH1, char *BRDH2, char *YLFYZFFS1, char *YLFYZFFS2,
                              char *YLFYZFFS3);

/* DF01 */
HCARD_API int iR_DF01EF05Info(HANDLE hDev, char *DZLB1 /*cn,3*/, char *DZ1 /*an,101*/, char *DZLB2, char *DZ2);
HCARD_API int iW_DF01EF05Info(HANDLE hDev, char *DZLB1, char *DZ1, char *DZLB2, char *DZ2);
HCARD_API int iR_DF01EF06Info(HANDLE hDev, char *LXRXM1 /*an,31*/, char *LXRGX1 /*cn,3*/, char *LXRDH1 /*an,21*/,
                              char *LXRXM2, char *LXRGX2, char *LXRDH2, char *LXRXM3, char *LXRGX3, char *LXRDH3);
HCARD_API int iW_DF01EF06Info(HANDLE hDev, char *LXRXM1, char *LXRGX1, char *LXRDH1, char *LXRXM2, char *LXRGX2,
                              char *LXRDH2, char *LXRXM3, char *LXRGX3, char *LXRDH3);
HCARD_API int iR_DF01EF07Info(HANDLE hDev, char *WHCD /*cn,3*/, char *HYZK /*cn,3*/, char *ZY /*an,4*/);
HCARD_API int iW_DF01EF07Info(HANDLE hDev, char *WHCD, char *HYZK, char *ZY);
HCARD_API int iR_DF01EF08Info(HANDLE hDev, char *ZJLB /*cn,3*/, char *ZJHM /*an,19*/, char *JKDAH /*an,18*/,
                              char *XNHZH /*an,19*/);
HCARD_API int iW_DF01EF08Info(HANDLE hDev, char *ZJLB, char *ZJHM, char *JKDAH, char *XNHZH);

/* DF02: items 41-54 are 1-byte hex ("01"), buffer 3; QTYXJSMC an,41. */
HCARD_API int iR_DF02EF05Info(HANDLE hDev, char *ABOXX, char *RHXX, char *XCBZ, char *XZBBZ, char *XNXGBBZ,
                              char *DXBBZ, char *NXWLBZ, char *TNBBZ, char *QGYBZ, char *TXBZ, char *QGYZBZ,
                              char *QGQSBZ, char *KZXYZBZ, char *XZQBQBZ, char *QTYXJSMC);
HCARD_API int iW_DF02EF05Info(HANDLE hDev, char *ABOXX, char *RHXX, char *XCBZ, char *XZBBZ, char *XNXGBBZ,
                              char *DXBBZ, char *NXWLBZ, char *TNBBZ, char *QGYBZ, char *TXBZ, char *QGYZBZ,
                              char *QGQSBZ, char *KZXYZBZ, char *XZQBQBZ, char *QTYXJSMC);
HCARD_API int iR_DF02EF06Info(HANDLE hDev, char *JSBBZ /*b,3*/);
HCARD_API int iW_DF02EF06Info(HANDLE hDev, char *JSBBZ);
HCARD_API int iR_DF02EF07Info(HANDLE hDev, int nRecorderNo /*1..3*/, char *GMWZMC /*21*/, char *GMFY /*101*/);
HCARD_API int iW_DF02EF07Info(HANDLE hDev, char *GMWZMC, char *GMFY);
HCARD_API int iR_DF02EF08Info(HANDLE hDev, int nRecorderNo /*1..10*/, char *MYJZMC /*21*/, char *MYJZSJ /*9*/);
HCARD_API int iW_DF02EF08Info(HANDLE hDev, char *MYJZMC, char *MYJZSJ /*YYYYMMDD*/);

/* DF03 index: "00" valid, "FF" empty (buffers of 3). */
HCARD_API int iR_DF03EF05Info(HANDLE hDev, char *ZYJLBS1, char *ZYJLBS2, char *ZYJLBS3);
HCARD_API int iW_DF03EF05Info(HANDLE hDev, int nRecorderNo);
HCARD_API int iErase_DF03EF05Info(HANDLE hDev, int nRecorderNo);
HCARD_API int iR_DF03EF06Info(HANDLE hDev, char *MZJLBS1, char *MZJLBS2, char *MZJLBS3, char *MZJLBS4, char *MZJLBS5);
HCARD_API int iW_DF03EF06Info(HANDLE hDev, int nRecorderNo);
HCARD_API int iErase_DF03EF06Info(HANDLE hDev, int nRecorderNo);

/* Encounter records (§5): EE01-03 inpatient (data 1639 bytes), ED01-05 outpatient (3013).
 * Positional: buffer >= 2*nLen+1 (hex styles) or nLen+1 (AN_style). */
HCARD_API int iR_DF03EEInfo(HANDLE hDev, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle);
HCARD_API int iW_DF03EEInfo(HANDLE hDev, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle);
HCARD_API int iR_DF03EDInfo(HANDLE hDev, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle);
HCARD_API int iW_DF03EDInfo(HANDLE hDev, int nRecorderNo, char *szData, int nPos, int nLen, int nStyle);
/* Whole data area, fields separated by '|' in item order; buffer >= 2014 (EE) / 3453 (ED) in GBK. */
HCARD_API int iR_DF03EE_ALLInfo(HANDLE hDev, int nRecorderNo, char *szData);
HCARD_API int iW_DF03EE_ALLInfo(HANDLE hDev, int nRecorderNo, char *szData);
HCARD_API int iR_DF03ED_ALLInfo(HANDLE hDev, int nRecorderNo, char *szData);
HCARD_API int iW_DF03ED_ALLInfo(HANDLE hDev, int nRecorderNo, char *szData);

/* Item-number interface (§6): S1/S7's five-member ITEMSELECT in the platform's layout (on LP64
 * Linux: offsets 0, 2, 8, 16, 24, size 32). wItemFlag = item 1-384; wID = record number (58-61),
 * slot (62, 63) or file number (64-384), else 1; wValueLen = the size of pValue (coded value and
 * NUL); pdwErrCode (may be NULL) receives each item's code. S5's three-member layout is not
 * supported. Stops at the first failure and returns its code. */
typedef struct ITEMSELECT {
    uint16_t wItemFlag;
    uint16_t wID;
    void *pValue;
    uint16_t wValueLen;
    uint32_t *pdwErrCode;
} ITEMSELECT;
HCARD_API uint32_t wsc_GetCardInfo(HANDLE hCard, void *pvSelect, int nItem);
HCARD_API uint32_t wsc_PutCardInfo(HANDLE hCard, void *pvSelect, int nItem);

/* S1's tag-length-value record strings (§5.3): NNN item, LLL decimal byte length, value. Write
 * blanks the data area, writes the items (EE 64-210, ED 213-382) and the SAM's signature; read
 * lists every written item (text; cn and b as hex cut at the first F). No hDev. */
HCARD_API int HD_WDF03EE00(int inRecorderNo, char *iszData);
HCARD_API int HD_RDF03EE00(int inRecorderNo, char *iszData);
HCARD_API int HD_WDF03ED00(int inRecorderNo, char *iszData);
HCARD_API int HD_RDF03ED00(int inRecorderNo, char *iszData);

/* SAM services (§7). */
HCARD_API int iReader_SAM_Public(int hDev, char *info);          /* 28 hex digits, buffer 29 */
HCARD_API int iReader_SAM_Terminal(int hDev, char *info);        /* 12 hex digits, buffer 13 */
HCARD_API int iReader_SAM_PublicApp(int hDev, char *info);       /* 50 hex digits, buffer 51 */
HCARD_API int iReader_SAM_OrgCertificate(int hDev, char *info);  /* 180 raw bytes */
HCARD_API int iReader_SAM_Certificate(int hDev, char *info);     /* 190 raw bytes */
HCARD_API uint32_t SM3Digest(HANDLE hDev, BYTE *pbData, unsigned int nDataLen, BYTE *pbHash, BYTE *pbHashLen);
HCARD_API uint32_t SM2SignHash(HANDLE hDev, BYTE *pbData, BYTE bLen, BYTE *pbSignedData, BYTE *pbLength);

#ifdef __cplusplus
}
#endif

#endif /* HCARD_VENDOR_H */
