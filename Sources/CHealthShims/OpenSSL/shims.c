#include "CHealthShimsOpenSSL.h"

EVP_PKEY *chs_evp_pkey_q_keygen_sm2(void) { return EVP_PKEY_Q_keygen(NULL, NULL, "SM2"); }
