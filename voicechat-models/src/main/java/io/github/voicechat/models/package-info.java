/**
 * Model catalog, store and shared lifecycle.
 *
 * <ul>
 *   <li>{@link io.github.voicechat.models.ModelCatalog}: ids, engines, files, URLs and the digests their publishers
 *   state ({@code models/catalog.json}, shipped in this jar).</li>
 *   <li>{@link io.github.voicechat.models.ModelStore}: finds model files (offline folders, the model home, the
 *   classpath), downloads them with the JDK {@code HttpClient} (Range resume, coalesced concurrent pulls, a lock file
 *   per model between processes, a byte cap at the published size, stall and minimum-rate limits, retries with
 *   backoff only for what can succeed), verifies the strongest published digest before an atomic move into place,
 *   records SHA-256/size/time, re-verifies.</li>
 *   <li>{@link io.github.voicechat.models.ModelManager}: reference-counted handles, load-once, warm-up, parallel-load
 *   cap, idle-TTL and LRU eviction by count and bytes, events.</li>
 * </ul>
 *
 * <h2>Why a hand-written eviction policy rather than Caffeine</h2>
 * Caffeine was considered (the design suggests it). Its policy does not fit this job: an entry in use must never be
 * evicted, but Caffeine evicts by size regardless of outside references (pinning needs a weigher of 0 that must be
 * re-computed on every acquire/release through a write, and TTL has no notion of "in use" at all); its removal
 * listener runs asynchronously on an executor, so "closed exactly once, never while in use" would need a second
 * layer of reference counting anyway; and its maintenance is amortised over reads and writes on its own schedule,
 * which makes eviction order on a virtual clock harder to assert exactly. What remains to write is small: a few
 * dozen resident models at most, each pass a linear scan ordered by last use, every state change under the
 * model's own monitor. The pass runs on a {@link io.github.voicechat.time.Clock}, so tests drive it with a
 * {@link io.github.voicechat.time.VirtualClock} and {@link io.github.voicechat.models.ModelManager#runEvictionPass()}
 * deterministically; production runs it from one daemon thread that {@code close()} stops.
 *
 * <h2>Archives</h2>
 * zip, tar and tar.gz are read with the JDK (a small tar reader in {@code internal}); tar.bz2 uses
 * {@code org.apache.commons:commons-compress}, an optional dependency, so this module needs only core, SLF4J and
 * Jackson.
 *
 * <h2>Why a module of its own</h2>
 * Most applications never download a model (Silero, Sphinx and FreeTTS ship theirs in their jars), so the catalog,
 * the downloader and Jackson live here rather than in {@code voicechat-core}, which depends on the SLF4J API alone.
 * The adapters whose engines load model files (Whisper, Piper) depend on this module.
 */
package io.github.voicechat.models;
