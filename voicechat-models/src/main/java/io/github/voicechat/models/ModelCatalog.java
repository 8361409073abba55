package io.github.voicechat.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The model catalog: ids, engines, files, URLs, published digests and licences ({@code models/catalog.json}, also
 * shipped in the core jar). Immutable.
 */
public final class ModelCatalog {
    /** Classpath location of the catalog shipped with core. */
    public static final String RESOURCE = "io/github/voicechat/models/catalog.json";
    /** Highest catalog schema this version reads. */
    public static final int SCHEMA_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ModelEntry> entries;

    private ModelCatalog(Collection<ModelEntry> entries) {
        Map<String, ModelEntry> m = new LinkedHashMap<>();
        for (ModelEntry e : entries) {
            if (m.put(e.id(), e) != null) {
                throw new IllegalArgumentException("catalog lists model id '" + e.id() + "' twice");
            }
        }
        this.entries = java.util.Collections.unmodifiableMap(m);
    }

    /**
     * {@return a catalog of these entries}
     *
     * @param entries the models, each id once
     * @throws IllegalArgumentException if an id is listed twice
     */
    public static ModelCatalog of(Collection<ModelEntry> entries) {
        return new ModelCatalog(entries);
    }

    /** {@return the catalog shipped in the voicechat-models jar ({@code models/catalog.json} of the repository)} */
    public static ModelCatalog builtIn() {
        try (InputStream in = ModelCatalog.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RESOURCE + " is missing from voicechat-models");
            }
            return parse(in, RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Reads a catalog file in the {@code catalog.json} format.
     *
     * @param file the file
     * @return the catalog
     * @throws IOException if the file cannot be read
     * @throws IllegalArgumentException if it is not valid JSON or not a valid catalog, naming the entry and field
     */
    public static ModelCatalog load(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, file.toString());
        }
    }

    /**
     * Parses a catalog in the {@code catalog.json} format.
     *
     * @param json the catalog
     * @return the catalog
     * @throws IllegalArgumentException if it is not valid JSON or not a valid catalog, naming the entry and field
     */
    public static ModelCatalog parse(String json) {
        try {
            return fromTree(JSON.readTree(json), "<string>");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("catalog is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static ModelCatalog parse(InputStream in, String source) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(in);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException("catalog " + source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        return fromTree(root, source);
    }

    private static ModelCatalog fromTree(JsonNode root, String source) {
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("catalog " + source + " must be a JSON object with a 'models' array");
        }
        int schema = root.path("schemaVersion").asInt(1);
        if (schema > SCHEMA_VERSION) {
            throw new IllegalArgumentException("catalog " + source + " has schemaVersion " + schema
                    + " but this voicechat reads up to " + SCHEMA_VERSION);
        }
        JsonNode models = root.get("models");
        if (models == null || !models.isArray()) {
            throw new IllegalArgumentException("catalog " + source + " must have a 'models' array");
        }
        List<ModelEntry> list = new ArrayList<>();
        int i = 0;
        for (JsonNode m : models) {
            String where = source + " models[" + i++ + "]";
            try {
                list.add(entry(m));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
            }
        }
        return new ModelCatalog(list);
    }

    private static ModelEntry entry(JsonNode m) {
        String id = text(m, "id", true);
        List<String> languages = new ArrayList<>();
        m.path("languages").forEach(n -> languages.add(n.asText()));
        List<ModelFile> files = new ArrayList<>();
        for (JsonNode f : m.path("files")) {
            files.add(file(f));
        }
        JsonNode rate = m.get("sampleRateHz");
        if (rate == null || !rate.canConvertToInt()) {
            throw new IllegalArgumentException("model " + id + " needs an integer sampleRateHz");
        }
        return new ModelEntry(id, text(m, "engine", true), ModelTask.fromCatalogName(text(m, "task", true)),
                languages, rate.asInt(), files, text(m, "license", false), text(m, "description", false));
    }

    private static ModelFile file(JsonNode f) {
        String path = text(f, "path", true);
        String url = text(f, "url", false);
        JsonNode size = f.get("sizeBytes");
        List<Digest> digests = new ArrayList<>();
        JsonNode d = f.get("digests");
        if (d != null) {
            Iterator<Map.Entry<String, JsonNode>> it = d.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                digests.add(new Digest(DigestAlgorithm.fromCatalogName(e.getKey()), e.getValue().asText()));
            }
        }
        String archive = text(f, "archive", false);
        return new ModelFile(path, url == null ? null : URI.create(url), text(f, "classpath", false),
                size == null || size.isNull() ? null : size.asLong(), digests,
                archive == null ? null : ArchiveFormat.fromCatalogName(archive));
    }

    private static String text(JsonNode n, String field, boolean required) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new IllegalArgumentException("missing required field '" + field + "'");
            }
            return null;
        }
        return v.asText();
    }

    /** {@return this catalog in the {@code catalog.json} format} */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", SCHEMA_VERSION);
        ArrayNode models = root.putArray("models");
        for (ModelEntry e : entries.values()) {
            ObjectNode m = models.addObject();
            m.put("id", e.id());
            m.put("engine", e.engine());
            m.put("task", e.task().name().toLowerCase(Locale.ROOT));
            ArrayNode langs = m.putArray("languages");
            e.languages().forEach(langs::add);
            m.put("sampleRateHz", e.sampleRateHz());
            m.put("license", e.license());
            m.put("description", e.description());
            ArrayNode files = m.putArray("files");
            for (ModelFile f : e.files()) {
                ObjectNode fo = files.addObject();
                fo.put("path", f.path());
                if (f.url() != null) {
                    fo.put("url", f.url().toString());
                }
                if (f.classpath() != null) {
                    fo.put("classpath", f.classpath());
                }
                if (f.sizeBytes() != null) {
                    fo.put("sizeBytes", f.sizeBytes());
                }
                if (f.archive() != null) {
                    fo.put("archive", f.archive().catalogName());
                }
                ObjectNode ds = fo.putObject("digests");
                f.digests().forEach(dg -> ds.put(dg.algorithm().catalogName(), dg.hex()));
            }
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@return every entry, in catalog order} */
    public Collection<ModelEntry> entries() {
        return entries.values();
    }

    /**
     * {@return the entry with that id, if any}
     *
     * @param id a model id
     */
    public Optional<ModelEntry> find(String id) {
        return Optional.ofNullable(entries.get(id));
    }

    /**
     * {@return the entries for a task that handle a language} A bare language ({@code en}) matches any region; for
     * routing by capability.
     *
     * @param task        what the model does
     * @param languageTag a BCP-47 tag
     */
    public List<ModelEntry> find(ModelTask task, String languageTag) {
        return entries.values().stream()
                .filter(e -> e.task() == task && e.capabilities().supportsLanguage(languageTag))
                .toList();
    }

    /**
     * {@return the entry with that id}
     *
     * @param id a model id
     * @throws UnknownModelException naming the three nearest ids by edit distance
     */
    public ModelEntry get(String id) {
        ModelEntry e = entries.get(id);
        if (e == null) {
            throw new UnknownModelException(id, nearestIds(id, 3));
        }
        return e;
    }

    /**
     * {@return up to {@code max} ids closest to {@code id}} By case-insensitive edit distance, then alphabetically.
     *
     * @param id  any text
     * @param max the most ids to return
     */
    public List<String> nearestIds(String id, int max) {
        String want = id.toLowerCase(Locale.ROOT);
        return entries.keySet().stream()
                .sorted(Comparator.<String>comparingInt(k -> editDistance(want, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(max)
                .toList();
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /**
     * {@return a copy with {@code extra} entries added or replacing those with the same id}
     *
     * @param extra the entries to add
     */
    public ModelCatalog with(Collection<ModelEntry> extra) {
        Map<String, ModelEntry> m = new LinkedHashMap<>(entries);
        extra.forEach(e -> m.put(e.id(), e));
        return new ModelCatalog(m.values());
    }
}
