package io.github.voicechat.internal.session;

/** The bridge from {@link io.github.voicechat.time.SessionTime} to the lockstep gate of the calling thread. */
public final class VirtualSleep {

    private VirtualSleep() {
    }

    /**
     * Sleeps {@code nanos} of virtual time if the calling thread works for a lockstep session.
     *
     * @return false if it does not (the caller sleeps on the real clock)
     */
    public static boolean sleep(long nanos) throws InterruptedException {
        LockstepGate.Sleeper s = LockstepGate.current();
        if (s == null) {
            return false;
        }
        s.sleep(nanos);
        return true;
    }
}
