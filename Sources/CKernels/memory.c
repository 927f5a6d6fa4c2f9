// Hints about memory that is about to be used. A fresh model's weights are megabytes of new
// memory: populating their pages in one call saves a page fault per 4 KiB, about a millisecond
// of a fresh `digits classify`. A training batch's images are drawn at random from 47 MB of
// pixels: asking for the next one while converting this one took the loading of the
// reference workload's batches from 11 to 5 ms an epoch.
#include "CKernelsMemory.h"

#include <stdint.h>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

void ck_prefetch_for_reading(const void *start, size_t bytes) {
    const char *first = (const char *)((uintptr_t)start & ~(uintptr_t)63);
    for (const char *line = first; line < (const char *)start + bytes; line += 64) __builtin_prefetch(line, 0, 3);
}

void ck_populate_for_writing(void *start, size_t bytes) {
#if defined(__linux__)
    // Below this a few page faults cost less than the call.
    if (bytes < ((size_t)64 << 10)) return;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    const uintptr_t first = ((uintptr_t)start + page - 1) & ~(page - 1);
    const uintptr_t end = ((uintptr_t)start + bytes) & ~(page - 1);
    if (end > first) (void)madvise((void *)first, end - first, 23 /* MADV_POPULATE_WRITE */);
#else
    (void)start;
    (void)bytes;
#endif
}
