#ifndef CGREENLIGHT_SHIMS_H
#define CGREENLIGHT_SHIMS_H
/* Placeholder; filled by the process module. */
int greenlight_shims_version(void);
#endif
