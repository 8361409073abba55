package io.github.voicechat.testkit;

import io.github.voicechat.Responder;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import io.github.voicechat.time.SessionTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A responder that answers with given texts in order (sentence by sentence, as a real one streams), and records
 * every request it saw so tests can check the history it was given.
 *
 * <p>It can model a language model's latency in session time ({@link SessionTime}): a time to the first sentence
 * and a time between sentences. On a virtual clock both are exact.
 */
public final class ScriptedResponder implements Responder {

    private final List<String> answers;
    private final List<ResponderRequest> requests = new ArrayList<>();
    private int next;
    private volatile long firstTokenNanos;
    private volatile long betweenSentencesNanos;

    /**
     * A responder with a script.
     *
     * @param answers one answer per turn, in order (empty once they run out)
     */
    public ScriptedResponder(List<String> answers) {
        this.answers = List.copyOf(answers);
    }

    /**
     * {@return a responder with a script}
     *
     * @param answers one answer per turn, in order (empty once they run out)
     */
    public static ScriptedResponder of(String... answers) {
        return new ScriptedResponder(List.of(answers));
    }

    /**
     * Waits {@code delay} of session time before the first sentence of each answer.
     *
     * @param delay the time to first token
     * @return this responder
     */
    public ScriptedResponder timeToFirstToken(Duration delay) {
        this.firstTokenNanos = requireNonNegative(delay);
        return this;
    }

    /**
     * Waits {@code delay} of session time before each later sentence.
     *
     * @param delay the time between sentences
     * @return this responder
     */
    public ScriptedResponder timeBetweenSentences(Duration delay) {
        this.betweenSentencesNanos = requireNonNegative(delay);
        return this;
    }

    private static long requireNonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("delay must not be negative, was " + d);
        }
        return d.toNanos();
    }

    /** {@return a responder that repeats what it understood: "You said: ..."} */
    public static Responder echo() {
        return (request, sink) -> {
            String heard = request.transcript().isBlank() ? "nothing I could understand" : request.transcript();
            sink.text("You said: " + heard + ".");
        };
    }

    @Override
    public void respond(ResponderRequest request, ResponseSink sink) throws InterruptedException {
        String answer;
        synchronized (this) {
            requests.add(request);
            answer = next < answers.size() ? answers.get(next++) : "";
        }
        long wait = firstTokenNanos;
        for (String sentence : answer.split("(?<=[.!?])\\s+")) {
            SessionTime.sleepNanos(wait);
            wait = betweenSentencesNanos;
            if (sentence.isEmpty() || !sink.text(sentence + " ")) {
                return;
            }
        }
    }

    /** {@return every request seen so far, in order} */
    public synchronized List<ResponderRequest> requests() {
        return List.copyOf(requests);
    }
}
