package io.github.voicechat.web.rtc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Every thread of this process as the OS sees it (Linux /proc), native ones included, by name with digits folded. */
final class OsThreads {

    /** The JVM's compiler and GC threads, which it starts and ends by itself. */
    private static final java.util.regex.Pattern JVM_OWN =
            java.util.regex.Pattern.compile("C# CompilerThre.*|GC Thread.*|G# .*|VM .*");

    private OsThreads() {
    }

    static Map<String, Integer> byName() throws IOException {
        Map<String, Integer> m = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("\\d+", "#");
                    if (!JVM_OWN.matcher(name).matches()) {
                        m.merge(name, 1, Integer::sum);
                    }
                } catch (IOException ended) {
                    // the thread ended while listing
                }
            }
        }
        return m;
    }
}
