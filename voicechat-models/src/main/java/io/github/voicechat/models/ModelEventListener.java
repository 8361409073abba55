package io.github.voicechat.models;

/** Receives {@link ModelEvent}s; called synchronously on the thread that caused the event, so keep it quick. */
@FunctionalInterface
public interface ModelEventListener {
    /**
     * Takes one event.
     *
     * @param event what happened to which model
     */
    void onEvent(ModelEvent event);
}
