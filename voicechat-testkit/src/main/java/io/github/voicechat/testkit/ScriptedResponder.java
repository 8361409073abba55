package io.github.voicechat.testkit;

import io.github.voicechat.Responder;
import io.github.voicechat.ResponderRequest;
import io.github.voicechat.ResponseSink;
import java.util.ArrayList;
import java.util.List;

/**
 * A responder that answers with given texts in order (sentence by sentence, as a real one streams), and records
 * every request it saw so tests can check the history it was given.
 */
public final class ScriptedResponder implements Responder {

    private final List<String> answers;
    private final List<ResponderRequest> requests = new ArrayList<>();
    private int next;

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

    /** {@return a responder that repeats what it understood: "You said: ..."} */
    public static Responder echo() {
        return (request, sink) -> {
            String heard = request.transcript().isBlank() ? "nothing I could understand" : request.transcript();
            sink.text("You said: " + heard + ".");
        };
    }

    @Override
    public void respond(ResponderRequest request, ResponseSink sink) {
        String answer;
        synchronized (this) {
            requests.add(request);
            answer = next < answers.size() ? answers.get(next++) : "";
        }
        for (String sentence : answer.split("(?<=[.!?])\\s+")) {
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
