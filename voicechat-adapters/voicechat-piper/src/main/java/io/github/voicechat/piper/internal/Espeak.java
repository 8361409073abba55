package io.github.voicechat.piper.internal;

import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;
import io.github.voicechat.spi.EngineException;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide libespeak-ng, reached through JNA.
 *
 * <p>libespeak-ng keeps its state in globals and is not thread safe, so every call goes through {@link #LOCK}. It is
 * initialised once per JVM and never terminated: with libespeak-ng 1.51 (Debian 12), {@code espeak_Terminate}
 * followed by a second {@code espeak_Initialize} crashes the process inside {@code espeak_TextToPhonemes} (measured),
 * so one initialisation has to serve every synthesizer. Initialisation starts one idle native thread inside the
 * library (its asynchronous speech queue, unused in synchronous mode), which therefore lives until the JVM exits.
 */
public final class Espeak {
    /** System property naming the library to load (a name or an absolute path); default {@code espeak-ng}. */
    public static final String LIBRARY_PROPERTY = "voicechat.espeak.library";
    /** System property naming the folder that contains {@code espeak-ng-data}; default: the library's own. */
    public static final String DATA_PROPERTY = "voicechat.espeak.data";
    /** What to install when the library is missing. */
    public static final String INSTALL_HINT = "install the Debian/Ubuntu package libespeak-ng1 "
            + "(apt-get install libespeak-ng1), or espeak-ng from your platform's package manager";

    static final Object LOCK = new Object();

    private static final Logger LOG = LoggerFactory.getLogger(Espeak.class);
    private static final int AUDIO_OUTPUT_SYNCHRONOUS = 2;
    /** Without it a missing data folder makes libespeak-ng call exit(1), taking the JVM with it. */
    private static final int INITIALIZE_DONT_EXIT = 0x8000;
    static final int CHARS_UTF8 = 1;
    /** Bit 1 of phonememode: IPA as UTF-8, no tie or separator characters (what Piper's voices were trained on). */
    static final int PHONEMES_IPA = 0x02;
    private static final int EE_OK = 0;
    private static final Pattern VOICE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_+-]{0,63}");

    /** The few functions of speak_lib.h that phonemisation needs. */
    interface Lib extends Library {
        int espeak_Initialize(int output, int buflength, String path, int options);

        int espeak_SetVoiceByName(String name);

        Pointer espeak_TextToPhonemes(PointerByReference textptr, int textmode, int phonememode);

        String espeak_Info(PointerByReference path);
    }

    private static Lib lib;
    private static String failure;
    private static String version;
    private static String currentVoice;

    private Espeak() {
    }

    /** Why libespeak-ng cannot be used here, if it cannot; loads and initialises it on first call. */
    public static Optional<String> unavailableReason() {
        synchronized (LOCK) {
            tryLoad();
            return Optional.ofNullable(failure);
        }
    }

    /** The library's version string, e.g. {@code 1.51}. */
    public static String version() {
        synchronized (LOCK) {
            lib();
            return version;
        }
    }

    /**
     * The initialised library with {@code voice} selected. Call with {@link #LOCK} held.
     *
     * @throws EngineException when the library is missing or does not know the voice
     */
    static Lib libWithVoice(String voice) {
        requireVoiceName(voice);
        Lib l = lib();
        if (!voice.equals(currentVoice)) {
            int rc = l.espeak_SetVoiceByName(voice);
            if (rc != EE_OK) {
                currentVoice = null;
                throw new EngineException("espeak-ng has no voice '" + voice + "' (espeak_SetVoiceByName returned "
                        + rc + "); `espeak-ng --voices` lists the installed ones (Debian package espeak-ng-data)");
            }
            currentVoice = voice;
        }
        return l;
    }

    /**
     * The text that restores espeak-ng's clause state: U+0001 {@code B0} (its embedded command that turns the
     * announcing of punctuation off, the state that makes it stop advancing) and a word, read to its end so that no
     * pushed-back character is left for the next text.
     */
    private static final byte[] RESET_TEXT = {0x01, 'B', '0', ' ', 'x', 0};
    /** More than the reset text can need (one clause): bounds the loop whatever state the library is in. */
    private static final int RESET_MAX_CALLS = 16;

    /**
     * Restores the clause state that libespeak-ng keeps between texts (see {@link EspeakPhonemizer}): punctuation
     * announcing off, no pushed-back character. Call with {@link #LOCK} held.
     */
    static void resetClauseState(Lib l) {
        try (Memory mem = new Memory(RESET_TEXT.length)) {
            mem.write(0, RESET_TEXT, 0, RESET_TEXT.length);
            PointerByReference ref = new PointerByReference(mem);
            for (int calls = 0; calls < RESET_MAX_CALLS && ref.getValue() != null; calls++) {
                l.espeak_TextToPhonemes(ref, CHARS_UTF8, PHONEMES_IPA);
            }
        }
        LOG.debug("espeak-ng clause state reset");
    }

    static void requireVoiceName(String voice) {
        if (voice == null || !VOICE_NAME.matcher(voice).matches()) {
            throw new IllegalArgumentException("espeak-ng voice name must be letters, digits, '_', '+' or '-' "
                    + "(e.g. en-us), was '" + voice + "'");
        }
    }

    private static Lib lib() {
        tryLoad();
        if (failure != null) {
            throw new EngineException(failure);
        }
        return lib;
    }

    private static void tryLoad() {
        if (lib != null || failure != null) {
            return;
        }
        String name = System.getProperty(LIBRARY_PROPERTY, "espeak-ng");
        Lib l;
        try {
            l = Native.load(name, Lib.class);
        } catch (UnsatisfiedLinkError e) {
            failure = "libespeak-ng ('" + name + "') could not be loaded: " + e.getMessage().lines().findFirst().orElse("")
                    + "; " + INSTALL_HINT;
            return;
        }
        String data = System.getProperty(DATA_PROPERTY);
        int rate = l.espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, data, INITIALIZE_DONT_EXIT);
        if (rate <= 0) {
            failure = "espeak_Initialize failed (returned " + rate + "); is espeak-ng-data installed"
                    + (data == null ? "" : " in " + data) + "? " + INSTALL_HINT;
            return;
        }
        lib = l;
        version = l.espeak_Info(null);
        LOG.debug("libespeak-ng {} initialised", version);
    }
}
