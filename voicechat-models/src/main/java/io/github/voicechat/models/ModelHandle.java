package io.github.voicechat.models;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A counted reference to a loaded model. While any handle is open the model is neither evicted nor closed.
 * Closing the handle releases it; closing twice is harmless.
 *
 * @param <T> the loaded model's type
 */
public final class ModelHandle<T extends LoadedModel> implements AutoCloseable {
    private final String id;
    private final T model;
    private final Consumer<ModelHandle<?>> onRelease;
    private final AtomicBoolean open = new AtomicBoolean(true);

    ModelHandle(String id, T model, Consumer<ModelHandle<?>> onRelease) {
        this.id = id;
        this.model = model;
        this.onRelease = onRelease;
    }

    /** {@return the model's id} */
    public String id() {
        return id;
    }

    /**
     * {@return the shared model} Do not close it yourself.
     *
     * @throws IllegalStateException if this handle is closed
     */
    public T model() {
        if (!open.get()) {
            throw new IllegalStateException("handle of model " + id + " is closed");
        }
        return model;
    }

    /** {@return whether this handle is still open} */
    public boolean isOpen() {
        return open.get();
    }

    @Override
    public void close() {
        if (open.compareAndSet(true, false)) {
            onRelease.accept(this);
        }
    }

    @Override
    public String toString() {
        return "ModelHandle[" + id + (open.get() ? "" : ", closed") + "]";
    }
}
