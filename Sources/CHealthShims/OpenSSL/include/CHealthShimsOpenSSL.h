// CHealthShimsOpenSSL: thin C over OpenSSL 3, only for what Swift cannot import.
// No logic lives here. Every function is prefixed `chs_`.
#ifndef CHEALTHSHIMS_OPENSSL_H
#define CHEALTHSHIMS_OPENSSL_H

#include <openssl/evp.h>

/// `EVP_PKEY_Q_keygen` is variadic: generate a key of an EC-family type without parameters ("SM2").
EVP_PKEY *chs_evp_pkey_q_keygen_sm2(void);

#endif
