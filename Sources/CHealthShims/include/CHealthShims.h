// CHealthShims: thin C over system libraries, only for what Swift cannot import
// (function-like macros, variadic functions, pointer constants). No logic lives here.
// Every function is prefixed `chs_`.
#ifndef CHEALTHSHIMS_H
#define CHEALTHSHIMS_H

#include <winscard.h>
#include <qrencode.h>
#include <zbar.h>
#include <openssl/evp.h>

/// `SCARD_PCI_T0` / `SCARD_PCI_T1` are `#define`s of addresses; Swift cannot import them.
const SCARD_IO_REQUEST *chs_pci_t0(void);
const SCARD_IO_REQUEST *chs_pci_t1(void);

/// `zbar_fourcc` is a macro: the Y800 (8-bit grey) image format code.
unsigned long chs_zbar_fourcc_y800(void);

/// `EVP_PKEY_Q_keygen` is variadic: generate a key of an EC-family type without parameters ("SM2").
EVP_PKEY *chs_evp_pkey_q_keygen_sm2(void);

#endif
