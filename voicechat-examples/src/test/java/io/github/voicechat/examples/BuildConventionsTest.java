package io.github.voicechat.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * What the enforcer cannot see, because it looks at one module's effective model at a time: every POM of the build
 * takes the one version ({@code revision} in voicechat-build) and the BOM lists exactly the published modules. A module
 * added without those fails here, by name.
 */
class BuildConventionsTest {

    private static final Path ROOT = Path.of(System.getProperty("voicechat.root", ".."));

    /** One POM of the reactor. */
    record Module(Path dir, Element project) {
        String artifactId() {
            return child(project, "artifactId").orElseThrow();
        }

        boolean published() {
            return element(project, "properties").flatMap(p -> child(p, "maven.deploy.skip"))
                    .map(v -> !v.equals("true")).orElse(true);
        }

        boolean jar() {
            return Files.isDirectory(dir.resolve("src/main/java"));
        }
    }

    static List<Module> modules;

    @BeforeAll
    static void readTheReactor() throws Exception {
        modules = new ArrayList<>();
        collect(ROOT);
    }

    private static void collect(Path dir) throws Exception {
        Document pom = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("pom.xml").toFile());
        Module m = new Module(dir, pom.getDocumentElement());
        modules.add(m);
        Optional<Element> list = element(m.project(), "modules");
        if (list.isPresent()) {
            NodeList names = list.get().getElementsByTagName("module");
            for (int i = 0; i < names.getLength(); i++) {
                collect(dir.resolve(names.item(i).getTextContent().strip()));
            }
        }
    }

    @Test
    void theVersionIsWrittenOnceInVoicechatBuild() {
        assertThat(modules).extracting(Module::artifactId).contains("voicechat-build", "voicechat-parent",
                "voicechat-bom", "voicechat-core");
        for (Module m : modules) {
            if (m.artifactId().equals("voicechat-build")) {
                assertThat(child(m.project(), "version")).hasValue("${revision}");
                assertThat(element(m.project(), "properties").flatMap(p -> child(p, "revision")))
                        .hasValueSatisfying(v -> assertThat(v).matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"));
                continue;
            }
            assertThat(child(m.project(), "version")).as("%s inherits its version", m.artifactId()).isEmpty();
            Element parent = element(m.project(), "parent").orElseThrow(
                    () -> new AssertionError(m.artifactId() + " has no parent: it would miss the release setup"));
            assertThat(child(parent, "groupId")).hasValue("io.github.voicechat");
            assertThat(child(parent, "version")).as("%s's parent version", m.artifactId()).hasValue("${revision}");
        }
    }

    @Test
    void theBomListsEveryPublishedModuleAndNothingElse() throws Exception {
        List<String> published = new ArrayList<>();
        for (Module m : modules) {
            if (m.jar() && m.published()) {
                published.add(m.artifactId());
            }
        }
        Module bom = modules.stream().filter(m -> m.artifactId().equals("voicechat-bom")).findFirst().orElseThrow();
        NodeList deps = element(bom.project(), "dependencyManagement").orElseThrow()
                .getElementsByTagName("dependency");
        List<String> managed = new ArrayList<>();
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            managed.add(child(d, "artifactId").orElseThrow());
            assertThat(child(d, "version")).hasValue("${project.version}");
        }
        assertThat(managed).containsExactlyInAnyOrderElementsOf(published);
        assertThat(managed).doesNotContain("voicechat-examples", "voicechat-benchmarks");
    }

    @Test
    void everyJarModuleNamesItsModule() {
        for (Module m : modules) {
            if (m.jar()) {
                assertThat(element(m.project(), "properties").flatMap(p -> child(p, "voicechat.module.name")))
                        .as("%s sets voicechat.module.name", m.artifactId())
                        .hasValueSatisfying(n -> assertThat(n).startsWith("io.github.voicechat."));
            }
        }
    }

    /**
     * A library is a guest in its host's process: no published module's code writes to stdout or stderr (logging
     * goes through SLF4J). Commands that print (the CLI, the benchmark harnesses) live in unpublished modules.
     */
    @Test
    void noPublishedModuleWritesToStdoutOrStderr() throws Exception {
        List<String> found = new ArrayList<>();
        int files = 0;
        for (Module m : modules) {
            if (!m.jar() || !m.published()) {
                continue;
            }
            List<Path> sources;
            try (var walk = Files.walk(m.dir().resolve("src/main/java"))) {
                sources = walk.filter(f -> f.toString().endsWith(".java")).toList();
            }
            for (Path f : sources) {
                files++;
                String code = codeOnly(Files.readString(f));
                for (String call : List.of("System.out", "System.err", "printStackTrace(")) {
                    if (code.contains(call)) {
                        found.add(ROOT.relativize(f) + ": " + call);
                    }
                }
            }
        }
        assertThat(files).as("library sources read").isGreaterThan(100);
        assertThat(found).as("library code writing to stdout or stderr").isEmpty();
    }

    /** {@code source} without its comments and the contents of its string and char literals. */
    static String codeOnly(String source) {
        StringBuilder out = new StringBuilder(source.length());
        int i = 0;
        int n = source.length();
        while (i < n) {
            char c = source.charAt(i);
            if (source.startsWith("//", i)) {
                i = source.indexOf('\n', i);
                i = i < 0 ? n : i;
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                i = end < 0 ? n : end + 3;
                out.append("\"\"");
            } else if (c == '"' || c == '\'') {
                int j = i + 1;
                while (j < n && source.charAt(j) != c) {
                    j += source.charAt(j) == '\\' ? 2 : 1;
                }
                i = j + 1;
                out.append(c).append(c);
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    @Test
    void codeOnlyKeepsCodeAndDropsCommentsAndLiterals() {
        assertThat(codeOnly("a(\"System.out // x\"); // System.err\nb('\\''); /* printStackTrace( */ c();"
                + " String t = \"\"\"\n  System.out\n  \"\"\"; System.out.println();"))
                .isEqualTo("a(\"\"); \nb('');  c(); String t = \"\"; System.out.println();");
    }

    private static Optional<Element> element(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    private static Optional<String> child(Element parent, String name) {
        return element(parent, name).map(e -> e.getTextContent().strip());
    }
}
