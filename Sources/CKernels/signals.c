#include "CKernelsSignals.h"

#include <pthread.h>
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
    // A launcher may have started us with these signals blocked (the mask is inherited); then
    // Ctrl-C would never reach the handler.
    sigset_t wanted;
    sigemptyset(&wanted);
    sigaddset(&wanted, SIGINT);
    sigaddset(&wanted, SIGTERM);
    pthread_sigmask(SIG_UNBLOCK, &wanted, NULL);
}

int ck_interrupts_received(void) {
    return received;
}
