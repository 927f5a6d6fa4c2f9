internal import CKernels

/// Ctrl-C and SIGTERM, caught so that a long job can stop at a safe point.
///
/// After `catchInterrupts()` the first SIGINT or SIGTERM is recorded instead of ending the
/// process; a second one ends it at once, as a user who presses Ctrl-C twice expects.
public enum InterruptSignal {
    /// Starts catching SIGINT and SIGTERM (unblocking them if the process was started with
    /// them blocked).
    public static func catchInterrupts() {
        ck_interrupts_catch()
    }

    /// The signal number caught since `catchInterrupts()`, or nil when none was.
    public static var received: Int32? {
        let signal = ck_interrupts_received()
        return signal == 0 ? nil : signal
    }
}
