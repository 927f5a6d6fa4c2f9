#ifndef CKERNELS_MEMORY_H
#define CKERNELS_MEMORY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Asks the kernel to populate the whole pages of [start, start + bytes) for writing in one call,
/// rather than a page fault at a time as they are first touched. Does nothing below 64 KiB,
/// where the faults cost less than the call. Best effort: on systems that do not know the advice
/// (Linux before 5.14, other systems) it does nothing and the pages fault as usual.
void ck_populate_for_writing(void *start, size_t bytes);

/// Asks for the cache lines of [start, start + bytes) to be loaded, without waiting for them:
/// memory about to be read in an order the hardware cannot guess, such as the next image of a
/// shuffled batch. Never faults, whatever the address.
void ck_prefetch_for_reading(const void *start, size_t bytes);

#ifdef __cplusplus
}
#endif

#endif
