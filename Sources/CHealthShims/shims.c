#include "CHealthShims.h"

const SCARD_IO_REQUEST *chs_pci_t0(void) { return SCARD_PCI_T0; }
const SCARD_IO_REQUEST *chs_pci_t1(void) { return SCARD_PCI_T1; }

unsigned long chs_zbar_fourcc_y800(void) { return zbar_fourcc('Y', '8', '0', '0'); }

EVP_PKEY *chs_evp_pkey_q_keygen_sm2(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "SM2"); }
