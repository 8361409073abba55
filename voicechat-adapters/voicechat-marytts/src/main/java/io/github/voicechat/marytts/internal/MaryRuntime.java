package io.github.voicechat.marytts.internal;

import io.github.voicechat.spi.EngineException;
import java.lang.reflect.Field;
import java.net.URL;
import java.util.Timer;
import marytts.LocalMaryInterface;
import marytts.modules.ModuleRegistry;
import marytts.modules.TargetFeatureLister;
import marytts.htsengine.HMMVoice;
import marytts.modules.synthesis.Voice;
import marytts.server.Mary;
import marytts.server.MaryProperties;
import marytts.util.MaryRuntimeUtils;
import marytts.util.MaryUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MaryTTS system, started once per class loader and kept: {@code Mary} is a static singleton that cannot be
 * restarted cleanly (its start-up registers a JVM shutdown hook that calls {@code Mary.shutdown()}, which throws if
 * we had already shut it down), so synthesizers share it and closing one releases nothing of MaryTTS.
 *
 * <p>Start-up is made a guest here:
 * <ul>
 *   <li>logging: MaryTTS calls {@code PropertyConfigurator.configure(...)} unless log4j's root logger already has an
 *       appender. With log4j-over-slf4j as {@code org.apache.log4j} that call does nothing and MaryTTS's log4j
 *       loggers ({@code marytts.*}) write to SLF4J. If another {@code org.apache.log4j} (log4j 1.x, or Log4j 2's
 *       log4j-1.2-api, whose configurator replaces the whole Log4j 2 configuration) comes first on the class path, we
 *       refuse to start rather than let MaryTTS reconfigure the host's logging;</li>
 *   <li>MaryTTS sets the system property {@code log4j.defaultInitOverride=true} while checking log4j; we put back
 *       what was there;</li>
 *   <li>{@code server=commandline} comes from {@link CommandLineConfig}, checked here;</li>
 *   <li>{@code MaryUtils} starts a daemon {@code Timer} thread in its static initialiser, used only to delete
 *       temporary audio files of the Festival caller; we cancel it, so no MaryTTS thread outlives a synthesis.</li>
 * </ul>
 */
public final class MaryRuntime {

    public static final String VOICE = "cmu-slt-hsmm";

    private static final Logger LOG = LoggerFactory.getLogger(MaryRuntime.class);
    private static final String INIT_OVERRIDE = "log4j.defaultInitOverride";

    private static MaryRuntime instance;
    private static EngineException failure;

    private final HMMVoice voice;
    private final TargetFeatureLister featureLister;

    private MaryRuntime(HMMVoice voice, TargetFeatureLister featureLister) {
        this.voice = voice;
        this.featureLister = featureLister;
    }

    /** The started runtime; the first call starts MaryTTS and warms it up (about 1.5 s). */
    public static synchronized MaryRuntime get() {
        if (instance != null) {
            return instance;
        }
        if (failure != null) {
            // Mary stays in its STARTING state after a failed start-up and cannot be started again.
            throw failure;
        }
        try {
            instance = start();
            return instance;
        } catch (EngineException e) {
            failure = e;
            throw e;
        }
    }

    public HMMVoice voice() {
        return voice;
    }

    public TargetFeatureLister featureLister() {
        return featureLister;
    }

    private static MaryRuntime start() {
        checkLog4jIsSlf4j();
        String server = MaryProperties.getProperty("server");
        if (!"commandline".equals(server)) {
            throw new EngineException("MaryTTS would start in server mode '" + server + "' (expected 'commandline'): "
                    + "a system property 'server' is set, or marytts-runtime comes before voicechat-marytts on the "
                    + "class path");
        }
        long t0 = System.nanoTime();
        String initOverride = System.getProperty(INIT_OVERRIDE);
        try {
            if (Mary.currentState() == Mary.STATE_OFF) {
                MaryRuntimeUtils.ensureMaryStarted();
            }
        } catch (Exception | LinkageError e) {
            throw new EngineException("MaryTTS could not start: " + e, e);
        } finally {
            if (initOverride == null) {
                System.clearProperty(INIT_OVERRIDE);
            } else {
                System.setProperty(INIT_OVERRIDE, initOverride);
            }
        }
        cancelMaintenanceTimer();
        Voice v = Voice.getVoice(VOICE);
        if (!(v instanceof HMMVoice)) {
            throw new EngineException("MaryTTS voice " + VOICE + " not found (is voice-cmu-slt-hsmm on the class path?)");
        }
        TargetFeatureLister lister = (TargetFeatureLister) ModuleRegistry.getModule(TargetFeatureLister.class);
        try {
            if (lister.getState() == marytts.modules.MaryModule.MODULE_OFFLINE) {
                lister.startup();
            }
        } catch (Exception e) {
            throw new EngineException("MaryTTS TargetFeatureLister could not start: " + e, e);
        }
        warmUp();
        LOG.debug("MaryTTS started and warmed up in {} ms", (System.nanoTime() - t0) / 1_000_000);
        return new MaryRuntime((HMMVoice) v, lister);
    }

    /**
     * In command-line mode MaryTTS starts its text-analysis modules on first use (about 0.1 s, plus loading the
     * lexicon and tagger): one short sentence taken to ACOUSTPARAMS here keeps that off the first reply's latency.
     */
    private static void warmUp() {
        try {
            LocalMaryInterface mary = new LocalMaryInterface();
            mary.setVoice(VOICE);
            mary.setInputType("TOKENS");
            mary.setOutputType("ACOUSTPARAMS");
            String text = "Hello there.";
            mary.generateXML(MaryTokens.document(text, MaryTokens.tokenize(text, 0, text.length())));
        } catch (Exception e) {
            throw new EngineException("MaryTTS could not analyse a test sentence: " + e, e);
        }
    }

    /** Refuses to go on unless {@code org.apache.log4j} is log4j-over-slf4j's, whose configurators do nothing. */
    private static void checkLog4jIsSlf4j() {
        ClassLoader loader = Mary.class.getClassLoader();
        URL configurator = loader.getResource("org/apache/log4j/PropertyConfigurator.class");
        URL bridge = loader.getResource("org/apache/log4j/Log4jLoggerFactory.class");
        if (configurator == null || bridge == null || !jarOf(configurator).equals(jarOf(bridge))) {
            throw new EngineException("org.apache.log4j.PropertyConfigurator comes from " + configurator
                    + ", not from org.slf4j:log4j-over-slf4j: MaryTTS would reconfigure the application's logging "
                    + "at start-up. Put log4j-over-slf4j before log4j 1.x / log4j-1.2-api on the class path");
        }
    }

    private static String jarOf(URL classFile) {
        String s = classFile.toString();
        int bang = s.indexOf("!/");
        if (bang >= 0) {
            return s.substring(0, bang);
        }
        int pkg = s.indexOf("org/apache/log4j/");
        return pkg >= 0 ? s.substring(0, pkg) : s;
    }

    private static void cancelMaintenanceTimer() {
        try {
            Field f = MaryUtils.class.getDeclaredField("maintenanceTimer");
            f.setAccessible(true);
            ((Timer) f.get(null)).cancel();
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("Could not cancel MaryUtils' maintenance timer thread; it is an idle daemon thread", e);
        }
    }
}
