package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.voicechat.audio.Pcm;
import io.github.voicechat.audio.WavReader;
import io.github.voicechat.freetts.FreeTtsSynthesizer;
import io.github.voicechat.testkit.SharedData;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The README's embedding section is the source of these examples: its {@code java} blocks are extracted, compiled
 * against {@code voicechat-core} and the SLF4J API alone (what its imports need; the engines are found at run time),
 * and run in fresh JVMs as a user would run them. Its {@code xml} block is checked against the BOM.
 */
class ReadmeExamplesTest {

    private static final Path README = Path.of(System.getProperty("voicechat.readme", "../README.md"));
    private static final Pattern FENCE = Pattern.compile("```(\\w*)\\n(.*?)```", Pattern.DOTALL);
    private static final Pattern PUBLIC_CLASS = Pattern.compile("^public class (\\w+)", Pattern.MULTILINE);

    @TempDir
    static Path classes;

    static String readme;
    static Map<String, String> examples;

    @BeforeAll
    static void compileTheReadmeExamples() throws IOException {
        readme = Files.readString(README);
        examples = new LinkedHashMap<>();
        for (String java : blocks("java")) {
            Matcher m = PUBLIC_CLASS.matcher(java);
            if (m.find()) {
                examples.put(m.group(1), java);
            }
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<JavaFileObject> units = new ArrayList<>();
        examples.forEach((name, code) -> units.add(new SimpleJavaFileObject(
                Path.of(name + ".java").toUri(), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return code;
            }
        }));
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, null, diagnostics, List.of("-classpath", coreAndSlf4jApi(),
                "-d", classes.toString(), "-Xlint:all", "-Werror"), null, units).call();
        assertThat(ok).as("the README's examples compile without a warning against voicechat-core alone: %s %s",
                diagnostics.getDiagnostics(), out).isTrue();
    }

    @Test
    void theEmbeddingSectionHasTheLiveTheBatchAndTheStreamingClass() {
        assertThat(examples).containsOnlyKeys("VoiceAssistant", "AnswerRecording", "PcmOverTcp");
        assertThat(examples.get("VoiceAssistant")).contains("AudioSources.microphone(", "AudioSinks.speaker(");
        assertThat(examples.get("AnswerRecording")).contains(".clock(new VirtualClock())");
        assertThat(examples.get("PcmOverTcp")).contains("AudioSources.pcm16(client.getInputStream()");
        for (String name : examples.keySet()) {
            assertThat(classes.resolve(name + ".class")).isRegularFile();
        }
    }

    @Test
    void mavenCoordinatesImportTheBomAndNameOnlyWhatItManages() throws Exception {
        String xml = blocks("xml").stream().filter(b -> b.contains("<artifactId>voicechat-bom</artifactId>"))
                .findFirst().orElseThrow();
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(("<project>" + xml + "</project>")
                        .getBytes(StandardCharsets.UTF_8)));
        Element bom = dependency(doc, "voicechat-bom");
        assertThat(text(bom, "type")).isEqualTo("pom");
        assertThat(text(bom, "scope")).isEqualTo("import");
        assertThat(text(bom, "version")).as("a released version, as a user would write it").matches("\\d+\\.\\d+\\.\\d+");
        assertThat(bom.getParentNode().getParentNode().getNodeName()).isEqualTo("dependencyManagement");

        List<String> managed = managedByTheBom();
        NodeList deps = doc.getDocumentElement().getElementsByTagName("dependency");
        List<String> voicechat = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (d.getParentNode().getParentNode().getNodeName().equals("project")
                    && text(d, "groupId").equals("io.github.voicechat")) {
                assertThat(d.getElementsByTagName("version").getLength())
                        .as("%s takes its version from the BOM", text(d, "artifactId")).isZero();
                voicechat.add(text(d, "artifactId"));
            }
        }
        assertThat(voicechat).containsExactly("voicechat-core", "voicechat-silero", "voicechat-sphinx",
                "voicechat-freetts");
        assertThat(managed).containsAll(voicechat);
        assertThat(text(dependency(doc, "slf4j-simple"), "version"))
                .isEqualTo(org.slf4j.simple.SimpleLogger.class.getPackage().getImplementationVersion());
    }

    @Test
    void theBatchExampleAnswersARecordingAndPrintsWhatTheReadmeShows() throws Exception {
        Path wav = SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav");
        Path bot = classes.resolve("bot.wav");
        Process p = java("AnswerRecording", wav.toString(), bot.toString());
        CompletableFuture<String> err = ForkedJvm.drain(p.getErrorStream());
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(err.join()).isZero();
        String printed = blocks("").stream().filter(b -> b.contains("user: go forward")).findFirst().orElseThrow();
        // The first-audio latency may land one 20 ms tick later from run to run (the README says so); the rest is
        // exactly what the README shows.
        Pattern latency = Pattern.compile("first audio (\\d+) ms");
        assertThat(latency.matcher(out).replaceAll("first audio N ms"))
                .isEqualTo(latency.matcher(printed).replaceAll("first audio N ms"));
        Matcher ms = latency.matcher(out);
        assertThat(ms.find()).isTrue();
        assertThat(Integer.parseInt(ms.group(1))).isBetween(500, 600);
        try (WavReader r = WavReader.open(bot)) {
            assertThat(r.format().sampleRateHz()).isEqualTo(48_000);
            assertThat(Pcm.rms(r.readAll().mono(), 0, (int) r.lengthSamples())).isGreaterThan(0.001);
        }
    }

    @Test
    void theStreamingExampleAnswersOverTcp() throws Exception {
        float[] user = WavReader.read(SharedData.requireSpeech().resolve("pocketsphinx_goforward.wav")).mono();
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Process p = java("PcmOverTcp", Integer.toString(port));
        try {
            BufferedReader log = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            String line;
            while ((line = log.readLine()) != null && !line.contains("listening on")) {
                seen.append(line).append('\n');
            }
            assertThat(line).as("the server's log before it listened: %s", seen).isNotNull();
            ForkedJvm.drain(p.getErrorStream());

            byte[] reply;
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                CompletableFuture<byte[]> answer = readAll(s.getInputStream());
                OutputStream out = s.getOutputStream();
                byte[] pcm = new byte[2 * (user.length + 16_000)]; // the recording, then a second of silence
                Pcm.floatToPcm16Le(user, 0, pcm, 0, user.length);
                out.write(pcm);
                out.flush();
                s.shutdownOutput(); // the user is done: the session ends once the answer is played
                reply = answer.get(5, TimeUnit.MINUTES);
            }
            float[] bot = new float[reply.length / 2];
            Pcm.pcm16LeToFloat(reply, 0, bot, 0, bot.length);
            // The stream carries the whole session at 16 kHz (silence while the user speaks); the audible part is
            // exactly FreeTTS saying the echo of what was heard.
            float[] expected = freeTts("You said go forward ten meters.");
            assertThat(audibleSamples(bot)).isCloseTo(audibleSamples(expected),
                    org.assertj.core.data.Offset.offset(320)); // one 20 ms frame at 16 kHz
            assertThat(bot.length).isGreaterThan(user.length);
        } finally {
            p.destroy();
            p.waitFor(1, TimeUnit.MINUTES);
        }
    }

    /** The fenced blocks of the README with this info string ({@code ""} for a bare fence). */
    private static List<String> blocks(String info) {
        List<String> out = new ArrayList<>();
        Matcher m = FENCE.matcher(readme);
        while (m.find()) {
            if (m.group(1).equals(info)) {
                out.add(m.group(2));
            }
        }
        return out;
    }

    /** The compile class path: voicechat-core and the SLF4J API, nothing else of the test class path. */
    private static String coreAndSlf4jApi() {
        String cp = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> e.contains("voicechat-core") || e.contains("slf4j-api"))
                .collect(Collectors.joining(File.pathSeparator));
        assertThat(cp).contains("voicechat-core").contains("slf4j-api");
        return cp;
    }

    /** {@code java -cp CLASSES:TEST_CLASS_PATH main args} with stdin closed: a user's run of the example. */
    private static Process java(String main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+UseParallelGC",
                "-cp", classes + File.pathSeparator + System.getProperty("java.class.path"), main));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        return p;
    }

    private static CompletableFuture<byte[]> readAll(InputStream in) {
        CompletableFuture<byte[]> bytes = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                in.transferTo(all);
                bytes.complete(all.toByteArray());
            } catch (IOException e) {
                bytes.completeExceptionally(e);
            }
        }, "readme-tcp-reader");
        t.setDaemon(true);
        t.start();
        return bytes;
    }

    /** FreeTTS's rendering of {@code text} at 16 kHz, the rate the streaming example plays at. */
    private static float[] freeTts(String text) throws Exception {
        try (FreeTtsSynthesizer tts = FreeTtsSynthesizer.create()) {
            assertThat(tts.sampleRateHz()).isEqualTo(16_000);
            io.github.voicechat.testkit.RecordingSink sink = new io.github.voicechat.testkit.RecordingSink();
            tts.synthesize(text, sink);
            return sink.samples();
        }
    }

    /** From the first to the last sample above -40 dBFS. */
    private static int audibleSamples(float[] x) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < x.length; i++) {
            if (Math.abs(x[i]) > 0.01f) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return first < 0 ? 0 : last - first + 1;
    }

    private static Element dependency(Document doc, String artifactId) {
        NodeList deps = doc.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            if (text(d, "artifactId").equals(artifactId)) {
                return d;
            }
        }
        throw new AssertionError("no dependency " + artifactId + " in the README's coordinates");
    }

    private static String text(Element e, String child) {
        NodeList n = e.getElementsByTagName(child);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().strip();
    }

    /** The artifactIds voicechat-bom manages, read from its POM beside this module. */
    private static List<String> managedByTheBom() throws Exception {
        Document bom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(README.resolveSibling("voicechat-bom").resolve("pom.xml").toFile());
        NodeList ids = bom.getElementsByTagName("artifactId");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < ids.getLength(); i++) {
            if (ids.item(i).getParentNode().getNodeName().equals("dependency")) {
                out.add(ids.item(i).getTextContent().strip());
            }
        }
        return out;
    }
}
