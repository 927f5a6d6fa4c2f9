#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

// Option numbers for the callback setters (curl.h: CURLOPTTYPE_FUNCTIONPOINT + n).
enum { WRITEFUNCTION = 20011, HEADERFUNCTION = 20079, XFERINFOFUNCTION = 20219 };
enum { GLOBAL_DEFAULT = 3 };

static void *(*easy_init)(void);
static void (*easy_cleanup)(void *);
static int (*easy_perform)(void *);
static const char *(*easy_strerror)(int);
static int (*easy_setopt)(void *, int, ...);
static int (*easy_getinfo)(void *, int, ...);
static int (*global_init)(long);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[512];

static void load(void) {
    static const char *names[] = {"libcurl.so.4", "libcurl.so", "libcurl.4.dylib", "libcurl.dylib"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof names[0] && !library; i++) {
        library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    }
    if (!library) {
        const char *reason = dlerror();
        snprintf(load_error, sizeof load_error, "%s", reason ? reason : "libcurl.so.4 not found");
        return;
    }
    *(void **)&easy_init = dlsym(library, "curl_easy_init");
    *(void **)&easy_cleanup = dlsym(library, "curl_easy_cleanup");
    *(void **)&easy_perform = dlsym(library, "curl_easy_perform");
    *(void **)&easy_strerror = dlsym(library, "curl_easy_strerror");
    *(void **)&easy_setopt = dlsym(library, "curl_easy_setopt");
    *(void **)&easy_getinfo = dlsym(library, "curl_easy_getinfo");
    *(void **)&global_init = dlsym(library, "curl_global_init");
    if (!easy_init || !easy_cleanup || !easy_perform || !easy_strerror || !easy_setopt || !easy_getinfo ||
        !global_init) {
        snprintf(load_error, sizeof load_error, "libcurl lacks an expected function");
        easy_init = NULL;
        return;
    }
    // curl_global_init is not thread-safe in old versions; pthread_once makes this its only call.
    if (global_init(GLOBAL_DEFAULT) != 0) {
        snprintf(load_error, sizeof load_error, "libcurl could not initialise");
        easy_init = NULL;
    }
}

int ccurl_load(char *message, size_t size) {
    pthread_once(&once, load);
    if (easy_init) return 0;
    if (message && size > 0) snprintf(message, size, "%s", load_error);
    return -1;
}

void *ccurl_easy_init(void) { return easy_init(); }
void ccurl_easy_cleanup(void *handle) { easy_cleanup(handle); }
int ccurl_easy_perform(void *handle) { return easy_perform(handle); }
const char *ccurl_easy_strerror(int code) { return easy_strerror(code); }
int ccurl_setopt_long(void *handle, int option, long value) { return easy_setopt(handle, option, value); }
int ccurl_setopt_pointer(void *handle, int option, void *value) { return easy_setopt(handle, option, value); }
int ccurl_set_write_function(void *handle, ccurl_data_callback callback) {
    return easy_setopt(handle, WRITEFUNCTION, callback);
}
int ccurl_set_header_function(void *handle, ccurl_data_callback callback) {
    return easy_setopt(handle, HEADERFUNCTION, callback);
}
int ccurl_set_progress_function(void *handle, ccurl_progress_callback callback) {
    return easy_setopt(handle, XFERINFOFUNCTION, callback);
}
int ccurl_getinfo_long(void *handle, int info, long *value) { return easy_getinfo(handle, info, value); }
