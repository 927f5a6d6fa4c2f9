#include "CKernelsSignals.h"

#include <signal.h>
#include <string.h>

// Written only by the handler and read by the program: the one kind of state a signal handler
// may share, as the C standard defines it.
static volatile sig_atomic_t received = 0;

static void record(int signal) {
    received = signal;
}

void ck_interrupts_catch(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = record;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGTERM, &action, NULL);
}

int ck_interrupts_received(void) {
    return received;
}
