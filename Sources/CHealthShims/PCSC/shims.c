#include "CHealthShimsPCSC.h"

const SCARD_IO_REQUEST *chs_pci_t0(void) { return SCARD_PCI_T0; }
const SCARD_IO_REQUEST *chs_pci_t1(void) { return SCARD_PCI_T1; }
