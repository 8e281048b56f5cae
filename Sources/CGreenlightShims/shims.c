#include "CGreenlightShims.h"
int greenlight_shims_version(void) { return 1; }
