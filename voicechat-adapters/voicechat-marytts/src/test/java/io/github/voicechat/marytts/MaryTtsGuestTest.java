package io.github.voicechat.marytts;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.testkit.RecordingSink;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What MaryTTS's start-up and synthesis leave behind in the host, watched from before MaryTTS is first loaded (this
 * class runs in a JVM of its own: surefire {@code reuseForks=false}).
 */
class MaryTtsGuestTest {

    @Test
    void loadingAndSpeakingChangesNoLoggingPrintsNothingAndLeavesNoThread() throws Exception {
        java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
        Level rootLevel = root.getLevel();
        List<Handler> rootHandlers = Arrays.asList(root.getHandlers());
        Map<Handler, Level> handlerLevels = new HashMap<>();
        rootHandlers.forEach(h -> handlerLevels.put(h, h.getLevel()));
        List<String> julLoggers = java.util.Collections.list(LogManager.getLogManager().getLoggerNames());
        Map<Object, Object> properties = new HashMap<>(System.getProperties());
        Set<Thread> threadsBefore = Thread.getAllStackTraces().keySet();
        assertThat(classLoaded("marytts.server.Mary")).as("MaryTTS loaded before the test").isFalse();

        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        RecordingSink sink = new RecordingSink();
        RecordingSink cancelled = new RecordingSink(4_800);
        try {
            System.setOut(capture);
            System.setErr(capture);
            try (MaryTtsSynthesizer tts = MaryTtsSynthesizer.create()) {
                tts.synthesize("Good morning. The guest is quiet.", sink);
                tts.synthesize("And this sentence is cut short by a cancel.", cancelled);
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        String printed = captured.toString(StandardCharsets.UTF_8);

        assertThat(sink.length()).isGreaterThan(48_000);
        assertThat(cancelled.piecesAfterCancel()).isZero();
        assertThat(printed).as("printed to System.out/err").isEmpty();
        // java.util.logging: root level, handlers and their levels as they were
        assertThat(root.getLevel()).isEqualTo(rootLevel);
        assertThat(Arrays.asList(root.getHandlers())).containsExactlyElementsOf(rootHandlers);
        rootHandlers.forEach(h -> assertThat(h.getLevel()).isEqualTo(handlerLevels.get(h)));
        for (String name : julLoggers) {
            java.util.logging.Logger l = LogManager.getLogManager().getLogger(name);
            if (l != null && !name.isEmpty()) {
                assertThat(l.getHandlers()).as("handlers of JUL logger %s", name).isEmpty();
            }
        }
        // log4j: MaryTTS's org.apache.log4j is log4j-over-slf4j, whose configurators are no-ops; no Log4j 2 at all
        assertThat(Class.forName("org.apache.log4j.PropertyConfigurator").getProtectionDomain().getCodeSource()
                .getLocation().toString()).contains("log4j-over-slf4j");
        assertThat(classExists("org.apache.logging.log4j.core.LoggerContext")).isFalse();
        // system properties as they were (MaryTTS sets log4j.defaultInitOverride while it checks log4j), except
        // user.timezone, which the JDK fills in itself the first time anything asks for the default time zone
        Map<Object, Object> after = new HashMap<>(System.getProperties());
        if (!properties.containsKey("user.timezone")) {
            after.remove("user.timezone");
        }
        assertThat(after).isEqualTo(properties);
        // no thread left: not the per-sentence vocoder thread, not MaryUtils' timer
        Set<Thread> added = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !threadsBefore.contains(t) && t.isAlive())
                .collect(Collectors.toSet());
        assertThat(added).isEmpty();
    }

    private static boolean classLoaded(String name) {
        // ClassLoader.findLoadedClass is protected; ask without initialising through a throwaway check instead
        return ClassLoaderProbe.isLoaded(MaryTtsGuestTest.class.getClassLoader(), name);
    }

    private static boolean classExists(String name) {
        try {
            Class.forName(name, false, MaryTtsGuestTest.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /** Reaches {@code findLoadedClass} of the application class loader. */
    private static final class ClassLoaderProbe {
        static boolean isLoaded(ClassLoader loader, String name) {
            try {
                java.lang.reflect.Method m = ClassLoader.class.getDeclaredMethod("findLoadedClass", String.class);
                m.setAccessible(true);
                return m.invoke(loader, name) != null;
            } catch (ReflectiveOperationException | RuntimeException e) {
                return false; // not provable on this JVM; the rest of the test still holds
            }
        }
    }
}
