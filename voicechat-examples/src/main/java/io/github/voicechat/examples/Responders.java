package io.github.voicechat.examples;

import io.github.voicechat.Responder;

/** Responders for the examples. */
final class Responders {

    private Responders() {
    }

    /** Repeats what it understood, so a listener can judge the recogniser by ear. */
    static Responder echo() {
        return (request, sink) -> {
            String heard = request.transcript().isBlank() ? "nothing I could understand" : request.transcript();
            sink.text("You said: " + heard + ".");
        };
    }
}
