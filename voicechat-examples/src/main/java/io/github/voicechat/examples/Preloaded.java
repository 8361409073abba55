package io.github.voicechat.examples;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * An engine the command line loaded before the session (so that a bad option or a missing model is reported before
 * anything runs, with a progress line), handed to the pipeline as its first engine; later calls create new ones.
 */
final class Preloaded<E extends AutoCloseable> implements Supplier<E> {

    private final AtomicReference<E> first;
    private final Supplier<E> more;

    Preloaded(E loaded, Supplier<E> more) {
        this.first = new AtomicReference<>(loaded);
        this.more = more;
    }

    @Override
    public E get() {
        E e = first.getAndSet(null);
        return e != null ? e : more.get();
    }

    /** Closes the preloaded engine if the pipeline never took it. */
    void closeIfUnused() throws Exception {
        E e = first.getAndSet(null);
        if (e != null) {
            e.close();
        }
    }
}
