package io.github.voicechat.models;

import io.github.voicechat.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Loads, shares and evicts models in one process.
 *
 * <pre>{@code
 * try (ModelManager models = ModelManager.newBuilder()
 *         .defaultModel("silero-vad-v6")
 *         .idleTtl(Duration.ofMinutes(10))
 *         .maxResidentModels(4)
 *         .build();
 *      ModelHandle<LoadedModel> h = models.acquire("whisper-base.en")) {
 *     ... h.model() ...
 * }
 * }</pre>
 *
 * <p>{@link #acquire} returns a reference-counted handle; concurrent acquires of one id load it once (the others
 * wait), loading runs the loader's warm-up before any handle is handed out, and at most
 * {@link Builder#maxParallelLoads} loads run at a time. An eviction pass ({@link #runEvictionPass()}, run by a
 * background task every {@link Builder#evictionInterval}) closes models idle longer than the TTL, then the least
 * recently used idle models while more than {@link Builder#maxResidentModels} or {@link Builder#maxResidentBytes}
 * are resident. A model with an open handle is never evicted. The default model is held by the manager itself, so
 * it stays resident until {@link #close()}, which stops the background task and closes every model.
 */
public final class ModelManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelManager.class);

    private final ModelStore store;
    private final Clock clock;
    private final Map<String, ModelLoader> loaders;
    private final long idleTtlNanos;
    private final int maxResidentModels;
    private final long maxResidentBytes;
    private final Semaphore loadPermits;
    private final boolean autoPull;
    private final List<ModelEventListener> listeners;
    private final ConcurrentHashMap<String, Slot> slots = new ConcurrentHashMap<>();
    private final ScheduledExecutorService evictor;
    private volatile boolean closed;
    private volatile ModelHandle<LoadedModel> defaultHandle;

    /** Mutable per-model state; every field is guarded by the slot's monitor. */
    private static final class Slot {
        final String id;
        final CompletableFuture<LoadedModel> ready = new CompletableFuture<>();
        ModelState state = ModelState.LOADING;
        LoadedModel model;
        int refCount;
        long lastUsedNanos;
        long sizeBytes;
        Duration loadTime = Duration.ZERO;
        boolean removed;

        Slot(String id) {
            this.id = id;
        }
    }

    private record Snapshot(Slot slot, ModelState state, int refCount, long lastUsedNanos, long sizeBytes,
                            Duration loadTime, boolean removed) {
    }

    private ModelManager(Builder b) {
        this.store = b.store != null ? b.store : ModelStore.builder().build();
        this.clock = b.clock;
        Map<String, ModelLoader> l = new LinkedHashMap<>();
        if (b.useServiceLoader) {
            for (ModelLoader found : ServiceLoader.load(ModelLoader.class)) {
                l.putIfAbsent(found.engine(), found);
            }
        }
        b.loaders.forEach(x -> l.put(x.engine(), x));
        this.loaders = Map.copyOf(l);
        this.idleTtlNanos = b.idleTtl.toNanos();
        this.maxResidentModels = b.maxResidentModels;
        this.maxResidentBytes = b.maxResidentBytes;
        this.loadPermits = new Semaphore(b.maxParallelLoads, true);
        this.autoPull = b.autoPull;
        this.listeners = new CopyOnWriteArrayList<>(b.listeners);
        if (b.evictionInterval.isZero()) {
            this.evictor = null;
        } else {
            ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
                Thread t = new Thread(r, "voicechat-model-evictor");
                t.setDaemon(true);
                return t;
            });
            ex.setRemoveOnCancelPolicy(true);
            long ms = b.evictionInterval.toMillis();
            ex.scheduleWithFixedDelay(this::backgroundPass, ms, ms, TimeUnit.MILLISECONDS);
            this.evictor = ex;
        }
    }

    /** {@return a builder with the defaults} */
    public static Builder newBuilder() {
        return new Builder();
    }

    /** {@return where this manager finds models} */
    public ModelStore store() {
        return store;
    }

    /** {@return the store's catalog} */
    public ModelCatalog catalog() {
        return store.catalog();
    }

    /**
     * Acquires a model whose loaded type must be {@code type}, as {@link #acquire(String)} does.
     *
     * @param <T>  the loaded model's type
     * @param id   the model's id
     * @param type the loaded model's type
     * @return an open handle; close it when done
     * @throws IllegalArgumentException if the model loads as another type
     */
    @SuppressWarnings("unchecked")
    public <T extends LoadedModel> ModelHandle<T> acquire(String id, Class<T> type) {
        ModelHandle<LoadedModel> h = acquire(id);
        LoadedModel m = h.model();
        if (!type.isInstance(m)) {
            h.close();
            throw new IllegalArgumentException("model " + id + " loaded as " + m.getClass().getName()
                    + ", not the expected " + type.getName());
        }
        return (ModelHandle<T>) (ModelHandle<?>) h;
    }

    /**
     * A handle to the model, loading (and warming up) it first if needed. Blocks while another thread loads it.
     *
     * @param id the model's id
     * @return an open handle; close it when done
     * @throws UnknownModelException      id not in the catalog
     * @throws ModelNotInstalledException files missing (and auto-pull off)
     * @throws ModelLoadException         no loader for its engine, or the loader failed
     * @throws IllegalStateException      the manager is closed
     */
    public ModelHandle<LoadedModel> acquire(String id) {
        ensureOpen();
        ModelEntry entry = store.catalog().get(id);
        ModelLoader loader = loaders.get(entry.engine());
        if (loader == null) {
            throw new ModelLoadException(id, "no loader for engine '" + entry.engine() + "' of model " + id
                    + "; add the voicechat-" + entry.engine() + " adapter to the classpath (loaders present: "
                    + loaders.keySet() + ")", null);
        }
        while (true) {
            Slot created = null;
            Slot slot = slots.get(id);
            if (slot == null) {
                created = new Slot(id);
                Slot prev = slots.putIfAbsent(id, created);
                slot = prev == null ? created : prev;
            }
            CompletableFuture<LoadedModel> ready;
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                ensureOpen();
                slot.refCount++;
                slot.lastUsedNanos = clock.nanoTime();
                if (slot.state == ModelState.READY) {
                    return handle(slot, slot.model);
                }
                ready = slot.ready;
            }
            if (slot == created) {
                load(slot, entry, loader);
            }
            try {
                return handle(slot, ready.join());
            } catch (CompletionException e) {
                // The failed slot was removed, so the count taken above needs no undoing.
                if (e.getCause() instanceof RuntimeException re) {
                    throw re;
                }
                throw new ModelLoadException(id, "loading model " + id + " failed: " + e.getCause(), e.getCause());
            }
        }
    }

    private ModelHandle<LoadedModel> handle(Slot slot, LoadedModel m) {
        return new ModelHandle<>(slot.id, m, h -> release(slot));
    }

    private void release(Slot slot) {
        synchronized (slot) {
            if (slot.refCount <= 0) {
                throw new IllegalStateException("model " + slot.id + " released more often than acquired");
            }
            slot.refCount--;
            slot.lastUsedNanos = clock.nanoTime();
        }
    }

    private void load(Slot slot, ModelEntry entry, ModelLoader loader) {
        long t0 = clock.nanoTime();
        LoadedModel m = null;
        Throwable failure = null;
        boolean permit = false;
        try {
            loadPermits.acquire();
            permit = true;
            ResolvedModel files = resolveFiles(entry);
            m = loader.load(entry, files);
            if (m == null) {
                throw new IllegalStateException("loader " + loader.getClass().getName() + " returned null");
            }
            m.warmUp();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = e;
        } catch (Exception | LinkageError e) {
            failure = e;
        } finally {
            if (permit) {
                loadPermits.release();
            }
        }
        if (failure != null) {
            if (m != null) {
                closeQuietly(slot.id, m);
            }
            synchronized (slot) {
                slot.removed = true;
            }
            slots.remove(slot.id, slot);
            RuntimeException ex = failure instanceof ModelException me ? me
                    : new ModelLoadException(slot.id, "loading model " + slot.id + " with the " + entry.engine()
                    + " loader failed: " + failure, failure);
            LOG.warn("model {} failed to load: {}", slot.id, failure.toString());
            emit(new ModelEvent(ModelEvent.Type.LOAD_FAILED, slot.id, 0, Duration.ZERO, "", failure));
            slot.ready.completeExceptionally(ex);
            return;
        }
        long bytes = m.sizeBytes();
        Duration loadTime = Duration.ofNanos(clock.nanoTime() - t0);
        boolean closeNow;
        synchronized (slot) {
            closeNow = slot.removed;
            if (!closeNow) {
                slot.model = m;
                slot.state = ModelState.READY;
                slot.sizeBytes = bytes;
                slot.loadTime = loadTime;
            }
        }
        if (closeNow) {
            closeQuietly(slot.id, m);
            slot.ready.completeExceptionally(new IllegalStateException("model manager closed while loading " + slot.id));
            return;
        }
        LOG.debug("model {} loaded in {} ms ({} bytes)", slot.id, loadTime.toMillis(), bytes);
        emit(new ModelEvent(ModelEvent.Type.LOADED, slot.id, bytes, loadTime, "", null));
        slot.ready.complete(m);
    }

    private ResolvedModel resolveFiles(ModelEntry entry) {
        try {
            return store.resolve(entry);
        } catch (ModelNotInstalledException e) {
            if (!autoPull) {
                throw e;
            }
            LOG.info("model {} is not installed; pulling it", entry.id());
            return store.pull(entry.id()).model();
        }
    }

    /**
     * Runs one eviction pass now: idle-TTL first, then LRU down to the caps. Only models without open handles are
     * closed. The background task calls this; tests on a virtual clock call it directly.
     *
     * @return how many models were evicted
     */
    public int runEvictionPass() {
        if (closed) {
            return 0;
        }
        int evicted = 0;
        long now = clock.nanoTime();
        if (idleTtlNanos > 0) {
            for (Slot s : slots.values()) {
                if (tryEvict(s, x -> x.refCount == 0 && now - x.lastUsedNanos >= idleTtlNanos, "idle-ttl")) {
                    evicted++;
                }
            }
        }
        for (int guard = 0; guard <= slots.size() + 1; guard++) {
            List<Snapshot> resident = snapshots().stream().filter(s -> s.state() == ModelState.READY).toList();
            long bytes = resident.stream().mapToLong(Snapshot::sizeBytes).sum();
            String reason = resident.size() > maxResidentModels ? "lru-count"
                    : bytes > maxResidentBytes ? "lru-bytes" : null;
            if (reason == null) {
                break;
            }
            Snapshot victim = resident.stream().filter(s -> s.refCount() == 0)
                    .min(Comparator.comparingLong(Snapshot::lastUsedNanos)).orElse(null);
            if (victim == null) {
                LOG.debug("over the resident cap ({} models, {} bytes) but every model is in use", resident.size(),
                        bytes);
                break;
            }
            if (tryEvict(victim.slot(), x -> x.refCount == 0, reason)) {
                evicted++;
            }
        }
        return evicted;
    }

    /**
     * Evicts one model now if it is loaded and no handle is open.
     *
     * @param id the model's id
     * @return whether it was evicted
     */
    public boolean evict(String id) {
        Slot s = slots.get(id);
        return s != null && tryEvict(s, x -> x.refCount == 0, "manual");
    }

    private boolean tryEvict(Slot slot, Predicate<Slot> eligible, String reason) {
        LoadedModel m;
        long bytes;
        synchronized (slot) {
            if (slot.removed || slot.state != ModelState.READY || !eligible.test(slot)) {
                return false;
            }
            slot.removed = true;
            m = slot.model;
            slot.model = null;
            bytes = slot.sizeBytes;
        }
        slots.remove(slot.id, slot);
        Throwable failure = closeQuietly(slot.id, m);
        LOG.debug("model {} evicted ({})", slot.id, reason);
        emit(new ModelEvent(ModelEvent.Type.EVICTED, slot.id, bytes, Duration.ZERO, reason, failure));
        return true;
    }

    private void backgroundPass() {
        try {
            runEvictionPass();
        } catch (RuntimeException e) {
            LOG.warn("model eviction pass failed", e);
        }
    }

    private List<Snapshot> snapshots() {
        List<Snapshot> out = new ArrayList<>();
        for (Slot s : slots.values()) {
            synchronized (s) {
                if (!s.removed) {
                    out.add(new Snapshot(s, s.state, s.refCount, s.lastUsedNanos, s.sizeBytes, s.loadTime, false));
                }
            }
        }
        return out;
    }

    /** {@return the models now loading or resident, by id} */
    public List<ModelInfo> list() {
        long now = clock.nanoTime();
        return snapshots().stream()
                .map(s -> new ModelInfo(s.slot().id, s.state(), s.refCount(), s.lastUsedNanos(),
                        s.refCount() > 0 ? Duration.ZERO : Duration.ofNanos(Math.max(0, now - s.lastUsedNanos())),
                        s.sizeBytes(), s.loadTime()))
                .sorted(Comparator.comparing(ModelInfo::id))
                .toList();
    }

    /**
     * Adds a listener to the events of every model.
     *
     * @param listener called on the thread that caused the event
     */
    public void addListener(ModelEventListener listener) {
        listeners.add(Objects.requireNonNull(listener));
    }

    private void emit(ModelEvent e) {
        for (ModelEventListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                LOG.warn("model event listener {} failed on {}", l, e, ex);
            }
        }
    }

    private static Throwable closeQuietly(String id, LoadedModel m) {
        try {
            m.close();
            return null;
        } catch (Exception e) {
            LOG.warn("closing model {} failed", id, e);
            return e;
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("model manager is closed");
        }
    }

    /** Stops the eviction task and closes every model, in use or not. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (evictor != null) {
            evictor.shutdownNow();
            try {
                if (!evictor.awaitTermination(10, TimeUnit.SECONDS)) {
                    LOG.warn("model eviction task did not stop within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        ModelHandle<LoadedModel> d = defaultHandle;
        if (d != null) {
            d.close();
        }
        for (Slot slot : slots.values()) {
            LoadedModel m;
            int refs;
            long bytes;
            synchronized (slot) {
                if (slot.removed) {
                    continue;
                }
                slot.removed = true;
                m = slot.model;
                slot.model = null;
                refs = slot.refCount;
                bytes = slot.sizeBytes;
            }
            slots.remove(slot.id, slot);
            if (m != null) {
                if (refs > 0) {
                    LOG.warn("closing model {} while {} handle(s) are still open", slot.id, refs);
                }
                Throwable failure = closeQuietly(slot.id, m);
                emit(new ModelEvent(ModelEvent.Type.EVICTED, slot.id, bytes, Duration.ZERO, "shutdown", failure));
            }
        }
    }

    /** Configures a {@link ModelManager}, Caffeine style. */
    public static final class Builder {
        private ModelStore store;
        private final List<ModelLoader> loaders = new ArrayList<>();
        private boolean useServiceLoader = true;
        private Clock clock = Clock.system();
        private Duration idleTtl = Duration.ofMinutes(10);
        private int maxResidentModels = Integer.MAX_VALUE;
        private long maxResidentBytes = Long.MAX_VALUE;
        private Duration evictionInterval = Duration.ofSeconds(30);
        private int maxParallelLoads = 2;
        private String defaultModel;
        private final List<String> preload = new ArrayList<>();
        private final List<ModelEventListener> listeners = new ArrayList<>();
        private boolean autoPull;

        private Builder() {
        }

        /**
         * Sets where models are found; default {@code ModelStore.builder().build()} (built-in catalog, default home).
         *
         * @param store the store
         * @return this builder
         */
        public Builder store(ModelStore store) {
            this.store = Objects.requireNonNull(store);
            return this;
        }

        /**
         * Adds a loader; it replaces one found by ServiceLoader for the same engine.
         *
         * @param loader the loader
         * @return this builder
         */
        public Builder loader(ModelLoader loader) {
            loaders.add(Objects.requireNonNull(loader));
            return this;
        }

        /**
         * Sets whether to add loaders listed in {@code META-INF/services}; default true.
         *
         * @param use whether to
         * @return this builder
         */
        public Builder useServiceLoader(boolean use) {
            this.useServiceLoader = use;
            return this;
        }

        /**
         * Sets the clock for idle times; a {@link io.github.voicechat.time.VirtualClock} makes tests exact.
         *
         * @param clock the clock
         * @return this builder
         */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /**
         * Evicts models unused this long; {@link Duration#ZERO} keeps them until a cap needs room. Default 10 min.
         *
         * @param ttl the idle time, not negative
         * @return this builder
         */
        public Builder idleTtl(Duration ttl) {
            if (ttl.isNegative()) {
                throw new IllegalArgumentException("idle TTL must be >= 0, was " + ttl);
            }
            this.idleTtl = ttl;
            return this;
        }

        /**
         * Caps the models kept loaded (default no cap): the least recently used idle one is evicted to make room.
         *
         * @param count at least 1
         * @return this builder
         */
        public Builder maxResidentModels(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("max resident models must be >= 1, was " + count);
            }
            this.maxResidentModels = count;
            return this;
        }

        /**
         * Caps the estimated resident size of the loaded models ({@link LoadedModel#sizeBytes()}): the least recently
         * used idle ones are evicted to make room. Default no cap.
         *
         * @param bytes at least 1
         * @return this builder
         */
        public Builder maxResidentBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("max resident bytes must be >= 1, was " + bytes);
            }
            this.maxResidentBytes = bytes;
            return this;
        }

        /**
         * Sets how often the background task runs an eviction pass; {@link Duration#ZERO} disables it. Default 30 s.
         *
         * @param interval the period, not negative
         * @return this builder
         */
        public Builder evictionInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("eviction interval must be >= 0, was " + interval);
            }
            this.evictionInterval = interval;
            return this;
        }

        /**
         * Caps the loads running at once (loading is memory- and CPU-heavy). Default 2.
         *
         * @param loads at least 1
         * @return this builder
         */
        public Builder maxParallelLoads(int loads) {
            if (loads < 1) {
                throw new IllegalArgumentException("max parallel loads must be >= 1, was " + loads);
            }
            this.maxParallelLoads = loads;
            return this;
        }

        /**
         * Names a model loaded by {@link #build()} (which fails if it cannot be) and kept resident until close.
         *
         * @param id the model's id
         * @return this builder
         */
        public Builder defaultModel(String id) {
            this.defaultModel = id;
            return this;
        }

        /**
         * Names models loaded by {@link #build()}; a failure is logged and reported as an event, not thrown.
         *
         * @param ids the models' ids
         * @return this builder
         */
        public Builder preload(String... ids) {
            preload.addAll(List.of(ids));
            return this;
        }

        /**
         * Adds a listener to the events of every model.
         *
         * @param listener called on the thread that caused the event
         * @return this builder
         */
        public Builder listener(ModelEventListener listener) {
            listeners.add(Objects.requireNonNull(listener));
            return this;
        }

        /**
         * Pulls a missing model (verified downloads only) instead of failing; default false.
         *
         * @param autoPull whether to
         * @return this builder
         */
        public Builder autoPull(boolean autoPull) {
            this.autoPull = autoPull;
            return this;
        }

        /**
         * {@return the manager, with its default and preloaded models loaded}
         *
         * @throws ModelException if the default model cannot be loaded
         */
        public ModelManager build() {
            ModelManager m = new ModelManager(this);
            if (defaultModel != null) {
                try {
                    m.defaultHandle = m.acquire(defaultModel);
                } catch (RuntimeException e) {
                    m.close();
                    throw e;
                }
            }
            for (String id : preload) {
                try {
                    m.acquire(id).close();
                } catch (RuntimeException e) {
                    LOG.warn("preloading model {} failed: {}", id, e.getMessage());
                }
            }
            return m;
        }
    }
}
