#ifndef CCURL_H
#define CCURL_H

#include <stddef.h>
#include <stdint.h>

// libcurl, loaded with dlopen on first use rather than linked, so that commands other than
// `digits download` never pay for loading it and its TLS libraries. Only the few entry points
// the downloader needs are wrapped; curl_easy_setopt is variadic, which Swift cannot call, so
// each kind of option value gets its own non-variadic setter.

// Option and info numbers from curl.h (part of libcurl's stable ABI).
enum {
    CCURLOPT_WRITEDATA = 10001,
    CCURLOPT_URL = 10002,
    CCURLOPT_RANGE = 10007,
    CCURLOPT_ERRORBUFFER = 10010,
    CCURLOPT_USERAGENT = 10018,
    CCURLOPT_LOW_SPEED_LIMIT = 19,
    CCURLOPT_LOW_SPEED_TIME = 20,
    CCURLOPT_HEADERDATA = 10029,
    CCURLOPT_NOPROGRESS = 43,
    CCURLOPT_FOLLOWLOCATION = 52,
    CCURLOPT_XFERINFODATA = 10057,
    CCURLOPT_MAXREDIRS = 68,
    CCURLOPT_CONNECTTIMEOUT = 78,
    CCURLOPT_NOSIGNAL = 99,
    CCURLOPT_PROTOCOLS = 181,
    CCURLOPT_REDIR_PROTOCOLS = 182,
    CCURLINFO_RESPONSE_CODE = 0x200002,
};

// Protocol bits for CCURLOPT_PROTOCOLS and CCURLOPT_REDIR_PROTOCOLS.
enum { CCURLPROTO_HTTP = 1, CCURLPROTO_HTTPS = 2 };

// Result codes from curl.h that the downloader tells apart.
enum {
    CCURLE_OK = 0,
    CCURLE_UNSUPPORTED_PROTOCOL = 1,
    CCURLE_URL_MALFORMAT = 3,
    CCURLE_COULDNT_RESOLVE_PROXY = 5,
    CCURLE_COULDNT_RESOLVE_HOST = 6,
    CCURLE_COULDNT_CONNECT = 7,
    CCURLE_PARTIAL_FILE = 18,
    CCURLE_WRITE_ERROR = 23,
    CCURLE_OPERATION_TIMEDOUT = 28,
    CCURLE_ABORTED_BY_CALLBACK = 42,
    CCURLE_TOO_MANY_REDIRECTS = 47,
    CCURLE_GOT_NOTHING = 52,
    CCURLE_RECV_ERROR = 56,
};

// The size of the buffer given with CCURLOPT_ERRORBUFFER.
enum { CCURL_ERROR_SIZE = 256 };

typedef size_t (*ccurl_data_callback)(char *data, size_t size, size_t count, void *context);
typedef int (*ccurl_progress_callback)(void *context, int64_t download_total, int64_t downloaded,
                                       int64_t upload_total, int64_t uploaded);

// Loads libcurl once; returns 0 on success, else -1 with a reason in `message`.
int ccurl_load(char *message, size_t size);

void *ccurl_easy_init(void);
void ccurl_easy_cleanup(void *handle);
int ccurl_easy_perform(void *handle);
const char *ccurl_easy_strerror(int code);
int ccurl_setopt_long(void *handle, int option, long value);
int ccurl_setopt_pointer(void *handle, int option, void *value);
int ccurl_set_write_function(void *handle, ccurl_data_callback callback);
int ccurl_set_header_function(void *handle, ccurl_data_callback callback);
int ccurl_set_progress_function(void *handle, ccurl_progress_callback callback);
int ccurl_getinfo_long(void *handle, int info, long *value);

#endif
