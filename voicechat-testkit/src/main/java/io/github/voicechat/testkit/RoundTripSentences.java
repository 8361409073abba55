package io.github.voicechat.testkit;

import java.util.List;

/**
 * The ten sentences of the TTS → ASR round-trip tests (66 words), shared so that the WER of different synthesizers
 * through the same recognizer compare.
 */
public final class RoundTripSentences {

    /** Short assistant-style requests and replies, 66 words in all. */
    public static final List<String> TEN = List.of(
            "Hello, how are you today?",
            "Please turn on the lights in the kitchen.",
            "What is the weather like in London?",
            "I would like to book a table for two.",
            "The meeting starts at ten in the morning.",
            "Can you play some music for me?",
            "Set a timer for five minutes.",
            "My favorite color is blue.",
            "Send a message to my brother.",
            "Thank you very much, goodbye.");

    private RoundTripSentences() {
    }
}
