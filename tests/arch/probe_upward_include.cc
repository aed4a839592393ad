// A source that includes CASELINK_PROBE_HEADER, compiled with only the include
// roots of the library it links (tests/arch.cmake). For a header of a higher
// layer (or a peer) the compile must fail: that failure is the layering.
#include CASELINK_PROBE_HEADER

int caselink_arch_probe() { return 0; }
