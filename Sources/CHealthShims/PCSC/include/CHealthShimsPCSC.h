// CHealthShimsPCSC: thin C over libpcsclite, only for what Swift cannot import.
// No logic lives here. Every function is prefixed `chs_`.
#ifndef CHEALTHSHIMS_PCSC_H
#define CHEALTHSHIMS_PCSC_H

#include <winscard.h>

/// `SCARD_PCI_T0` / `SCARD_PCI_T1` are `#define`s of addresses; Swift cannot import them.
const SCARD_IO_REQUEST *chs_pci_t0(void);
const SCARD_IO_REQUEST *chs_pci_t1(void);

#endif
