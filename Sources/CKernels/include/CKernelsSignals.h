#ifndef CKERNELS_SIGNALS_H
#define CKERNELS_SIGNALS_H

#ifdef __cplusplus
extern "C" {
#endif

/// Catches the first SIGINT or SIGTERM: instead of ending the process, it records the signal so
/// a long job can stop at a safe point. The handler is reset on delivery, so a second Ctrl-C
/// ends the process at once, as a user expects.
void ck_interrupts_catch(void);

/// The signal caught since `ck_interrupts_catch` (SIGINT or SIGTERM), or 0.
int ck_interrupts_received(void);

#ifdef __cplusplus
}
#endif

#endif
